package archive

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"wxarchive/model"
)

// Record stores one capture; the caller holds the Lock.
//
// The outcome: failed when in.Err is set or nothing usable came back;
// model.OutcomeOf(state) for a state page (deleted, violation, blocked…),
// which never creates a version nor touches the latest Markdown; for an
// article, created (first version), updated (the page says something
// else), unchanged, or rerendered (the same page, rendered differently by a
// newer extractor: see sameOrRerendered).
//
// The article's state follows the newest observation by time (see
// observe): an older saved page, or one of unknown date, adds its content
// but does not undo a later deleted notice. A blocked or failed capture
// never changes the state.
//
// Write order (a crash at any instant leaves a consistent archive): raw
// snapshot and Markdown objects, the intent journal, the capture record,
// then the head (the commit), then the derived readable file and index
// line. The journal lets the next Lock finish these last two, or remove a
// capture record no head committed. A failure after the commit is a
// warning in the Result, not an error.
func (a *Archive) Record(in Input) (Result, error) {
	if a.legacy {
		return Result{}, errors.New("archive: record: the archive is in the layout before the vault layout; take the lock first, which migrates it")
	}
	key, short, err := identify(in)
	if err != nil {
		return Result{}, err
	}
	// A deleted page fetched through an already joined short link belongs
	// to the article.
	if key == short {
		if ah, err := a.loadHead(short); err != nil {
			return Result{}, err
		} else if err := a.checkHead(short, ah); err != nil {
			return Result{}, err
		} else if ah != nil && ah.AliasOf != "" {
			key, short = ah.AliasOf, ""
		}
	}
	h, err := a.loadHead(key)
	if err == nil {
		err = a.checkHead(key, h) // before anything is written
	}
	if err != nil {
		return Result{}, err
	}
	if h == nil {
		h = &head{Info: Info{Key: key}}
	} else if h.AliasOf != "" {
		return Result{}, fmt.Errorf("archive: record %s: key is an alias of %s", key, h.AliasOf)
	}
	var alias *head
	if short != "" && short != key {
		if alias, err = a.join(h, short); err != nil {
			return Result{}, err
		}
	}

	now := time.Now().UTC()
	at := in.Capture.FetchedAt
	if at.IsZero() {
		at = now
	}
	rec := CaptureRecord{
		Key: key, Time: at.UTC(), Recorded: now, TimeSource: in.TimeSource, Undated: in.Undated,
		Target: in.Capture.Target, Link: in.Link, SourceURL: in.Capture.SourceURL, FinalURL: in.Capture.FinalURL,
		ExtractURL: in.ExtractURL, HTTPStatus: in.Capture.HTTPStatus, ContentType: in.Capture.ContentType, Stripped: in.Stripped, ImageErrors: in.ImageErrors,
		Hint: in.Hint,
	}
	if in.Renderer != nil {
		rec.Extractor = in.Renderer.Version()
	}
	if len(in.Capture.Raw) > 0 {
		if rec.RawSHA, err = a.putRaw(in.Capture.Raw); err != nil {
			return Result{}, err
		}
	}
	if in.Doc != nil {
		rec.State, rec.Reason = in.Doc.State, in.Doc.Reason
		if h.Biz == "" {
			h.Biz = in.Doc.ID.Biz
		}
	}
	if h.URL == "" {
		h.URL = canonURL(in)
	}

	switch {
	case in.Err != nil:
		rec.Outcome, rec.Error = model.OutcomeFailed, in.Err.Error()
	case in.Doc == nil:
		rec.Outcome, rec.Error = model.OutcomeFailed, "no document extracted"
	case in.Doc.State != model.StateArticle:
		rec.Outcome = model.OutcomeOf(in.Doc.State)
	case in.Doc.Article == nil || len(in.Markdown) == 0:
		rec.Outcome, rec.Error = model.OutcomeFailed, "article without Markdown"
	default:
		// Images known from earlier captures stay linked.
		for u, ref := range in.Images {
			if h.Images == nil {
				h.Images = map[string]string{}
			}
			h.Images[u] = ref
		}
		if err := a.recordArticle(h, in, &rec, now); err != nil {
			return Result{}, err
		}
		if rec.Version == len(h.History) {
			setMeta(h, in.Doc) // the article as its latest version says
		}
		if h.Path == "" {
			if h.Path, err = a.choosePath(readableName(h.Account, h.Title, dateOf(h, at), key), key); err != nil {
				return Result{}, err
			}
		}
	}
	applyHint(h, in.Hint)
	observe(h, &rec)

	plan, err := a.planReadable(h)
	if err != nil {
		return Result{}, err
	}
	rec.Notes = plan.notes
	keys := []model.Key{key}
	if alias != nil {
		keys = append(keys, alias.Key)
	}
	if err := a.putCapture(&rec, h, keys); err != nil {
		return Result{}, err
	}
	if err := a.putHead(h); err != nil {
		return Result{}, err
	}
	if alias != nil {
		if err := a.putHead(alias); err != nil {
			return Result{}, err
		}
	}
	// Committed: what follows is derived, and finished by the next writer
	// when it fails here.
	res := Result{Key: key, Outcome: rec.Outcome, Version: len(h.History), Path: h.Path, Title: h.Title, Notes: plan.notes}
	if plan.path != "" {
		res.Path = plan.path
	}
	res.Warnings = a.afterCommit(h, alias, plan)
	return res, nil
}

// recordArticle decides what an article capture is to the article's
// history, and stores what it adds (a version, or a rendering).
//
// History is ordered by time, the newest (what the readable file shows)
// last. A capture older than the latest version (a page saved before it,
// or one of unknown date while the latest is dated) never becomes the
// latest: when it says something no version says, it is inserted in its
// place by time (outcome earlier, no edit) and the versions are numbered
// again; else it is unchanged (or rerendered) against the version it
// matches.
func (a *Archive) recordArticle(h *head, in Input, rec *CaptureRecord, now time.Time) error {
	rec.ContentHash, rec.Exact = contentHash(in.Markdown), sha(in.Markdown)
	id := identity(in.Markdown)
	rec.Identity = id
	last := h.last()
	older := last != nil && olderThanLatest(last, rec)
	cands := []*versionRef{}
	if last != nil {
		cands = append(cands, last)
	}
	if older {
		for i := len(h.History) - 2; i >= 0; i-- {
			cands = append(cands, &h.History[i])
		}
	}
	for _, v := range cands {
		same, err := a.sameOrRerendered(h, v, in, id)
		if err != nil {
			return err
		}
		switch same {
		case sameVersion:
			rec.Outcome, rec.Version = model.OutcomeUnchanged, v.N
			return nil
		case sameRerendered:
			if _, err := a.store.PutIfAbsent(a.mdName(rec.ContentHash), in.Markdown); err != nil {
				return err
			}
			v.Renderings = append(v.Renderings, rendering{SHA: rec.ContentHash, Exact: rec.Exact, ID: id, Extractor: rec.Extractor, Time: now})
			rec.Outcome, rec.Version = model.OutcomeRerendered, v.N
			return nil
		}
	}
	if _, err := a.store.PutIfAbsent(a.mdName(rec.ContentHash), in.Markdown); err != nil {
		return err
	}
	ref := versionRef{SHA: rec.ContentHash, Exact: rec.Exact, Time: rec.Time, ID: id, Extractor: rec.Extractor, RawSHA: rec.RawSHA, Undated: rec.Undated}
	switch {
	case older:
		pos := insertPos(h.History, rec)
		h.History = slices.Insert(h.History, pos, ref)
		for i := range h.History {
			h.History[i].N = i + 1
		}
		rec.Outcome, rec.Version = model.OutcomeEarlier, pos+1
		return nil
	case last == nil:
		rec.Outcome = model.OutcomeCreated
	default:
		rec.Outcome = model.OutcomeUpdated
	}
	ref.N = len(h.History) + 1
	h.History = append(h.History, ref)
	rec.Version = len(h.History)
	return nil
}

// olderThanLatest reports whether a capture is older than the latest
// version: dated before it, or of unknown date while the latest is dated.
// A version of unknown date is never known to be newer than anything.
func olderThanLatest(last *versionRef, rec *CaptureRecord) bool {
	switch {
	case last.Undated:
		return false
	case rec.Undated:
		return true
	}
	return rec.Time.Before(last.Time)
}

// insertPos is where a capture older than the latest version goes: before
// the first dated version newer than it; one of unknown date right before
// the newest dated version.
func insertPos(hist []versionRef, rec *CaptureRecord) int {
	if rec.Undated {
		for i := len(hist) - 1; i >= 0; i-- {
			if !hist[i].Undated {
				return i
			}
		}
		return len(hist)
	}
	for i, v := range hist {
		if !v.Undated && v.Time.After(rec.Time) {
			return i
		}
	}
	return len(hist)
}

type sameness int

const (
	differs sameness = iota
	sameVersion
	sameRerendered
)

// sameOrRerendered compares like with like: a capture is the same version
// when its identity equals the version's (or a rendering's); when the
// version was rendered by another extractor than the capture's, the
// version's own raw page is rendered again with the capture's extractor
// and compared: equal means the page did not change, only its rendering.
func (a *Archive) sameOrRerendered(h *head, v *versionRef, in Input, id string) (sameness, error) {
	ids, err := a.versionIDs(v)
	if err != nil {
		return differs, err
	}
	if slices.Contains(ids, id) {
		return sameVersion, nil
	}
	if in.Renderer == nil {
		return differs, nil
	}
	_, ext := v.current()
	if extractorOf(ext) == in.Renderer.Version() {
		return differs, nil
	}
	md, err := a.renderAgain(h, v, in.Renderer)
	if err != nil {
		a.log.Warn("archive: cannot render the previous version again; comparing as it is", "key", h.Key, "version", v.N, "err", err)
		return differs, nil
	}
	if identity(md) == id {
		return sameRerendered, nil
	}
	return differs, nil
}

// extractorOf reads an extractor version as recorded: 0 is a version
// recorded before extractors were numbered, by extractor 1.
func extractorOf(v int) int { return max(v, 1) }

// versionIDs returns the identities of a version and its renderings,
// computing those recorded before identities from their Markdown.
func (a *Archive) versionIDs(v *versionRef) ([]string, error) {
	var ids []string
	add := func(id, sum string) error {
		if id == "" {
			md, err := a.store.Get(a.mdName(sum))
			if err != nil {
				return fmt.Errorf("archive: version %d: %w", v.N, err)
			}
			id = identity(md)
		}
		ids = append(ids, id)
		return nil
	}
	if err := add(v.ID, v.SHA); err != nil {
		return nil, err
	}
	for _, r := range v.Renderings {
		if err := add(r.ID, r.SHA); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// renderAgain renders the raw page behind version v with r.
func (a *Archive) renderAgain(h *head, v *versionRef, r Renderer) ([]byte, error) {
	rawSHA, src := v.RawSHA, Origin{}
	caps, err := a.capturesOf(h)
	if err != nil {
		return nil, err
	}
	for i := len(caps) - 1; i >= 0; i-- {
		c := caps[i]
		if c.RawSHA != "" && (c.RawSHA == rawSHA || (rawSHA == "" && c.ContentHash == v.SHA)) {
			rawSHA, src = c.RawSHA, origin(&c)
			break
		}
	}
	if rawSHA == "" {
		return nil, fmt.Errorf("archive: %s version %d: no raw page stored", h.Key, v.N)
	}
	md, readErr, err := a.renderRaw(rawSHA, src, r)
	if readErr != nil {
		return nil, readErr
	}
	return md, err
}

// renderRaw renders the stored raw page sum, read from src, with r:
// readErr when the page cannot be read, renderErr when r refuses it. A
// memo of ReextractMany answers without reading the page again.
func (a *Archive) renderRaw(sum string, src Origin, r Renderer) (md []byte, readErr, renderErr error) {
	if m, ok := r.(*renderMemo); ok {
		return m.renderRaw(a, sum, src)
	}
	raw, err := a.Raw(sum)
	if err != nil {
		return nil, err, nil
	}
	md, err = r.Render(raw, src)
	return md, nil, err
}

// origin is what the extractor was given for a capture besides the page:
// its URL and the Content-Type header.
func origin(c *CaptureRecord) Origin {
	o := Origin{ContentType: c.ContentType}
	for _, u := range []string{c.ExtractURL, c.FinalURL, c.SourceURL, c.Link} {
		if u != "" {
			o.URL = u
			break
		}
	}
	return o
}

// observe applies a capture to the article's state: the newest
// observation by time wins; failed and blocked captures say nothing about
// the article; an undated one (a saved page of unknown date) only gives a
// state to an article that has none.
func observe(h *head, rec *CaptureRecord) {
	if rec.Time.After(h.LastCapture) {
		h.LastCapture = rec.Time
	}
	h.LastOutcome = rec.Outcome
	h.Captures++
	observeState(h, rec)
}

// observeState is the state part of observe.
func observeState(h *head, rec *CaptureRecord) {
	if !observes(rec) {
		return
	}
	st := rec.State
	if rec.Outcome == model.OutcomeFailed || st == "" {
		return
	}
	if rec.Undated {
		if h.State == "" {
			h.State = st
		}
		return
	}
	if h.StateAt.IsZero() || !rec.Time.Before(h.StateAt) {
		if h.State != st || h.StateSince.IsZero() {
			h.StateSince = rec.Time
		}
		h.State, h.StateAt = st, rec.Time
	}
}

// observes reports whether a capture says something about the article's
// state.
func observes(rec *CaptureRecord) bool {
	return rec.Outcome != model.OutcomeFailed && rec.Outcome != model.OutcomeBlocked
}

// identify returns the article's key and, when the capture came through a
// short link, that link's key.
func identify(in Input) (key, short model.Key, err error) {
	var linkKey model.Key
	for _, u := range []string{in.Link, in.Capture.SourceURL} {
		if u == "" {
			continue
		}
		if l, err := model.ParseLink(u); err == nil && l.Key() != "" {
			linkKey = l.Key()
			if l.Kind == model.KindShort {
				short = linkKey
			}
			break
		}
	}
	if in.Doc != nil && in.Doc.ID.Complete() {
		if short == "" && in.Doc.ShortLink != "" {
			// The page names its own short link: remember it as an alias,
			// so the article is found by either.
			if l, err := model.ParseLink(in.Doc.ShortLink); err == nil && l.Kind == model.KindShort {
				short = l.Key()
			}
		}
		return in.Doc.ID.Key(), short, nil
	}
	if linkKey != "" {
		return linkKey, short, nil
	}
	return "", "", fmt.Errorf("%w (link %q, source %q)", ErrNoIdentity, in.Link, in.Capture.SourceURL)
}

// join makes the short-link key an alias of h's article, carrying over
// what was recorded under it. It returns the alias head to write, or nil
// when the join was done before.
func (a *Archive) join(h *head, short model.Key) (*head, error) {
	ah, err := a.loadHead(short)
	if err == nil {
		err = a.checkHead(short, ah)
	}
	if err != nil {
		return nil, err
	}
	if ah == nil {
		ah = &head{Info: Info{Key: short}}
	}
	if ah.AliasOf == h.Key {
		return nil, nil
	}
	if ah.AliasOf != "" {
		return nil, fmt.Errorf("archive: short link %s is already joined to %s, not %s", short, ah.AliasOf, h.Key)
	}
	if !slices.Contains(h.Aliases, short) {
		h.Aliases = append(h.Aliases, short)
	}
	h.Captures += ah.Captures
	switch {
	case len(ah.History) == 0:
	case len(h.History) == 0:
		// An article first keyed by its short link (page without ids).
		h.History, h.Path, h.Images, h.Readable = ah.History, ah.Path, ah.Images, ah.Readable
		h.Title, h.Account, h.AccountID, h.Published = ah.Title, ah.Account, ah.AccountID, ah.Published
	default:
		// Both keys were read before they were known to be one article:
		// keep every distinct version of both, oldest first.
		h.History = mergeHistory(h.History, ah.History)
		for u, ref := range ah.Images {
			if _, ok := h.Images[u]; !ok {
				if h.Images == nil {
					h.Images = map[string]string{}
				}
				h.Images[u] = ref
			}
		}
	}
	ah.History, ah.Path, ah.Images, ah.Readable = nil, "", nil, readableRef{}
	if ah.LastCapture.After(h.LastCapture) {
		h.LastCapture = ah.LastCapture
	}
	if ah.State != "" && (h.State == "" || (!ah.StateAt.IsZero() && ah.StateAt.After(h.StateAt))) {
		h.State, h.StateAt, h.StateSince = ah.State, ah.StateAt, ah.StateSince
	}
	ah.AliasOf = h.Key
	return ah, nil
}

// mergeHistory interleaves two version histories of one article by time,
// drops a version identical to the one before it, and numbers the result.
func mergeHistory(a, b []versionRef) []versionRef {
	all := append(append([]versionRef(nil), a...), b...)
	slices.SortStableFunc(all, func(x, y versionRef) int { return x.Time.Compare(y.Time) })
	out := all[:0]
	for _, v := range all {
		if len(out) > 0 && out[len(out)-1].SHA == v.SHA {
			continue
		}
		v.N = len(out) + 1
		out = append(out, v)
	}
	return out
}

func canonURL(in Input) string {
	if in.Doc != nil && in.Doc.ID.Complete() {
		return in.Doc.ID.URL()
	}
	for _, u := range []string{in.Link, in.Capture.SourceURL} {
		if l, err := model.ParseLink(u); err == nil {
			return l.Canon
		}
	}
	return ""
}

func setMeta(h *head, d *model.Document) {
	m := d.Article.Meta
	h.Title, h.Account, h.AccountID, h.Related = m.Title, m.Account, m.AccountID, m.Related
	if d.ID.Complete() {
		h.URL = d.ID.URL()
	} else if m.URL != "" {
		h.URL = m.URL
	}
	if t, err := time.Parse(time.RFC3339, m.Published); err == nil {
		h.Published = t
	}
}

func dateOf(h *head, at time.Time) time.Time {
	if !h.Published.IsZero() {
		return h.Published
	}
	return at
}

// afterCommit writes what the head now implies: the readable file and the
// index line, then takes the keys off the journal. Failures are returned
// as warnings; the keys then stay on the journal for the next writer (or
// the next Record of this one).
func (a *Archive) afterCommit(h, alias *head, plan readablePlan) []string {
	var warns []string
	if err := a.writePlanned(plan); err != nil {
		warns = append(warns, fmt.Sprintf("readable file not written (the next writer writes it): %v", err))
	}
	if err := a.appendIndex(h, alias); err != nil {
		warns = append(warns, fmt.Sprintf("index not updated (the next writer updates it): %v", err))
	}
	if len(warns) > 0 {
		for _, w := range warns {
			a.log.Warn("archive: "+w, "key", h.Key)
		}
		return warns
	}
	done := []model.Key{h.Key}
	if alias != nil {
		done = append(done, alias.Key)
	}
	if err := a.settleJournal(done); err != nil {
		warns = append(warns, fmt.Sprintf("journal not cleared: %v", err))
	}
	return warns
}

// putCapture writes the intent journal, then the capture record as the
// next link of h's chain.
func (a *Archive) putCapture(rec *CaptureRecord, h *head, keys []model.Key) error {
	rec.Prev, rec.Seq = h.Chain.Tip, h.Chain.N+1
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode capture: %w", err)
	}
	b = append(b, '\n')
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	rec.Name = fmt.Sprintf("%s%s/%s-%s.json", a.n.captures, rec.Key, time.Now().UTC().Format("20060102T150405.000000000Z"), hex.EncodeToString(rnd[:]))
	rec.Hash = sha(b)
	if err := a.putIntent(intent{Keys: keys, Capture: rec.Name, CaptureHash: rec.Hash}); err != nil {
		return err
	}
	created, err := a.store.PutIfAbsent(rec.Name, b)
	if err == nil && !created {
		err = errors.New("name taken")
	}
	if err != nil {
		return fmt.Errorf("archive: write capture %s: %w", rec.Name, err)
	}
	h.Chain.Tip, h.Chain.N = rec.Hash, h.Chain.N+1
	return nil
}

// intent is the journal of a commit in progress.
type intent struct {
	Keys        []model.Key `json:"keys"`
	Capture     string      `json:"capture,omitempty"`      // record written before the head
	CaptureHash string      `json:"capture_hash,omitempty"` // its hash: the head's chain tip once committed
}

// putIntent writes the journal of a commit about to start. A journal
// still there is what an earlier commit of this writer left pending (a
// failure after its commit, or before it): its keys are kept, so that a
// second Record of one process never hides the first's unfinished work,
// and its capture record, when no head committed it, is removed now (the
// Record that wrote it failed and nothing will commit it).
func (a *Archive) putIntent(it intent) error {
	old, err := a.readIntent()
	if err != nil {
		return err
	}
	if old != nil {
		if err := a.dropUncommitted(old); err != nil {
			return err
		}
		for _, k := range old.Keys {
			if !slices.Contains(it.Keys, k) {
				it.Keys = append(it.Keys, k)
			}
		}
	}
	b, _ := json.Marshal(it)
	return a.store.Put(a.n.intent, b)
}

// readIntent reads the journal: nil when there is none. A damaged one is
// an error (recover, at Lock, deals with it).
func (a *Archive) readIntent() (*intent, error) {
	b, err := a.store.Get(a.n.intent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: read journal: %w", err)
	}
	var it intent
	if err := json.Unmarshal(b, &it); err != nil {
		return nil, fmt.Errorf("archive: %s is damaged (the next lock checks every article): %w", a.n.intent, err)
	}
	return &it, nil
}

// dropUncommitted removes the capture record a journal names when the
// head of its key (the journal's first) does not hold it as its tip.
func (a *Archive) dropUncommitted(it *intent) error {
	if it.Capture == "" || len(it.Keys) == 0 {
		return nil
	}
	h, err := a.loadHead(it.Keys[0])
	if err != nil {
		return fmt.Errorf("archive: recover %s: %w", it.Keys[0], err)
	}
	if h == nil {
		h = &head{}
	}
	if h.Chain.Tip == it.CaptureHash {
		return nil
	}
	// Only the record that commit wrote, and that no head holds, goes: a
	// journal is a file like any other, and one forged (or damaged) to
	// name a head, an object or a committed record must delete nothing.
	switch ok, err := a.uncommitted(it, h); {
	case err != nil:
		return err
	case !ok:
		return nil
	}
	if err := a.store.Delete(it.Capture); err != nil {
		return err
	}
	a.log.Info("archive: removed a capture record no head committed", "file", it.Capture)
	return nil
}

// uncommitted reports whether the journal's capture names a capture
// record that is there, has the hash the journal gives, and is the next
// link of h's chain, which h does not hold yet: what a commit cut short
// left. Anything else it names is left alone (with a warning, unless it
// is simply missing: a commit cut short before its record was written).
func (a *Archive) uncommitted(it *intent, h *head) (bool, error) {
	rest, ok := strings.CutPrefix(it.Capture, a.n.captures)
	if ok {
		_, file, _ := strings.Cut(rest, "/")
		ok = strings.Count(rest, "/") == 1 && strings.HasSuffix(file, ".json")
	}
	if !ok {
		a.log.Warn("archive: the journal names a file that is not a capture record; left alone", "file", it.Capture, "journal", a.n.intent)
		return false, nil
	}
	b, err := a.store.Get(it.Capture)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("archive: recover: %w", err)
	}
	var r CaptureRecord
	if sha(b) != it.CaptureHash || json.Unmarshal(b, &r) != nil || r.Seq != h.Chain.N+1 || r.Prev != h.Chain.Tip {
		a.log.Warn("archive: the journal names a capture record that is not one a commit cut short left; left alone", "file", it.Capture, "journal", a.n.intent)
		return false, nil
	}
	return true, nil
}

// settleJournal takes the keys of a finished commit off the journal, and
// finishes the other keys it names (left by an earlier failure of this
// writer) while it is at it; the journal goes once no key is left.
func (a *Archive) settleJournal(done []model.Key) error {
	it, err := a.readIntent()
	if err != nil || it == nil {
		return err
	}
	var left []model.Key
	for _, k := range it.Keys {
		if slices.Contains(done, k) || slices.Contains(left, k) {
			continue
		}
		h, err := a.loadHead(k)
		if err == nil && h != nil {
			err = a.finishKey(h)
		}
		if err != nil {
			a.log.Warn("archive: still unfinished", "key", k, "err", err)
			left = append(left, k)
		}
	}
	if len(left) == 0 {
		return a.store.Delete(a.n.intent)
	}
	b, _ := json.Marshal(intent{Keys: left})
	return a.store.Put(a.n.intent, b)
}
