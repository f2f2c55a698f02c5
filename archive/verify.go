package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"

	"wxarchive/model"
)

// Verify re-hashes every object and checks every reference (head ->
// version file and Markdown object, readable file, capture -> raw
// snapshot, index -> head). It returns one Problem per damaged or missing
// file; an error only when the archive cannot be read at all.
//
// Readers need no lock, so a writer may commit while Verify runs. Objects
// are written before what references them, so a referenced object missing
// from the first listing is looked up again. The checks that compare a
// head with its readable file, its aliases and its index line read the
// index first, the heads next, then the intent journal and the index
// again: a key named by the journal is being written, and a key whose
// index line changed meanwhile is checked again.
func (a *Archive) Verify() ([]Problem, error) {
	v := &verifier{a: a, objects: map[string]string{}}
	for _, dir := range []string{rawDir, mdDir, blobDir} {
		names, err := a.store.List(dir)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			v.object(n)
		}
	}

	idx, _, err := a.readIndex()
	if err != nil {
		v.bad(indexName, "unreadable: %v", err)
	}
	pending := v.intent()
	names, err := a.store.List(headsDir)
	if err != nil {
		return nil, err
	}
	hasHead := map[model.Key]bool{}
	suspect := map[model.Key][]Problem{}
	for _, n := range names {
		k := model.Key(strings.TrimSuffix(strings.TrimPrefix(n, headsDir), ".json"))
		hasHead[k] = true
		h, err := a.loadHead(k)
		if err != nil || h == nil {
			v.bad(n, "unreadable head: %v", errors.Unwrap(err))
			continue
		}
		if h.Key != k {
			v.bad(n, "head names key %s", h.Key)
		}
		v.references(h)
		if p := v.consistency(h, idx); len(p) > 0 {
			suspect[k] = p
		}
	}

	caps, err := a.store.List(capturesDir)
	if err != nil {
		return nil, err
	}
	for _, n := range caps {
		b, err := a.store.Get(n)
		if err != nil {
			v.bad(n, "unreadable: %v", err)
			continue
		}
		var r CaptureRecord
		if err := json.Unmarshal(b, &r); err != nil {
			v.bad(n, "damaged capture record: %v", err)
			continue
		}
		if r.RawSHA != "" && v.object(rawName(r.RawSHA)) != "" {
			v.bad(rawName(r.RawSHA), "missing or damaged: raw page of capture %s", n)
		}
	}

	for k := range pending {
		delete(suspect, k)
	}
	for k := range v.intent() {
		delete(suspect, k)
	}
	idx2, _, err := a.readIndex()
	if err != nil {
		return nil, err
	}
	for k, p := range suspect {
		if !reflect.DeepEqual(idx[k], idx2[k]) {
			if p, err = v.recheck(k); err != nil {
				return nil, err
			}
		}
		v.probs = append(v.probs, p...)
	}
	for k := range idx {
		if !hasHead[k] {
			v.bad(indexName, "line for %s, which has no head", k)
		}
	}
	sort.SliceStable(v.probs, func(i, j int) bool {
		if v.probs[i].Path != v.probs[j].Path {
			return v.probs[i].Path < v.probs[j].Path
		}
		return v.probs[i].Reason < v.probs[j].Reason
	})
	return v.probs, nil
}

type verifier struct {
	a       *Archive
	objects map[string]string // object name -> "" when intact, else what is wrong
	probs   []Problem
}

func (v *verifier) bad(p, format string, args ...any) {
	v.probs = append(v.probs, Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
}

// object re-hashes the object n once, reporting it when damaged, and
// returns "" when it is intact.
func (v *verifier) object(n string) string {
	if r, ok := v.objects[n]; ok {
		return r
	}
	r := objectProblem(v.a.store, n)
	v.objects[n] = r
	if r != "" && r != "missing" {
		v.bad(n, "%s", r)
	}
	return r
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
	case strings.HasPrefix(n, rawDir):
		raw, err := gunzip(n, b)
		if err != nil {
			return err.Error()
		}
		got = sha(raw)
	case strings.HasPrefix(n, mdDir):
		got = contentHash(b)
	default:
		got = sha(b)
	}
	if got != want {
		return fmt.Sprintf("content hash %s does not match its name", got[:12])
	}
	return ""
}

// intent returns the keys the journal names now.
func (v *verifier) intent() map[model.Key]bool {
	pending := map[model.Key]bool{}
	b, err := v.a.store.Get(intentName)
	if err != nil {
		return pending
	}
	var it intent
	if err := json.Unmarshal(b, &it); err != nil {
		v.bad(intentName, "unreadable journal: %v", err)
	}
	for _, k := range it.Keys {
		pending[k] = true
	}
	return pending
}

// references checks the write-once files a head references: they were
// written before it, so a missing one is missing for good.
func (v *verifier) references(h *head) {
	for _, ver := range h.History {
		if v.object(mdName(ver.SHA)) != "" {
			v.bad(mdName(ver.SHA), "missing or damaged: version %d of %s", ver.N, h.Key)
		}
		if b, err := v.a.store.Get(ver.File); err != nil {
			v.bad(ver.File, "missing: version %d of %s", ver.N, h.Key)
		} else if sha(b) != ver.FileSHA {
			v.bad(ver.File, "damaged: content differs from the version %d recorded in %s", ver.N, headName(h.Key))
		}
	}
	for _, ref := range h.Images {
		if strings.HasPrefix(ref, blobDir) && v.object(ref) != "" {
			v.bad(ref, "missing or damaged: image of %s", h.Key)
		}
	}
}

// consistency compares h with what a writer rewrites after it: the
// readable file, the alias heads and the index line.
func (v *verifier) consistency(h *head, idx map[model.Key]indexEntry) []Problem {
	var probs []Problem
	bad := func(p, format string, args ...any) {
		probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
	}
	k := h.Key
	if h.Path != "" {
		want, err := v.a.readableContent(h)
		got, gerr := v.a.store.Get(h.Path)
		switch {
		case err != nil: // the Markdown object is reported by references
		case gerr != nil:
			bad(h.Path, "missing: latest Markdown of %s", k)
		case sha(got) != sha(want):
			bad(h.Path, "differs from version %d of %s", len(h.History), k)
		}
	}
	if h.AliasOf != "" {
		if th, err := v.a.loadHead(h.AliasOf); err == nil && th == nil {
			bad(headName(k), "alias of missing article %s", h.AliasOf)
		}
	}
	for _, ak := range h.Aliases {
		if ah, err := v.a.loadHead(ak); err == nil && (ah == nil || ah.AliasOf != k) {
			bad(headName(ak), "should be an alias of %s", k)
		}
	}
	e, ok := idx[k]
	switch {
	case !ok:
		bad(indexName, "no line for %s (run reindex)", k)
	case e.AliasOf != h.AliasOf || e.Versions != len(h.History) || e.Captures != h.Captures || e.State != h.State || e.Path != h.Path:
		bad(indexName, "line for %s differs from its head (run reindex)", k)
	}
	return probs
}

// recheck runs the consistency checks of k again while a writer changes
// it: index, head, journal, index; a result counts once the key's index
// line held still and the journal did not name it.
func (v *verifier) recheck(k model.Key) ([]Problem, error) {
	for range 20 {
		idx, _, err := v.a.readIndex()
		if err != nil {
			return nil, err
		}
		h, err := v.a.loadHead(k)
		if err != nil || h == nil {
			return nil, nil // the first pass read it whole
		}
		probs := v.consistency(h, idx)
		if v.intent()[k] {
			return nil, nil
		}
		idx2, _, err := v.a.readIndex()
		if err != nil {
			return nil, err
		}
		if reflect.DeepEqual(idx[k], idx2[k]) {
			return probs, nil
		}
	}
	return nil, nil // written without pause: nothing stable to compare
}
