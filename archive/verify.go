package archive

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"wxarchive/model"
)

// Verify re-hashes every object and checks every reference (head ->
// version file and Markdown object, readable file, capture -> raw
// snapshot, index -> head). It returns one Problem per damaged or missing
// file; an error only when the archive cannot be read at all. Readers need
// no lock.
func (a *Archive) Verify() ([]Problem, error) {
	var probs []Problem
	bad := func(p, format string, args ...any) {
		probs = append(probs, Problem{Path: p, Reason: fmt.Sprintf(format, args...)})
	}
	have := map[string]bool{}
	for _, dir := range []string{rawDir, mdDir, blobDir} {
		names, err := a.store.List(dir)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			b, err := a.store.Get(n)
			if err != nil {
				bad(n, "unreadable: %v", err)
				continue
			}
			want := strings.SplitN(path.Base(n), ".", 2)[0]
			var got string
			switch dir {
			case rawDir:
				raw, err := gunzip(b)
				if err != nil {
					bad(n, "%v", err)
					continue
				}
				got = sha(raw)
			case mdDir:
				got = contentHash(b)
			default:
				got = sha(b)
			}
			if got != want {
				bad(n, "content hash %s does not match its name", got[:12])
				continue
			}
			have[n] = true
		}
	}

	pending := map[model.Key]bool{}
	if b, err := a.store.Get(intentName); err == nil {
		var it intent
		if err := json.Unmarshal(b, &it); err != nil {
			bad(intentName, "unreadable journal: %v", err)
		}
		for _, k := range it.Keys {
			pending[k] = true
		}
	}

	heads := map[model.Key]*head{}
	names, err := a.store.List(headsDir)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		k := model.Key(strings.TrimSuffix(strings.TrimPrefix(n, headsDir), ".json"))
		h, err := a.loadHead(k)
		if err != nil || h == nil {
			bad(n, "unreadable head: %v", err)
			continue
		}
		if h.Key != k {
			bad(n, "head names key %s", h.Key)
		}
		heads[k] = h
		for _, v := range h.History {
			if !have[mdName(v.SHA)] {
				bad(mdName(v.SHA), "missing or damaged: version %d of %s", v.N, k)
			}
			if b, err := a.store.Get(v.File); err != nil {
				bad(v.File, "missing: version %d of %s", v.N, k)
			} else if sha(b) != v.FileSHA {
				bad(v.File, "damaged: content differs from the version %d recorded in %s", v.N, n)
			}
		}
		if h.Path != "" && !pending[k] {
			want, err := a.readableContent(h)
			got, gerr := a.store.Get(h.Path)
			switch {
			case err != nil:
			case gerr != nil:
				bad(h.Path, "missing: latest Markdown of %s", k)
			case sha(got) != sha(want):
				bad(h.Path, "differs from version %d of %s", len(h.History), k)
			}
		}
		for _, ref := range h.Images {
			if strings.HasPrefix(ref, blobDir) && !have[ref] {
				bad(ref, "missing or damaged: image of %s", k)
			}
		}
	}
	for k, h := range heads {
		if h.AliasOf != "" && heads[h.AliasOf] == nil {
			bad(headName(k), "alias of missing article %s", h.AliasOf)
		}
		for _, ak := range h.Aliases {
			if ah := heads[ak]; !pending[k] && (ah == nil || ah.AliasOf != k) {
				bad(headName(ak), "should be an alias of %s", k)
			}
		}
	}

	caps, err := a.store.List(capturesDir)
	if err != nil {
		return nil, err
	}
	for _, n := range caps {
		b, err := a.store.Get(n)
		if err != nil {
			bad(n, "unreadable: %v", err)
			continue
		}
		var r CaptureRecord
		if err := json.Unmarshal(b, &r); err != nil {
			bad(n, "damaged capture record: %v", err)
			continue
		}
		if r.RawSHA != "" && !have[rawName(r.RawSHA)] {
			bad(rawName(r.RawSHA), "missing or damaged: raw page of capture %s", n)
		}
	}

	idx, _, err := a.readIndex()
	if err != nil {
		bad(indexName, "unreadable: %v", err)
	}
	for k, h := range heads {
		e, ok := idx[k]
		switch {
		case pending[k]:
		case !ok:
			bad(indexName, "no line for %s (run reindex)", k)
		case e.AliasOf != h.AliasOf || e.Versions != len(h.History) || e.Captures != h.Captures || e.State != h.State || e.Path != h.Path:
			bad(indexName, "line for %s differs from its head (run reindex)", k)
		}
	}
	for k := range idx {
		if heads[k] == nil {
			bad(indexName, "line for %s, which has no head", k)
		}
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	return probs, nil
}
