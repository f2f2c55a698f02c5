package archive

import (
	"cmp"
	"fmt"
	"path"
	"slices"

	"wxarchive/model"
)

// A head's versions are what its capture records made them: replaying the
// records of its chain, in order, gives the history the head must hold. A
// created or updated record appends its content as the next version, an
// earlier one inserts it at the number it was given (the versions after it
// move up by one), an unchanged or rerendered one names the version it
// matched. Versions derived by reextract (no capture made them) come first:
// they are derived only for an article with no version.

// replayed history of one article.
type history struct {
	versions []replayedVersion
	// of names, for each record that made or matched a version, the
	// content hash of that version (its number changes when an earlier
	// version is inserted before it).
	of       map[string]string
	problems []string
}

type replayedVersion struct {
	sha string
	rec *CaptureRecord // the record that made it; nil: derived
}

// makesVersion reports whether a capture outcome made a version.
func makesVersion(o model.Outcome) bool {
	return o == model.OutcomeCreated || o == model.OutcomeUpdated || o == model.OutcomeEarlier
}

// chainOrder sorts a key's records as they were written: the records from
// before chains by name, then the chain by number.
func chainOrder(recs []CaptureRecord) []CaptureRecord {
	s := slices.Clone(recs)
	slices.SortStableFunc(s, func(x, y CaptureRecord) int {
		if c := cmp.Compare(min(x.Seq, 1), min(y.Seq, 1)); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Seq, y.Seq); c != 0 {
			return c
		}
		return cmp.Compare(path.Base(x.Name), path.Base(y.Name))
	})
	return s
}

// replayHistory replays the records of h's own key (see above).
func replayHistory(h *head, recs []CaptureRecord) history {
	r := history{of: map[string]string{}}
	for _, v := range h.History {
		if v.Derived {
			r.versions = append(r.versions, replayedVersion{sha: v.SHA})
		}
	}
	ordered := chainOrder(recs)
	for i := range ordered {
		c := &ordered[i]
		n := len(r.versions)
		switch c.Outcome {
		case model.OutcomeCreated, model.OutcomeUpdated:
			if c.Version != n+1 {
				r.problems = append(r.problems, fmt.Sprintf("%s made version %d, but %d versions came before it", path.Base(c.Name), c.Version, n))
			}
			r.versions = append(r.versions, replayedVersion{sha: c.ContentHash, rec: c})
		case model.OutcomeEarlier:
			if c.Version < 1 || c.Version > n {
				r.problems = append(r.problems, fmt.Sprintf("%s made an earlier version %d of %d", path.Base(c.Name), c.Version, n))
				continue
			}
			r.versions = slices.Insert(r.versions, c.Version-1, replayedVersion{sha: c.ContentHash, rec: c})
		case model.OutcomeUnchanged, model.OutcomeRerendered:
			if c.Version < 1 || c.Version > n {
				r.problems = append(r.problems, fmt.Sprintf("%s matched version %d of %d", path.Base(c.Name), c.Version, n))
				continue
			}
			r.of[c.Name] = r.versions[c.Version-1].sha
			continue
		default:
			continue
		}
		r.of[c.Name] = c.ContentHash
	}
	return r
}

// aliasVersions reports whether records of h's aliases made versions
// (short-link keys read before they were joined, their histories merged
// by time): then the replay of h's own chain is not the whole history.
func aliasVersions(h *head, all []CaptureRecord) bool {
	for _, c := range all {
		if c.Key != h.Key && makesVersion(c.Outcome) {
			return true
		}
	}
	return false
}

// renumber sets each record's Version to the number the version it made
// or matched has now (earlier versions inserted since move it up).
func renumber(h *head, recs []CaptureRecord) {
	if aliasVersions(h, recs) {
		return
	}
	var own []CaptureRecord
	for _, c := range recs {
		if c.Key == h.Key {
			own = append(own, c)
		}
	}
	r := replayHistory(h, own)
	num := make(map[string]int, len(h.History))
	for _, v := range h.History {
		if _, ok := num[v.SHA]; !ok {
			num[v.SHA] = v.N
		}
	}
	for i := range recs {
		if s, ok := r.of[recs[i].Name]; ok {
			if n, ok := num[s]; ok {
				recs[i].Version = n
			}
		}
	}
}

// checkHistory compares h's versions with what its capture records (all:
// its own and its aliases') made them, and returns what differs.
func checkHistory(h *head, all []CaptureRecord) []string {
	if h.AliasOf != "" {
		return nil
	}
	if aliasVersions(h, all) {
		return checkHistoryLoose(h, all)
	}
	var own []CaptureRecord
	for _, c := range all {
		if c.Key == h.Key {
			own = append(own, c)
		}
	}
	r := replayHistory(h, own)
	probs := r.problems
	if len(r.versions) != len(h.History) {
		return append(probs, fmt.Sprintf("holds %d versions, but its capture records made %d", len(h.History), len(r.versions)))
	}
	for i := range h.History {
		v, rv := &h.History[i], r.versions[i]
		if v.N != i+1 {
			probs = append(probs, fmt.Sprintf("version %d is numbered %d", i+1, v.N))
		}
		if v.SHA != rv.sha {
			probs = append(probs, fmt.Sprintf("version %d is %.12s, but its capture records made %.12s", i+1, v.SHA, rv.sha))
			continue
		}
		if rv.rec == nil {
			if !v.Derived {
				probs = append(probs, fmt.Sprintf("version %d is made by no capture record", i+1))
			} else if !derivedFrom(v, all) {
				probs = append(probs, fmt.Sprintf("version %d is derived from no capture's raw page", i+1))
			}
			continue
		}
		probs = append(probs, versionMatches(v, rv.rec)...)
	}
	return append(probs, checkRenderings(h, all, r.of)...)
}

// versionMatches compares a version with the record that made it.
func versionMatches(v *versionRef, c *CaptureRecord) []string {
	var probs []string
	bad := func(what string) {
		probs = append(probs, fmt.Sprintf("version %d: its %s differs from that of %s, which made it", v.N, what, path.Base(c.Name)))
	}
	if !v.Time.Equal(c.Time) {
		bad("time")
	}
	if v.RawSHA != "" && v.RawSHA != c.RawSHA || v.RawSHA == "" && c.RawSHA != "" && c.Seq != 0 {
		bad("raw page")
	}
	if v.Undated != c.Undated {
		bad("date's source")
	}
	if c.Identity != "" && v.ID != c.Identity {
		bad("identity")
	}
	if c.Exact != "" && v.Exact != c.Exact {
		bad("exact hash")
	}
	if v.Derived {
		bad("derivation")
	}
	return probs
}

// derivedFrom reports whether a derived version's raw page and time are
// those of a capture.
func derivedFrom(v *versionRef, all []CaptureRecord) bool {
	for _, c := range all {
		if c.RawSHA == v.RawSHA && c.Time.Equal(v.Time) {
			return true
		}
	}
	return false
}

// checkRenderings checks that each rerendered record's content is a
// rendering of the version it matched.
func checkRenderings(h *head, all []CaptureRecord, of map[string]string) []string {
	var probs []string
	for _, c := range all {
		if c.Outcome != model.OutcomeRerendered {
			continue
		}
		found := false
		for _, v := range h.History {
			if s, ok := of[c.Name]; ok && v.SHA != s {
				continue
			}
			for _, r := range v.Renderings {
				found = found || r.SHA == c.ContentHash && (c.Exact == "" || r.Exact == c.Exact)
			}
		}
		if !found {
			probs = append(probs, fmt.Sprintf("%s rendered a version anew as %.12s, which no version holds", path.Base(c.Name), c.ContentHash))
		}
	}
	return probs
}

// checkHistoryLoose is checkHistory for an article whose short-link key
// made versions before it was joined: every version made by a record,
// every record's version kept.
func checkHistoryLoose(h *head, all []CaptureRecord) []string {
	var probs []string
	made := map[string][]*CaptureRecord{}
	for i := range all {
		if c := &all[i]; makesVersion(c.Outcome) {
			made[c.ContentHash] = append(made[c.ContentHash], c)
		}
	}
	have := map[string]bool{}
	for i := range h.History {
		v := &h.History[i]
		have[v.SHA] = true
		if v.N != i+1 {
			probs = append(probs, fmt.Sprintf("version %d is numbered %d", i+1, v.N))
		}
		cs := made[v.SHA]
		switch {
		case v.Derived:
			if !derivedFrom(v, all) {
				probs = append(probs, fmt.Sprintf("version %d is derived from no capture's raw page", i+1))
			}
		case len(cs) == 0:
			probs = append(probs, fmt.Sprintf("version %d (%.12s) is made by no capture record", i+1, v.SHA))
		default:
			var first []string
			for j, c := range cs {
				p := versionMatches(v, c)
				if len(p) == 0 {
					first = nil
					break
				}
				if j == 0 {
					first = p
				}
			}
			probs = append(probs, first...)
		}
	}
	for s, cs := range made {
		if !have[s] {
			probs = append(probs, fmt.Sprintf("%s made version %.12s, which the head does not hold", path.Base(cs[0].Name), s))
		}
	}
	slices.Sort(probs)
	return append(probs, checkRenderings(h, all, nil)...)
}
