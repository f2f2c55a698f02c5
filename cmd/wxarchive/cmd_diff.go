package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/sergi/go-diff/diffmatchpatch"
	"go.yaml.in/yaml/v3"
	"golang.org/x/term"
)

type diffOptions struct {
	word  bool
	color bool
}

const (
	ansiRed, ansiGreen, ansiCyan, ansiBold, ansiReset = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"
)

func cmdDiff(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "diff", "KEY|URL [A [B]]")
	af.register(fs)
	word := fs.Bool("word", false, "also show a character-level diff inside changed paragraphs")
	color := fs.String("color", "auto", "colour output: `auto`, always or never")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "diff", err)
	}
	if len(pos) < 1 || len(pos) > 3 {
		return usageErr(e, "diff", errors.New("give KEY|URL and up to two version numbers"))
	}
	o := diffOptions{word: *word}
	switch *color {
	case "always":
		o.color = true
	case "never":
	case "auto":
		if f, ok := e.stdout.(*os.File); ok {
			o.color = term.IsTerminal(int(f.Fd()))
		}
	default:
		return usageErr(e, "diff", fmt.Errorf("--color=%s: want auto, always or never", *color))
	}
	var nums []int
	for _, p := range pos[1:] {
		n, err := strconv.Atoi(strings.TrimPrefix(p, "v"))
		if err != nil || n < 1 {
			return usageErr(e, "diff", fmt.Errorf("version %q: want a number from 1", p))
		}
		nums = append(nums, n)
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "diff", err)
	}
	key, err := a.Resolve(pos[0])
	if err != nil {
		return fail(e, "diff", err)
	}
	info, err := a.Info(key)
	if err != nil {
		return fail(e, "diff", err)
	}
	from, to := info.Versions-1, info.Versions
	switch len(nums) {
	case 1:
		from = nums[0]
	case 2:
		from, to = nums[0], nums[1]
	}
	if from < 1 {
		fmt.Fprintf(e.stderr, "wxarchive diff: %s has %d version(s): nothing to compare\n", key, info.Versions)
		return exitOK
	}
	for _, n := range []int{from, to} {
		if err := checkVersion(info, n); err != nil {
			return fail(e, "diff", err)
		}
	}
	old, err := a.Version(key, from)
	if err != nil {
		return fail(e, "diff", err)
	}
	cur, err := a.Version(key, to)
	if err != nil {
		return fail(e, "diff", err)
	}
	if err := writeDiff(e.stdout, fmt.Sprintf("%s v%d", key, from), fmt.Sprintf("%s v%d", key, to), string(old), string(cur), o); err != nil {
		return fail(e, "diff", err)
	}
	return exitOK
}

// splitFrontMatter separates the YAML front matter from the body.
func splitFrontMatter(md string) (fm, body string) {
	if !strings.HasPrefix(md, "---\n") {
		return "", md
	}
	end := strings.Index(md[4:], "\n---\n")
	if end < 0 {
		return "", md
	}
	return md[4 : 4+end+1], md[4+end+5:]
}

// writeDiff writes the front matter changes as field changes, then a
// unified diff of the bodies, with word-level detail when asked.
func writeDiff(w io.Writer, oldName, newName, old, cur string, o diffOptions) error {
	paint := func(code, s string) string {
		if !o.color {
			return s
		}
		return code + s + ansiReset
	}
	ofm, obody := splitFrontMatter(old)
	nfm, nbody := splitFrontMatter(cur)
	var b strings.Builder
	for _, c := range frontMatterChanges(ofm, nfm) {
		b.WriteString(paint(ansiCyan, c) + "\n")
	}
	if d := udiff.Unified(oldName, newName, obody, nbody); d != "" {
		for _, line := range strings.SplitAfter(d, "\n") {
			switch {
			case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
				line = paint(ansiBold, strings.TrimSuffix(line, "\n")) + "\n"
			case strings.HasPrefix(line, "@@"):
				line = paint(ansiCyan, strings.TrimSuffix(line, "\n")) + "\n"
			case strings.HasPrefix(line, "-"):
				line = paint(ansiRed, strings.TrimSuffix(line, "\n")) + "\n"
			case strings.HasPrefix(line, "+"):
				line = paint(ansiGreen, strings.TrimSuffix(line, "\n")) + "\n"
			}
			b.WriteString(line)
		}
		if o.word {
			b.WriteString(wordDiff(d, o.color))
		}
	}
	if b.Len() == 0 {
		b.WriteString("no difference\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// frontMatterChanges lists changed fields: `title: "old" → "new"`,
// `+ field: value`, `- field: value`.
func frontMatterChanges(oldFM, newFM string) []string {
	var o, n map[string]any
	_ = yaml.Unmarshal([]byte(oldFM), &o)
	_ = yaml.Unmarshal([]byte(newFM), &n)
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		ov, oin := o[k]
		nv, nin := n[k]
		os1, ns := fieldString(ov), fieldString(nv)
		switch {
		case !oin:
			out = append(out, fmt.Sprintf("+ %s: %s", k, ns))
		case !nin:
			out = append(out, fmt.Sprintf("- %s: %s", k, os1))
		case os1 != ns:
			out = append(out, fmt.Sprintf("%s: %s → %s", k, os1, ns))
		}
	}
	return out
}

func fieldString(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	}
	return s
}

// wordDiff pairs the removed and added lines of each hunk and shows their
// character-level difference: [-removed-]{+added+}, or red/green.
func wordDiff(unified string, color bool) string {
	var b strings.Builder
	var dels, adds []string
	flush := func() {
		for i := 0; i < len(dels) && i < len(adds); i++ {
			dmp := diffmatchpatch.New()
			ds := dmp.DiffMain(dels[i], adds[i], false)
			ds = dmp.DiffCleanupSemantic(ds)
			b.WriteString("~ ")
			for _, d := range ds {
				switch d.Type {
				case diffmatchpatch.DiffEqual:
					b.WriteString(d.Text)
				case diffmatchpatch.DiffDelete:
					if color {
						b.WriteString(ansiRed + "\x1b[7m" + d.Text + ansiReset)
					} else {
						b.WriteString("[-" + d.Text + "-]")
					}
				case diffmatchpatch.DiffInsert:
					if color {
						b.WriteString(ansiGreen + "\x1b[7m" + d.Text + ansiReset)
					} else {
						b.WriteString("{+" + d.Text + "+}")
					}
				}
			}
			b.WriteString("\n")
		}
		dels, adds = nil, nil
	}
	for _, line := range strings.Split(unified, "\n") {
		switch {
		case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
		case strings.HasPrefix(line, "-"):
			if len(adds) > 0 {
				flush()
			}
			dels = append(dels, line[1:])
		case strings.HasPrefix(line, "+"):
			adds = append(adds, line[1:])
		default:
			flush()
		}
	}
	flush()
	if b.Len() == 0 {
		return ""
	}
	return "\nword diff:\n" + b.String()
}
