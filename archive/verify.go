package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"wxarchive/model"
)

// VerifyOptions choose how deep Verify goes.
type VerifyOptions struct {
	// Quick checks the structure (every reference resolves, chains, heads,
	// index, journal, state files) without re-hashing objects.
	Quick bool
	// Workers is how many files are checked at once (0: one per core).
	Workers int
	// Root, when set, is a root hash printed by an earlier verify: Verify
	// also checks that the history since then was only appended to.
	Root string
}

// Report is what Verify found.
type Report struct {
	Problems []Problem // damage, then notices (Problem.Notice)
	Root     string    // the root hash over every head's history (see Root)
	Heads    int
	Objects  int
}

// Damaged counts the problems that are damage, not notices.
func (r *Report) Damaged() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Notice {
			n++
		}
	}
	return n
}

// Verify runs VerifyWith with the defaults and returns the problems,
// notices left out.
func (a *Archive) Verify() ([]Problem, error) {
	r, err := a.VerifyWith(VerifyOptions{})
	if err != nil {
		return nil, err
	}
	var out []Problem
	for _, p := range r.Problems {
		if !p.Notice {
			out = append(out, p)
		}
	}
	return out, nil
}

// VerifyWith re-hashes every object and checks every reference and record:
// each head against its own hash, its versions, images and capture records
// (one chain per key, from the head's tip: a record deleted, inserted or
// changed breaks it), its state against the state its records imply, its
// title against its latest version, its index line field by field, its
// readable file; the journal and the state files of other stages. Readable
// files edited or deleted by hand are notices, not damage. It returns an
// error only when the archive cannot be read at all.
//
// Work is spread over every core, one head or object at a time, so memory
// stays bounded by the number of heads' names and index lines.
//
// Readers need no lock, so a writer may commit while Verify runs. Objects
// are written before what references them. The checks of what a writer
// rewrites after a head (readable file, alias heads, index line, the
// chain's newest record) read the index first, the heads next, then the
// journal and the index again: a key named by the journal is being
// written, and a key whose index line changed meanwhile is checked again.
func (a *Archive) VerifyWith(o VerifyOptions) (*Report, error) {
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	v := &verifier{a: a, quick: o.Quick, bad: map[string]string{}}
	rep := &Report{}
	if err := v.irregular(); err != nil {
		return nil, err
	}
	if !o.Quick {
		n, err := v.objects(workers)
		if err != nil {
			return nil, err
		}
		rep.Objects = n
	}
	idx, err := a.indexBodies()
	if err != nil {
		v.report(Problem{Path: a.n.index, Reason: fmt.Sprintf("unreadable: %v", err)})
	}
	// The keys of a journal are a writer's commit in progress only while
	// a writer holds the lock. A journal no writer holds names a write cut
	// short (kill -9): what it may have left half done is reported as
	// notices naming the interruption, not hidden (a forged journal masks
	// nothing), and the next writer finishes or undoes it.
	live := a.writerLive()
	pending := v.intent(true)
	var interrupted map[model.Key]bool
	if !live && len(pending) > 0 {
		v.report(Problem{Path: a.n.intent, Notice: true, Reason: fmt.Sprintf("names %d articles of a write no writer finished; the next writer finishes it", len(pending))})
		interrupted, pending = pending, nil
	}
	v.interrupted = interrupted
	var anchors map[model.Key]anchorLine
	if o.Root != "" {
		anchors = v.anchor(o.Root)
	}
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return nil, err
	}
	rep.Heads = len(names)
	type keyResult struct {
		k       model.Key
		suspect []Problem
		line    string
	}
	results := make(chan keyResult, workers)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				k := keyOfHead(a.n.heads, n)
				s, line := v.checkKey(k, idx[k], anchors)
				results <- keyResult{k, s, line}
			}
		}()
	}
	go func() {
		for _, n := range names {
			jobs <- n
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	hasHead := make(map[model.Key]bool, len(names))
	suspect := map[model.Key][]Problem{}
	var lines []string
	for r := range results {
		hasHead[r.k] = true
		if len(r.suspect) > 0 {
			suspect[r.k] = r.suspect
		}
		if r.line != "" {
			lines = append(lines, r.line)
		}
	}

	// Settle what a writer may have been changing meanwhile.
	for k := range pending {
		delete(suspect, k)
	}
	if live {
		for k := range v.intent(false) {
			delete(suspect, k)
		}
	}
	idx2, err := a.indexBodies()
	if err != nil {
		return nil, err
	}
	for k, p := range suspect {
		if idx[k] != idx2[k] {
			p = v.recheck(k)
		}
		for _, q := range p {
			if interrupted[k] && q.cut && !q.tampered {
				q.Notice = true
				q.Reason += " (a write cut short; the next writer finishes it)"
			}
			v.report(q)
		}
	}
	for k := range idx {
		if !hasHead[k] {
			v.report(Problem{Path: a.n.index, Reason: fmt.Sprintf("line for %s, which has no head", k)})
		}
	}
	for k := range anchors {
		if !hasHead[k] {
			v.report(Problem{Path: a.headName(k), Reason: fmt.Sprintf("missing: the article was in the history of root %.12s", o.Root)})
		}
	}
	v.stateFiles()
	if _, err := a.store.Get(migratingName); err == nil && !a.legacy {
		v.problem(migratingName, "a migration mark in a migrated archive (no migration leaves one beside the format): ignored; remove it")
	}

	rep.Root = rootOf(lines)
	if !a.legacy && len(lines) > 0 { // a reader leaves an archive of the layout before as it is
		if err := a.putAnchor(rep.Root, lines); err != nil {
			a.log.Warn("archive: root anchor not saved", "err", err)
		}
	}
	sort.SliceStable(v.probs, func(i, j int) bool {
		x, y := v.probs[i], v.probs[j]
		if x.Notice != y.Notice {
			return !x.Notice
		}
		if x.Path != y.Path {
			return x.Path < y.Path
		}
		return x.Reason < y.Reason
	})
	rep.Problems = v.probs
	return rep, nil
}

type verifier struct {
	a     *Archive
	quick bool
	// interrupted are the keys of a journal no writer holds: the capture
	// record such a write may have left beyond its head's chain is a
	// notice, and the checks run without it.
	interrupted map[model.Key]bool
	mu          sync.Mutex
	bad         map[string]string // damaged objects (re-hashed in the first pass) -> what is wrong
	probs       []Problem
}

func (v *verifier) report(p Problem) {
	v.mu.Lock()
	v.probs = append(v.probs, p)
	v.mu.Unlock()
}

func (v *verifier) problem(p, format string, args ...any) {
	v.report(Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
}

// irregular reports what in the store is not a regular file: a symbolic
// link (to a file outside the archive, to another object, to /dev/zero),
// a FIFO or a device. Readers refuse to follow them (ErrNotRegular), and
// the listing that re-hashes objects skips them, so they are damage here.
func (v *verifier) irregular() error {
	l, ok := v.a.store.(IrregularLister)
	if !ok {
		return nil
	}
	// The top folders of every part: a link higher up would hide what is
	// under it from a walk that starts below it.
	n := v.a.n
	seen := map[string]bool{}
	var dirs []string
	for _, name := range []string{n.heads, n.captures, n.versions, n.raw, n.md, n.blob, n.index, n.intent, n.state, n.logs, n.roots, hiddenDir} {
		top, _, _ := strings.Cut(name, "/")
		if !seen[top] {
			seen[top] = true
			dirs = append(dirs, top+"/")
		}
	}
	bad, err := l.Irregular(dirs...)
	if err != nil {
		return err
	}
	for _, b := range bad {
		v.problem(b.Name, "not a regular file (%s): readers do not follow it; put the file itself there (to keep the archive elsewhere, move its whole folder)", b.What)
	}
	return nil
}

// objects re-hashes every object, shard by shard, on every worker.
func (v *verifier) objects(workers int) (int, error) {
	jobs := make(chan string, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				if r := objectProblem(v.a.store, n); r != "" {
					v.mu.Lock()
					v.bad[n] = r
					v.mu.Unlock()
					v.problem(n, "%s", r)
				}
			}
		}()
	}
	count := 0
	var err error
	for _, dir := range []string{v.a.n.raw, v.a.n.md, v.a.n.blob} {
		for s := range 256 {
			var names []string
			if names, err = v.a.store.List(fmt.Sprintf("%s%02x/", dir, s)); err != nil {
				break
			}
			for _, n := range names {
				jobs <- n
			}
			count += len(names)
		}
	}
	close(jobs)
	wg.Wait()
	return count, err
}

func objectProblem(st Store, n string) string {
	b, err := st.Get(n)
	if errors.Is(err, fs.ErrNotExist) {
		return "missing"
	}
	if err != nil {
		return fmt.Sprintf("unreadable: %v", err)
	}
	want := strings.SplitN(path.Base(n), ".", 2)[0]
	var got string
	switch {
	case strings.HasSuffix(n, ".gz"):
		raw, err := gunzip(n, b)
		if err != nil {
			return err.Error()
		}
		got = sha(raw)
	case strings.Contains(n, "objects/md/"):
		got = contentHash(b)
	default:
		got = sha(b)
	}
	if got != want {
		return fmt.Sprintf("content hash %s does not match its name", got[:12])
	}
	return ""
}

// object reports whether the object n is there and intact, as far as this
// verify knows (re-hashed in the first pass, or, quick, only there).
// markdown checks a Markdown object a head references: there and intact
// (object), and, unless quick, its bytes against what the head recorded of
// them (mdProblem: the lines its name skips).
func (v *verifier) markdown(r mdRef, format string, args ...any) {
	n := v.a.mdName(r.sum)
	p := v.object(n)
	if p == "" && !v.quick {
		if b, err := v.a.store.Get(n); err != nil {
			p = fmt.Sprintf("unreadable: %v", err)
		} else if q := v.a.mdProblem(b, r); q != "" {
			p = "damaged: " + q
		}
	}
	if p != "" {
		v.problem(n, "%s: %s", p, fmt.Sprintf(format, args...))
	}
}

func (v *verifier) object(n string) string {
	v.mu.Lock()
	r, ok := v.bad[n]
	v.mu.Unlock()
	if ok {
		return r
	}
	if ok, err := v.a.exists(n); err != nil {
		return fmt.Sprintf("unreadable: %v", err)
	} else if !ok {
		return "missing"
	}
	return ""
}

func (a *Archive) exists(n string) (bool, error) {
	if c, ok := a.store.(Checker); ok {
		return c.Exists(n)
	}
	_, err := a.store.Get(n)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// intent returns the keys the journal names now (report: say when it is
// damaged).
func (v *verifier) intent(report bool) map[model.Key]bool {
	pending := map[model.Key]bool{}
	b, err := v.a.store.Get(v.a.n.intent)
	if err != nil {
		return pending
	}
	var it intent
	if err := json.Unmarshal(b, &it); err != nil {
		if report {
			v.problem(v.a.n.intent, "damaged journal (not JSON: %v); the next writer checks every article and removes it", err)
		}
		return pending
	}
	for _, k := range it.Keys {
		pending[k] = true
	}
	return pending
}

// stateFiles checks that the state files of other stages are readable:
// a damaged queue would make every later run fail.
func (v *verifier) stateFiles() {
	names, err := v.a.store.List(v.a.n.state)
	if err != nil {
		v.problem(v.a.n.state, "unreadable: %v", err)
		return
	}
	for _, n := range names {
		if !strings.HasSuffix(n, ".json") {
			continue
		}
		b, err := v.a.store.Get(n)
		if err != nil {
			v.problem(n, "unreadable: %v", err)
			continue
		}
		if !json.Valid(b) {
			v.problem(n, "damaged: not valid JSON (remove it to start that state afresh)")
		}
	}
}

// checkKey checks one head: damage to write-once files is reported at once;
// what a writer may be changing is returned as suspect. It also returns the
// head's line of the root.
func (v *verifier) checkKey(k model.Key, idxBody lineSum, anchors map[model.Key]anchorLine) (suspect []Problem, line string) {
	a := v.a
	hn := a.headName(k)
	h, raw, err := a.loadHeadRaw(k)
	if err != nil || h == nil {
		v.problem(hn, "unreadable head: %v", errors.Unwrap(err))
		return nil, ""
	}
	if h.Key != k {
		v.problem(hn, "head names key %s", h.Key)
	}
	var plain struct {
		Sum string `json:"sum"`
	}
	_ = json.Unmarshal(raw, &plain)
	// A head of the layout before has no hash; one written since has, in
	// an archive whose migration is under way too.
	if !a.legacy || plain.Sum != "" {
		if plain.Sum == "" || plain.Sum != headSum(h) {
			suspect = append(suspect, Problem{Path: hn, Reason: "the head was changed outside the archive (its hash does not match)", tampered: true})
		}
	}
	v.references(h)
	recs, err := a.keyCaptures(k)
	if err != nil {
		v.problem(a.n.captures+string(k)+"/", "unreadable capture records: %v", err)
	}
	chained := h.Chain.N != 0
	if a.legacy && !chained {
		// Not migrated yet: the chain the migration will give it (see
		// migrateHead), so that the root printed now is one the migrated
		// archive extends.
		h.Chain = legacyChain(recs)
	}
	for _, r := range recs {
		if r.RawSHA != "" {
			if p := v.object(a.rawName(r.RawSHA)); p != "" {
				v.problem(a.rawName(r.RawSHA), "%s: raw page of capture %s", p, r.Name)
			}
		}
	}
	if !a.legacy && v.interrupted[k] {
		// The record a commit cut short before its head left: the next
		// link of the head's chain, which the head does not hold yet.
		kept := recs[:0:0]
		for _, r := range recs {
			if r.Seq == h.Chain.N+1 && r.Prev == h.Chain.Tip && r.Hash != h.Chain.Tip {
				v.report(Problem{Path: r.Name, Notice: true, Reason: "capture record a write cut short left before its head held it; the next writer removes it"})
				continue
			}
			kept = append(kept, r)
		}
		recs = kept
	}
	if !a.legacy || chained {
		reasons, outside := checkChain(h.Chain, recs)
		for _, r := range reasons {
			suspect = append(suspect, Problem{Path: a.n.captures + string(k) + "/", Reason: r})
		}
		for _, n := range outside {
			suspect = append(suspect, Problem{Path: n, Reason: "capture record outside the chain of its head (inserted?)"})
		}
		for _, r := range misnamed(recs) {
			v.report(Problem{Path: a.n.captures + string(k) + "/", Notice: true, Reason: r})
		}
	}
	suspect = append(suspect, v.consistency(h, recs, idxBody)...)
	if al, ok := anchors[k]; ok {
		suspect = append(suspect, v.extends(h, recs, al)...)
	}
	return suspect, rootLine(k, h)
}

// references checks the write-once files a head references: they were
// written before it, so a missing one is missing for good.
func (v *verifier) references(h *head) {
	a := v.a
	for _, ver := range h.History {
		v.markdown(ver.ref(), "version %d of %s", ver.N, h.Key)
		for _, r := range ver.Renderings {
			v.markdown(mdRef{sum: r.SHA, exact: r.Exact, id: r.ID}, "a rendering of version %d of %s", ver.N, h.Key)
		}
		if ver.File == "" {
			continue
		}
		file := a.versionFile(ver.File)
		if v.quick {
			if ok, _ := a.exists(file); !ok {
				v.problem(file, "missing: version %d of %s", ver.N, h.Key)
			}
		} else if b, err := a.store.Get(file); err != nil {
			v.problem(file, "missing: version %d of %s", ver.N, h.Key)
		} else if sha(b) != ver.FileSHA {
			v.problem(file, "damaged: content differs from the version %d recorded in %s", ver.N, a.headName(h.Key))
		}
	}
	for _, ref := range h.Images {
		if strings.HasPrefix(ref, a.n.blob) {
			if p := v.object(ref); p != "" {
				v.problem(ref, "%s: image of %s", p, h.Key)
			}
		}
	}
}

// consistency compares h with its capture records and with what a writer
// rewrites after it: the readable file, the alias heads and the index line.
func (v *verifier) consistency(h *head, recs []CaptureRecord, idxBody lineSum) []Problem {
	a := v.a
	var probs []Problem
	bad := func(p, format string, args ...any) {
		probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
	}
	k, hn := h.Key, a.headName(h.Key)
	var md []byte // the latest rendering of the latest version
	if lv := h.last(); lv != nil {
		md, _ = a.markdownOf(lv.currentRef()) // a missing or damaged one is reported by references
	}
	if h.AliasOf != "" {
		if th, err := a.loadHead(h.AliasOf); err == nil && th == nil {
			bad(hn, "alias of missing article %s", h.AliasOf)
		}
	}
	all := recs
	count := h.Chain.N
	for _, ak := range h.Aliases {
		ah, err := a.loadHead(ak)
		if err == nil && (ah == nil || ah.AliasOf != k) {
			bad(a.headName(ak), "should be an alias of %s", k)
			probs[len(probs)-1].cut = true // written after the head
		}
		if ah != nil {
			count += ah.Chain.N
			more, err := a.keyCaptures(ak)
			if err == nil {
				all = append(all, more...)
			}
		}
	}
	if !a.legacy && h.AliasOf == "" {
		if count != h.Captures || len(all) != h.Captures {
			bad(hn, "counts %d captures; its records are %d", h.Captures, len(all))
		}
		if r := replayState(all); r.dated && r.state != h.State {
			bad(hn, "state %q, but its capture records say %q", h.State, r.state)
		}
		var last CaptureRecord
		for _, r := range all {
			if r.Time.After(last.Time) {
				last = r
			}
		}
		if !last.Time.IsZero() && !last.Time.Equal(h.LastCapture) {
			bad(hn, "last capture %s, but its newest capture record is of %s", h.LastCapture.Format("2006-01-02T15:04:05Z07:00"), last.Time.Format("2006-01-02T15:04:05Z07:00"))
		}
		if md != nil {
			for _, r := range describes(h, md) {
				bad(hn, "%s", r)
			}
		}
		for _, r := range checkHistory(h, all) {
			bad(hn, "%s", r)
		}
		if r := lastOutcome(h, recs); r != "" {
			bad(hn, "%s", r)
		}
	}
	if md != nil {
		probs = append(probs, v.readable(h, md)...)
	}
	want := indexLine(h)
	wantBody := string(want[1 : len(want)-10])
	if idxBody.legacy { // a line of the layout before
		wantBody = wantBody[:strings.LastIndexByte(wantBody, '\t')]
	}
	switch {
	case !idxBody.ok:
		bad(a.n.index, "no line for %s (run reindex)", k)
		probs[len(probs)-1].cut = true // appended after the head
	case idxBody != sumOfBody(wantBody):
		bad(a.n.index, "line for %s differs from its head (run reindex)", k)
		probs[len(probs)-1].cut = true
	}
	return probs
}

// describes compares what the head says of the article (title, account,
// published, URL) with its latest version.
func describes(h *head, md []byte) []string {
	var out []string
	if t := frontMatterValue(md, "title"); t != "" && t != h.Title {
		out = append(out, fmt.Sprintf("title %q, but its latest version says %q", h.Title, t))
	}
	if acc := frontMatterValue(md, "account"); acc != "" && acc != h.Account {
		out = append(out, fmt.Sprintf("account %q, but its latest version says %q", h.Account, acc))
	}
	if p := frontMatterValue(md, "published"); p != "" {
		if t, err := time.Parse(time.RFC3339, p); err == nil && !t.Equal(h.Published) {
			out = append(out, fmt.Sprintf("published %s, but its latest version says %s", fmtTime(h.Published), p))
		}
	}
	if r := urlProblem(h, md); r != "" {
		out = append(out, r)
	}
	return out
}

// urlProblem checks the head's URL: the one its latest version names when
// that is a link to the article, else a link to the article at all.
func urlProblem(h *head, md []byte) string {
	ours := func(u string) bool {
		l, err := model.ParseLink(u)
		return err == nil && l.Key() != "" && (l.Key() == h.Key || slices.Contains(h.Aliases, l.Key()))
	}
	src := frontMatterValue(md, "source")
	if src == "" {
		src = frontMatterValue(md, "url")
	}
	switch {
	case src != "" && ours(src) && h.URL != src:
		return fmt.Sprintf("URL %q, but its latest version says %q", h.URL, src)
	case h.URL != "" && !ours(h.URL):
		return fmt.Sprintf("URL %q is not a link to this article", h.URL)
	}
	return ""
}

// lastOutcome checks the head's last outcome against its newest record
// (the chain's tip; records from before chains are not checked).
func lastOutcome(h *head, recs []CaptureRecord) string {
	if h.Chain.Tip == "" || h.Chain.Tip == h.Chain.Base {
		return ""
	}
	for _, r := range recs {
		if r.Hash == h.Chain.Tip && r.Outcome != h.LastOutcome {
			return fmt.Sprintf("last outcome %q, but its newest capture record says %q", h.LastOutcome, r.Outcome)
		}
	}
	return ""
}

// readable checks the readable files of h: the latest one must hold the
// latest content; files edited or deleted by hand are notices.
func (v *verifier) readable(h *head, md []byte) []Problem {
	a := v.a
	if h.Path == "" || h.AliasOf != "" {
		return nil
	}
	var probs []Problem
	want := a.readableFrom(h, md)
	if len(h.Readable.Files) == 0 {
		got, gerr := a.store.Get(h.Path)
		switch {
		case errors.Is(gerr, ErrNotRegular):
			probs = append(probs, Problem{Path: h.Path, Notice: true, Reason: "a link or a special file put there by hand (or in a folder linked by hand): never followed nor written"})
		case gerr != nil:
			probs = append(probs, Problem{Path: h.Path, Reason: fmt.Sprintf("missing: latest Markdown of %s", h.Key)})
		case sha(got) != sha(want):
			probs = append(probs, Problem{Path: h.Path, Reason: fmt.Sprintf("differs from version %d of %s", len(h.History), h.Key)})
		}
		return probs
	}
	paths := make([]string, 0, len(h.Readable.Files))
	for p := range h.Readable.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		known := h.Readable.Files[p]
		got, gerr := a.store.Get(p)
		switch {
		case errors.Is(gerr, fs.ErrNotExist):
			probs = append(probs, Problem{Path: p, Notice: true, Reason: fmt.Sprintf("deleted by hand ('wxarchive restore %s' writes it again)", h.Key)})
		case errors.Is(gerr, ErrNotRegular):
			probs = append(probs, Problem{Path: p, Notice: true, Reason: "replaced by hand with a link or a special file: kept as it is, never followed nor overwritten"})
		case gerr != nil:
			probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf("unreadable: %v", gerr)})
		case sha(got) == known.SHA:
			if p == h.Readable.Current && known.SHA != sha(want) {
				probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf("does not hold the latest version %d of %s (the next writer rewrites it)", len(h.History), h.Key), cut: true})
			}
		case sha(got) == known.Prev && p == h.Readable.Current:
			probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf("still holds an older version of %s (a write was cut short; the next writer rewrites it)", h.Key), cut: true})
		default:
			probs = append(probs, Problem{Path: p, Notice: true, Reason: "edited by hand: kept as it is, never overwritten"})
		}
	}
	return probs
}

// recheck runs the consistency checks of k again while a writer changes
// it: index, head, journal, index; a result counts once the key's index
// line held still and the journal did not name it.
func (v *verifier) recheck(k model.Key) []Problem {
	for range 20 {
		idx, err := v.a.indexBodies()
		if err != nil {
			return nil
		}
		h, _, err := v.a.loadHeadRaw(k)
		if err != nil || h == nil {
			return nil // the first pass read it whole
		}
		recs, _ := v.a.keyCaptures(k)
		var probs []Problem
		if !v.a.legacy {
			if headSum(h) != h.Sum {
				probs = append(probs, Problem{Path: v.a.headName(k), Reason: "the head was changed outside the archive (its hash does not match)", tampered: true})
			}
			reasons, outside := checkChain(h.Chain, recs)
			for _, r := range reasons {
				probs = append(probs, Problem{Path: v.a.n.captures + string(k) + "/", Reason: r})
			}
			for _, n := range outside {
				probs = append(probs, Problem{Path: n, Reason: "capture record outside the chain of its head (inserted?)"})
			}
		}
		probs = append(probs, v.consistency(h, recs, idx[k])...)
		if v.intent(false)[k] && v.a.writerLive() {
			return nil
		}
		idx2, err := v.a.indexBodies()
		if err != nil {
			return nil
		}
		if idx[k] == idx2[k] {
			return probs
		}
	}
	return nil // written without pause: nothing stable to compare
}
