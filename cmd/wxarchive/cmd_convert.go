package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/extractor"
	"wxarchive/model"
)

// convertOptions are the flags of `wxarchive convert`.
type convertOptions struct {
	out     string // write DIR/<basename>.md instead of stdout
	explain bool   // list stripped blocks on stderr
	url     string // source URL when the page does not name itself
}

// StateError reports a page that is a state (deleted, verification, …)
// rather than an article.
type StateError struct {
	File   string
	State  model.State
	Reason string
}

func (e *StateError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%s: not an article (page state %s)", e.File, e.State)
	}
	return fmt.Sprintf("%s: not an article (page state %s): %s", e.File, e.State, e.Reason)
}

func newConvertCmd(e *env) *cobra.Command {
	var o convertOptions
	c := &cobra.Command{
		Use:   "convert FILE|- ...",
		Short: "Convert saved pages to Markdown with front matter (archive untouched)",
		Long: `Convert pages saved from a browser (or - for stdin) to Markdown with YAML front matter,
printed on stdout, or written to DIR/<name>.md with --out. The archive is not touched.

With --out, two inputs of the same name get distinct files (page.md, page-2.md); a file left
in DIR by an earlier run is replaced.`,
		Example: `  wxarchive convert page.html
  wxarchive convert --out md/ saved/*.html --explain`,
		RunE: action(func(cmd *cobra.Command, files []string) error {
			if len(files) == 0 {
				return usageErrorf("give at least one FILE or -")
			}
			return e.runConvertAll(cmd.Context(), o, files)
		}),
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "", "write `DIR`/<name>.md per input instead of printing")
	f.BoolVar(&o.explain, "explain", false, "list stripped promotional blocks on stderr")
	f.StringVar(&o.url, "url", "", "source `URL` of the page, used when the page does not name itself")
	return c
}

func (e *env) runConvertAll(ctx context.Context, o convertOptions, files []string) error {
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
	}
	names := outNames(files)
	failed := 0
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := runConvert(e, o, f, names[i]); err != nil {
			fmt.Fprintf(e.stderr, "wxarchive convert: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		if len(files) > 1 {
			fmt.Fprintf(e.stderr, "wxarchive convert: %d of %s failed\n", failed, plural(len(files), "file"))
		}
		return exitCode(exitFail)
	}
	return nil
}

// outNames gives each input its output file name: the base name with .md,
// made unique within the run ("page.md", "page-2.md") so no output
// overwrites another.
func outNames(files []string) []string {
	used := map[string]bool{}
	out := make([]string, len(files))
	for i, f := range files {
		base := "stdin"
		if f != "-" {
			base = strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		}
		name := base + ".md"
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d.md", base, n)
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// runConvert converts one file ("-" is stdin).
func runConvert(e *env, o convertOptions, file, outName string) error {
	var raw []byte
	var err error
	if file == "-" {
		raw, err = io.ReadAll(io.LimitReader(e.stdin, extractor.MaxSize+1))
	} else {
		raw, err = readLimited(file)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: o.url})
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if doc.State != model.StateArticle || doc.Article == nil {
		return &StateError{File: file, State: doc.State, Reason: doc.Reason}
	}
	if o.explain {
		for _, s := range doc.Article.Stripped {
			fmt.Fprintf(e.stderr, "%s: stripped [%s] %s\n", file, s.Rule, s.Text)
		}
		if len(doc.Article.Stripped) == 0 {
			fmt.Fprintf(e.stderr, "%s: nothing stripped\n", file)
		}
	}
	out := extractor.Render(doc.Article)
	if o.out == "" {
		_, err := e.stdout.Write(out)
		return err
	}
	dst := filepath.Join(o.out, outName)
	if want := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".md"; file != "-" && outName != want {
		fmt.Fprintf(e.stderr, "wxarchive convert: %s: written as %s (another input is also named %s)\n", file, dst, want)
	}
	if err := writeFileAtomic(dst, out); err != nil {
		return err
	}
	e.log.Debug("converted", "file", file, "out", dst)
	return nil
}

func readLimited(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, extractor.MaxSize+1))
}

// writeFileAtomic writes data to a temp file in dst's folder, syncs it and
// renames it over dst, so readers never see a half-written file.
func writeFileAtomic(dst string, data []byte) (err error) {
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", dst, err)
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("rename %s: %w", dst, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

var _ error = (*StateError)(nil)
