package archive

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"wxarchive/model"
)

// chainRef is the head's end of a key's chain of capture records. Records
// written before chains existed (the layout before) carry no link: Base
// is the hash over them, by name, and the first chained record names Base
// as its Prev; Tip is the hash of the last record (Base when none is
// chained yet).
type chainRef struct {
	Tip    string `json:"tip,omitempty"`
	N      int    `json:"n,omitempty"`      // records of the key, unchained ones included
	Base   string `json:"base,omitempty"`   // hash over the unchained records
	Legacy int    `json:"legacy,omitempty"` // how many records are unchained
}

// legacyBase hashes the records of the layout before, in name order.
func legacyBase(recs []CaptureRecord) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(path.Base(r.Name))
		b.WriteByte('\t')
		b.WriteString(r.Hash)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return ""
	}
	return sha([]byte("wxarchive legacy captures\n" + b.String()))
}

// keyCaptures reads every capture record of one key (not its aliases),
// sorted by name, with their hashes.
func (a *Archive) keyCaptures(k model.Key) ([]CaptureRecord, error) {
	names, err := a.store.List(a.n.captures + string(k) + "/")
	if err != nil {
		return nil, err
	}
	out := make([]CaptureRecord, 0, len(names))
	for _, n := range names {
		b, err := a.store.Get(n)
		if err != nil {
			return nil, err
		}
		var r CaptureRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("archive: capture %s: %w", n, err)
		}
		r.Name, r.Hash = n, sha(b)
		out = append(out, r)
	}
	return out, nil
}

// capturesOf returns the capture records of an article and its aliases,
// in the order they were recorded.
func (a *Archive) capturesOf(h *head) ([]CaptureRecord, error) {
	var out []CaptureRecord
	for _, k := range append([]model.Key{h.Key}, h.Aliases...) {
		recs, err := a.keyCaptures(k)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	// Record names start with the time they were recorded.
	sort.SliceStable(out, func(i, j int) bool { return path.Base(out[i].Name) < path.Base(out[j].Name) })
	return out, nil
}

// checkChain checks a key's records against the head's chain end: every
// record is a link of one chain from Base to Tip, numbered in order, none
// missing, none extra. It returns what is wrong, one reason per problem,
// and the names of the records outside the chain.
func checkChain(c chainRef, recs []CaptureRecord) (reasons []string, outside []string) {
	var legacy []CaptureRecord
	byHash := map[string]*CaptureRecord{}
	for i := range recs {
		r := &recs[i]
		if r.Seq == 0 {
			legacy = append(legacy, *r)
			continue
		}
		byHash[r.Hash] = r
	}
	if got := legacyBase(legacy); got != c.Base || len(legacy) != c.Legacy {
		reasons = append(reasons, fmt.Sprintf("the %d records from before chains do not match the head (deleted, added or changed)", len(legacy)))
	}
	seen := map[string]bool{}
	n := c.N
	for cur := c.Tip; cur != c.Base; n-- {
		r, ok := byHash[cur]
		if !ok {
			reasons = append(reasons, fmt.Sprintf("capture %d of the chain (hash %.12s) is missing or changed", n, cur))
			break
		}
		if r.Seq != n {
			reasons = append(reasons, fmt.Sprintf("%s is numbered %d where the chain has %d", r.Name, r.Seq, n))
		}
		seen[cur] = true
		cur = r.Prev
		if seen[cur] {
			reasons = append(reasons, "the chain loops")
			break
		}
	}
	if len(reasons) == 0 && n != c.Legacy {
		reasons = append(reasons, fmt.Sprintf("the chain holds %d records, the head counts %d", c.N-n+c.Legacy, c.N))
	}
	for h, r := range byHash {
		if !seen[h] {
			outside = append(outside, r.Name)
		}
	}
	sort.Strings(outside)
	return reasons, outside
}

// misnamed lists the chained records (recs in name order) named after a
// record later in their chain: records are named by the time they were
// written, so one was renamed (which changes the order readers list them
// in), or the clock went back between two writes.
func misnamed(recs []CaptureRecord) []string {
	var out []string
	last := 0
	for _, r := range recs {
		if r.Seq == 0 {
			continue
		}
		if r.Seq < last {
			out = append(out, fmt.Sprintf("%s is capture %d of the chain but named after capture %d (renamed, or the clock went back)", r.Name, r.Seq, last))
		}
		last = max(last, r.Seq)
	}
	return out
}
