package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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

func cmdConvert(ctx context.Context, e *env, args []string) int {
	var o convertOptions
	fs := newFlags(e, "convert", "FILE|- ...")
	fs.StringVar(&o.out, "out", "", "write `DIR`/<name>.md per input instead of printing")
	fs.BoolVar(&o.explain, "explain", false, "list stripped promotional blocks on stderr")
	fs.StringVar(&o.url, "url", "", "source `URL` of the page, used when the page does not name itself")
	files, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "convert", err)
	}
	if len(files) == 0 {
		fs.Usage()
		return exitUsage
	}
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			fmt.Fprintf(e.stderr, "wxarchive convert: %v\n", err)
			return exitFail
		}
	}
	code := exitOK
	for _, f := range files {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "wxarchive convert: %v\n", ctx.Err())
			return exitFail
		}
		if err := runConvert(e, o, f); err != nil {
			fmt.Fprintf(e.stderr, "wxarchive convert: %v\n", err)
			code = exitFail
		}
	}
	return code
}

// runConvert converts one file ("-" is stdin).
func runConvert(e *env, o convertOptions, file string) error {
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
			if s.Reason != "" {
				fmt.Fprintf(e.stderr, "%s: stripped [%s] (%s) %s\n", file, s.Rule, s.Reason, s.Text)
			} else {
				fmt.Fprintf(e.stderr, "%s: stripped [%s] %s\n", file, s.Rule, s.Text)
			}
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
	name := "stdin"
	if file != "-" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	dst := filepath.Join(o.out, name+".md")
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
