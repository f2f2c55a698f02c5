package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"wxarchive/archive"
	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

type diffOptions struct {
	word  bool
	color bool
}

const (
	ansiRed, ansiGreen, ansiCyan, ansiBold, ansiReset = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"
)

func newDiffCmd(e *env) *cobra.Command {
	var o diffOptions
	color := colorChoice("auto")
	c := &cobra.Command{
		Use:   "diff ARTICLE [A [B]]",
		Short: "Show what changed between two versions of an article",
		Long: `Show what changed between two versions of an article: front matter fields first,
then a unified diff of the body. With no version numbers, the last two versions; with one,
that version against the latest. --word adds a character-level diff inside changed paragraphs
(Chinese has no spaces between words).

Colour is used on a terminal unless NO_COLOR is set (--color to force).`,
		Example: `  wxarchive diff 'https://mp.weixin.qq.com/s/XXXXXXXX' --word
  wxarchive diff MzA3MDM3NjE5NQ_2650000001_1 1 3`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 3 {
				return usageErrorf("give ARTICLE and up to two version numbers")
			}
			return nil
		},
		ValidArgsFunction: e.completeDiff,
		RunE: action(func(cmd *cobra.Command, args []string) error {
			o.color = e.useColor(color, e.stdout)
			return e.runDiff(args, o)
		}),
	}
	c.Flags().BoolVar(&o.word, "word", false, "also show a character-level diff inside changed paragraphs")
	c.Flags().Var(&color, "color", "colour: `WHEN` is auto, always or never")
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion([]string{"auto", "always", "never"}))
	return c
}

func (e *env) runDiff(args []string, o diffOptions) error {
	var nums []int
	for _, p := range args[1:] {
		n, err := strconv.Atoi(strings.TrimPrefix(p, "v"))
		if err != nil || n < 1 {
			return usageErrorf("version %q: want a number from 1", p)
		}
		nums = append(nums, n)
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	name := args[0]
	info, err := resolveArticle(a, name)
	if err != nil {
		return err
	}
	from, to := info.Versions-1, info.Versions
	switch len(nums) {
	case 1:
		from = nums[0]
	case 2:
		from, to = nums[0], nums[1]
	}
	if from < 1 {
		fmt.Fprintf(e.stderr, "wxarchive diff: %s has %s: nothing to compare\n", name, plural(info.Versions, "version"))
		return nil
	}
	for _, n := range []int{from, to} {
		if err := checkVersion(info, name, n); err != nil {
			return err
		}
	}
	// Compare like with like: when a newer extractor rendered both
	// versions' pages, diff those renderings, so that only what the page
	// says differs, not how an extractor wrote it.
	read := a.Version
	if vs, err := a.Versions(info.Key); err == nil && latestExtractor(vs[from-1]) == latestExtractor(vs[to-1]) {
		read = a.Rendering
	}
	old, err := read(info.Key, from)
	if err != nil {
		return err
	}
	cur, err := read(info.Key, to)
	if err != nil {
		return err
	}
	// For a person: a page's control characters (in versions written
	// before the extractor dropped them) never reach the terminal.
	return writeDiff(e.stdout, fmt.Sprintf("%s v%d", info.Key, from), fmt.Sprintf("%s v%d", info.Key, to),
		textsafe.Text(string(old)), textsafe.Text(string(cur)), o)
}

// latestExtractor is the extractor of a version's latest rendering.
func latestExtractor(v archive.VersionInfo) int {
	if n := len(v.Renderings); n > 0 {
		return v.Renderings[n-1].Extractor
	}
	return v.Extractor
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
	o, n := frontMatterFields(oldFM), frontMatterFields(newFM)
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

// frontMatterFields reads front matter as a map under today's key names, so
// a version written before a rename (url → source, type → format) compares
// field by field with one written after.
func frontMatterFields(fm string) map[string]any {
	var raw map[string]any
	_ = yaml.Unmarshal([]byte(fm), &raw)
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		out[model.CurrentKey(k)] = v
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
