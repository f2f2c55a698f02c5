package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/extractor"
	"wxarchive/internal/parallel"
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
			if i := slices.Index(files, "-"); i >= 0 && slices.Contains(files[i+1:], "-") {
				return usageErrorf("- (stdin) given twice: standard input can be read once")
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
	// Pages are extracted on every core; what each one prints comes out in
	// the order of the files.
	err := parallel.OrderedMap(ctx, len(files), parallel.Workers(), func(i int) convertResult {
		return convertOne(e, o, files[i], names[i])
	}, func(i int, r convertResult) error {
		e.stderr.Write(r.notes.Bytes())
		if r.err != nil {
			fmt.Fprintf(e.stderr, "wxarchive convert: %v\n", r.err)
			failed++
			return nil
		}
		if o.out == "" {
			_, err := e.stdout.Write(r.md)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		if len(files) > 1 {
			fmt.Fprintf(e.stderr, "wxarchive convert: %d of %s failed\n", failed, plural(len(files), "file"))
		}
		return exitCode(exitFail)
	}
	return nil
}

// convertResult is what converting one file gave: the Markdown (when not
// written to a file), what to say on stderr, or the error.
type convertResult struct {
	md    []byte
	notes bytes.Buffer
	err   error
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

// convertOne converts one file ("-" is stdin), writing DIR/outName with
// --out, else returning the Markdown.
func convertOne(e *env, o convertOptions, file, outName string) (r convertResult) {
	var raw []byte
	var err error
	if file == "-" {
		raw, err = io.ReadAll(io.LimitReader(e.stdin, extractor.MaxSize+1))
	} else {
		raw, err = readLimited(file)
	}
	if err != nil {
		r.err = fmt.Errorf("read %s: %w", file, err)
		return r
	}
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: o.url})
	if err != nil {
		r.err = fmt.Errorf("%s: %w", file, err)
		return r
	}
	if doc.State != model.StateArticle || doc.Article == nil {
		r.err = &StateError{File: file, State: doc.State, Reason: doc.Reason}
		return r
	}
	if o.explain {
		for _, s := range doc.Article.Stripped {
			if s.Reason != "" {
				fmt.Fprintf(&r.notes, "%s: stripped [%s] (%s) %s\n", file, s.Rule, s.Reason, s.Text)
			} else {
				fmt.Fprintf(&r.notes, "%s: stripped [%s] %s\n", file, s.Rule, s.Text)
			}
		}
		if len(doc.Article.Stripped) == 0 {
			fmt.Fprintf(&r.notes, "%s: nothing stripped\n", file)
		}
	}
	out := extractor.Render(doc.Article)
	if o.out == "" {
		r.md = out
		return r
	}
	dst := filepath.Join(o.out, outName)
	if want := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".md"; file != "-" && outName != want {
		fmt.Fprintf(&r.notes, "wxarchive convert: %s: written as %s (another input is also named %s)\n", file, dst, want)
	}
	if r.err = writeFileAtomic(dst, out); r.err == nil {
		e.log.Debug("converted", "file", file, "out", dst)
	}
	return r
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
