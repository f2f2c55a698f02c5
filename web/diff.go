package web

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Row kinds of a side-by-side diff.
const (
	rowSame    = "same"
	rowChanged = "changed"
	rowAdded   = "added"
	rowRemoved = "removed"
	rowSkip    = "skip" // unchanged paragraphs folded away
)

// seg is a run of characters of one side; Op is -1 removed, +1 added, 0 kept.
type seg struct {
	Text string
	Op   int
}

// row is one aligned pair of paragraphs (or a fold of unchanged ones).
type row struct {
	Kind        string
	Left, Right []seg
	LeftN       int // paragraph number on the left, from 1; 0: none
	RightN      int
	Skipped     int // for rowSkip: how many unchanged paragraphs
}

// foldContext is how many unchanged paragraphs stay visible around a change.
const foldContext = 2

// The work of one diff page is bounded. diffmatchpatch (sergi/go-diff)
// runs Myers' algorithm, whose cost grows with (N+M)·D: a hostile pair of
// versions (thousands of paragraphs all different, or long paragraphs
// changed throughout) would otherwise cost seconds of CPU per request.
// Sizes are counted between the common start and end of the two sequences
// (set aside in linear time, as diffmatchpatch does itself), and the cost
// of one comparison is taken as span², span = N+M there. The limits count
// work, not time: the page for a pair of versions is the same on any
// machine under any load.
const (
	// maxParaSpan: more differing paragraphs than this (both sides
	// together) and they are not aligned: both sides are shown whole.
	maxParaSpan = 3000
	// maxCharSpan: a changed pair of paragraphs with more differing
	// characters than this is shown whole, without character marks.
	maxCharSpan = 3000
	// maxCharWork: the character comparisons of one page together; once
	// spent, the remaining changed pairs are shown whole.
	maxCharWork = 30_000_000
)

// bodyDiff is the text part of a diff page.
type bodyDiff struct {
	Rows []row
	// Coarse: the versions differ in too many paragraphs to align them
	// one by one; the differing middle is shown whole, side by side.
	Coarse bool
	// Unmarked counts the changed pairs shown whole, without character
	// marks, because they were too long or the page's work was spent.
	Unmarked int
}

// paragraphs splits a Markdown body into blocks separated by blank lines.
func paragraphs(body string) []string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// commonEnds is the length of the common start and of the common end of a
// and b (not overlapping).
func commonEnds[T comparable](a, b []T) (pre, suf int) {
	n := min(len(a), len(b))
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	for suf < n-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

// span is how many elements of a and b lie between their common start and
// common end: what a diff of the two has to work on.
func span[T comparable](a, b []T) int {
	pre, suf := commonEnds(a, b)
	return len(a) + len(b) - 2*(pre+suf)
}

// diffBodies aligns the paragraphs of two bodies and highlights the changed
// characters within paired paragraphs (Chinese has no spaces: characters,
// not words, are the unit). Long unchanged runs are folded. The work is
// bounded (see maxParaSpan): past the limits, changed text is shown whole.
func diffBodies(oldBody, newBody string) bodyDiff {
	a, b := paragraphs(oldBody), paragraphs(newBody)
	// Each distinct paragraph becomes one rune, so the paragraph sequences
	// are diffed as strings.
	ids := map[string]rune{}
	enc := func(ps []string) []rune {
		out := make([]rune, len(ps))
		for i, p := range ps {
			id, ok := ids[p]
			if !ok {
				id = rune(0xE000 + len(ids)) // private use, then beyond
				if id >= 0xF900 {
					id = rune(0xF0000 + len(ids))
				}
				ids[p] = id
			}
			out[i] = id
		}
		return out
	}
	ea, eb := enc(a), enc(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // bounded by the spans, not by a clock
	var d bodyDiff
	var ops []diffmatchpatch.Diff
	if span(ea, eb) > maxParaSpan {
		d.Coarse = true
		ops = coarseOps(ea, eb)
	} else {
		ops = dmp.DiffMainRunes(ea, eb, false)
	}

	work := 0
	var rows []row
	i, j := 0, 0
	var dels, adds []string
	flush := func() {
		n := min(len(dels), len(adds))
		for k := 0; k < n; k++ {
			var l, r []seg
			if !d.Coarse {
				l, r = charDiff(dmp, dels[k], adds[k], &work)
			}
			if l == nil && r == nil {
				l, r = []seg{{Text: dels[k], Op: -1}}, []seg{{Text: adds[k], Op: 1}}
				d.Unmarked++
			}
			rows = append(rows, row{Kind: rowChanged, Left: l, Right: r, LeftN: i - len(dels) + k + 1, RightN: j - len(adds) + k + 1})
		}
		for k := n; k < len(dels); k++ {
			rows = append(rows, row{Kind: rowRemoved, Left: []seg{{Text: dels[k], Op: -1}}, LeftN: i - len(dels) + k + 1})
		}
		for k := n; k < len(adds); k++ {
			rows = append(rows, row{Kind: rowAdded, Right: []seg{{Text: adds[k], Op: 1}}, RightN: j - len(adds) + k + 1})
		}
		dels, adds = nil, nil
	}
	for _, op := range ops {
		n := len([]rune(op.Text))
		switch op.Type {
		case diffmatchpatch.DiffEqual:
			flush()
			for k := 0; k < n; k++ {
				rows = append(rows, row{Kind: rowSame, Left: []seg{{Text: a[i]}}, Right: []seg{{Text: b[j]}}, LeftN: i + 1, RightN: j + 1})
				i++
				j++
			}
		case diffmatchpatch.DiffDelete:
			for k := 0; k < n; k++ {
				dels = append(dels, a[i])
				i++
			}
		case diffmatchpatch.DiffInsert:
			for k := 0; k < n; k++ {
				adds = append(adds, b[j])
				j++
			}
		}
	}
	flush()
	d.Rows = fold(rows)
	return d
}

// coarseOps is the diff of two paragraph sequences without alignment: the
// common start and end kept, everything between deleted and inserted.
func coarseOps(a, b []rune) []diffmatchpatch.Diff {
	pre, suf := commonEnds(a, b)
	var ops []diffmatchpatch.Diff
	add := func(t diffmatchpatch.Operation, rs []rune) {
		if len(rs) > 0 {
			ops = append(ops, diffmatchpatch.Diff{Type: t, Text: string(rs)})
		}
	}
	add(diffmatchpatch.DiffEqual, a[:pre])
	add(diffmatchpatch.DiffDelete, a[pre:len(a)-suf])
	add(diffmatchpatch.DiffInsert, b[pre:len(b)-suf])
	add(diffmatchpatch.DiffEqual, a[len(a)-suf:])
	return ops
}

// charDiff compares two paragraphs character by character, charging the
// comparison to *work. It returns nil, nil when the pair is too long or the
// page's work is spent: the caller shows the pair whole.
func charDiff(dmp *diffmatchpatch.DiffMatchPatch, a, b string, work *int) (left, right []seg) {
	sp := span([]rune(a), []rune(b))
	if sp > maxCharSpan || *work+sp*sp > maxCharWork {
		return nil, nil
	}
	*work += sp * sp
	ds := dmp.DiffCleanupSemantic(dmp.DiffMain(a, b, false))
	for _, d := range ds {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			left = append(left, seg{Text: d.Text})
			right = append(right, seg{Text: d.Text})
		case diffmatchpatch.DiffDelete:
			left = append(left, seg{Text: d.Text, Op: -1})
		case diffmatchpatch.DiffInsert:
			right = append(right, seg{Text: d.Text, Op: 1})
		}
	}
	return left, right
}

// fold replaces the unchanged paragraphs further than foldContext from any
// change by one row saying how many there are.
func fold(rows []row) []row {
	keep := make([]bool, len(rows))
	for i, r := range rows {
		if r.Kind != rowSame {
			for k := max(0, i-foldContext); k <= min(len(rows)-1, i+foldContext); k++ {
				keep[k] = true
			}
		}
	}
	var out []row
	for i := 0; i < len(rows); {
		if keep[i] {
			out = append(out, rows[i])
			i++
			continue
		}
		j := i
		for j < len(rows) && !keep[j] {
			j++
		}
		if j-i == 1 {
			out = append(out, rows[i])
		} else {
			out = append(out, row{Kind: rowSkip, Skipped: j - i})
		}
		i = j
	}
	return out
}
