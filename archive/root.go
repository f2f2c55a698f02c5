package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"wxarchive/model"
)

// The root hash is one SHA-256 over every head's history: for each key, in
// order, the hash of its newest capture record (which names the one
// before, back to the first), the number of its records and the content
// hashes of its versions. Verify prints it and saves the lines it hashed as
// an anchor (.wxarchive/roots/<root>.tsv, whose own hash is the root, so
// it cannot be changed without changing its name).
//
// Threat model. Verify catches accidental damage and tampering that does
// not rewrite the whole history consistently: a changed object, a changed,
// deleted or inserted capture record, a head edited by hand, a forged index
// line. Someone able to rewrite the archive can rewrite it consistently
// (recompute every hash); against that, keep a root hash somewhere else
// (print it, mail it): `verify --root HASH` later says whether the history
// since then was only appended to (every capture record and version of
// then still there, unchanged), which no consistent rewrite of the past
// can fake without the anchor's hash changing.

// anchorLine is one key's history as an anchor recorded it.
type anchorLine struct {
	tip      string
	n        int
	versions []string
}

// rootLine is the line of the root of h, the head of k.
func rootLine(k model.Key, h *head) string {
	vers := make([]string, len(h.History))
	for i, ver := range h.History {
		vers[i] = ver.SHA
	}
	return fmt.Sprintf("%s\t%s\t%d\t%s", k, h.Chain.Tip, h.Chain.N, strings.Join(vers, ","))
}

// legacyChain is the chain end of a key whose records are all of the
// layout before: the hash over them (see chainRef).
func legacyChain(recs []CaptureRecord) chainRef {
	c := chainRef{Base: legacyBase(recs), Legacy: len(recs), N: len(recs)}
	c.Tip = c.Base
	return c
}

// anchorNow saves the anchor of the root of every head as it is now.
func (a *Archive) anchorNow() error {
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return err
	}
	lines := make([]string, 0, len(names))
	for _, n := range names {
		k := keyOfHead(a.n.heads, n)
		h, err := a.loadHead(k)
		if err != nil {
			return err
		}
		if h != nil {
			lines = append(lines, rootLine(k, h))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return a.putAnchor(rootOf(lines), lines)
}

// rootOf hashes the sorted lines.
func rootOf(lines []string) string {
	slices.Sort(lines)
	return sha([]byte(strings.Join(lines, "\n") + "\n"))
}

func (a *Archive) anchorName(root string) string { return a.n.roots + root + ".tsv" }

// putAnchor saves the lines behind a root (write-once, content-addressed).
func (a *Archive) putAnchor(root string, lines []string) error {
	_, err := a.store.PutIfAbsent(a.anchorName(root), []byte(strings.Join(lines, "\n")+"\n"))
	return err
}

// anchor loads the anchor of root, reporting when it is missing or damaged.
func (v *verifier) anchor(root string) map[model.Key]anchorLine {
	n := v.a.anchorName(root)
	if len(root) != 64 || strings.Trim(root, "0123456789abcdef") != "" {
		v.problem("--root", "%q is not a root hash (64 hex digits)", root)
		return nil
	}
	b, err := v.a.store.Get(n)
	if errors.Is(err, fs.ErrNotExist) {
		v.problem(n, "missing: this archive never had root %s, or its anchor was removed: the history since cannot be shown to extend it", root)
		return nil
	}
	if err != nil {
		v.problem(n, "unreadable: %v", err)
		return nil
	}
	if sha(b) != root {
		v.problem(n, "damaged: its hash is not the root it is named by")
		return nil
	}
	m := map[model.Key]anchorLine{}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			v.problem(n, "damaged line %q", l)
			continue
		}
		c, _ := strconv.Atoi(f[2])
		al := anchorLine{tip: f[1], n: c}
		if f[3] != "" {
			al.versions = strings.Split(f[3], ",")
		}
		m[model.Key(f[0])] = al
	}
	return m
}

// extends checks that h's history extends what the anchor recorded: the
// anchored newest record is in the chain, as many records before it,
// every anchored version is still a version of the article, in the same
// order, and every other version was made by a record since (an earlier
// version, inserted before the anchored ones, is an extension too).
func (v *verifier) extends(h *head, recs []CaptureRecord, al anchorLine) []Problem {
	var probs []Problem
	hn := v.a.headName(h.Key)
	if h.Chain.N < al.n {
		probs = append(probs, Problem{Path: hn, Reason: fmt.Sprintf("has %d capture records, fewer than the %d of the root", h.Chain.N, al.n)})
	} else {
		byHash := map[string]*CaptureRecord{}
		for i := range recs {
			byHash[recs[i].Hash] = &recs[i]
		}
		cur := h.Chain.Tip
		for i := h.Chain.N; i > al.n && cur != h.Chain.Base; i-- {
			r, ok := byHash[cur]
			if !ok {
				break
			}
			cur = r.Prev
		}
		if cur != al.tip {
			probs = append(probs, Problem{Path: hn, Reason: "its capture records do not extend those of the root: the history before was rewritten"})
		}
	}
	target := h
	if h.AliasOf != "" {
		if th, err := v.a.loadHead(h.AliasOf); err == nil && th != nil {
			target = th
		}
	}
	// The anchored versions are still there, in the same order; a version
	// not anchored was made by a capture since (or derived).
	pos := map[string]int{}
	for i, ver := range target.History {
		if _, ok := pos[ver.SHA]; !ok {
			pos[ver.SHA] = i
		}
	}
	last := -1
	anchored := map[string]bool{}
	for _, s := range al.versions {
		anchored[s] = true
		i, ok := pos[s]
		switch {
		case !ok:
			probs = append(probs, Problem{Path: hn, Reason: fmt.Sprintf("version %.12s of the root is gone", s)})
		case i < last:
			probs = append(probs, Problem{Path: hn, Reason: fmt.Sprintf("version %.12s of the root is now before one that came before it: the history was reordered", s)})
		default:
			last = i
		}
	}
	if target == h {
		since := map[string]bool{} // made by a record after the anchor
		for _, r := range recs {
			if r.Seq > al.n && makesVersion(r.Outcome) {
				since[r.ContentHash] = true
			}
		}
		for _, ver := range h.History {
			if !anchored[ver.SHA] && !since[ver.SHA] && !ver.Derived {
				probs = append(probs, Problem{Path: hn, Reason: fmt.Sprintf("version %d (%.12s) is not in the root, and no capture since made it", ver.N, ver.SHA)})
			}
		}
	}
	return probs
}
