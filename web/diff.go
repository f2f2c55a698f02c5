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

// maxCharDiff caps the characters compared in one changed pair (a
// character diff of two huge paragraphs is quadratic at worst).
const maxCharDiff = 20000

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

// diffBodies aligns the paragraphs of two bodies and highlights the changed
// characters within paired paragraphs (Chinese has no spaces: characters,
// not words, are the unit). Long unchanged runs are folded.
func diffBodies(oldBody, newBody string) []row {
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
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ops := dmp.DiffMainRunes(enc(a), enc(b), false)

	var rows []row
	i, j := 0, 0
	var dels, adds []string
	flush := func() {
		n := min(len(dels), len(adds))
		for k := 0; k < n; k++ {
			l, r := charDiff(dmp, dels[k], adds[k])
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
	for _, d := range ops {
		n := len([]rune(d.Text))
		switch d.Type {
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
	return fold(rows)
}

// charDiff compares two paragraphs character by character.
func charDiff(dmp *diffmatchpatch.DiffMatchPatch, a, b string) (left, right []seg) {
	if len(a)+len(b) > maxCharDiff {
		return []seg{{Text: a, Op: -1}}, []seg{{Text: b, Op: 1}}
	}
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
