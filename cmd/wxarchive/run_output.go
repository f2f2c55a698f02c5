package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"wxarchive/config"
)

// maxWrittenShown is how many written articles a pass lists by name.
const maxWrittenShown = 10

// printWritten says where the articles a pass created or changed are, so a
// first run shows what it did.
func printWritten(w io.Writer, paths []string, dir string) error {
	if len(paths) == 0 {
		return nil
	}
	noun := "articles"
	if len(paths) == 1 {
		noun = "article"
	}
	if _, err := fmt.Fprintf(w, "wrote %d %s into %s:\n", len(paths), noun, dir); err != nil {
		return err
	}
	for i, p := range paths {
		if i == maxWrittenShown {
			_, err := fmt.Fprintf(w, "  … and %d more (wxarchive list)\n", len(paths)-i)
			return err
		}
		if _, err := fmt.Fprintf(w, "  %s\n", filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	return nil
}

// errNoConfig is what `run` says where there is no pipeline.yaml: instead
// of running over defaults that do nothing, how to start.
var errNoConfig = errors.New("no " + config.DefaultPath + " here, so nothing to run.\n" +
	"  Start with:  wxarchive init          (writes a commented " + config.DefaultPath + " and an inbox/ folder)\n" +
	"  then:        wxarchive run --once    (one pass; drop pages saved from your browser into inbox/)\n" +
	"  or name one: wxarchive run --config FILE")

// requireConfig refuses to run the pipeline without a configuration file.
func (e *env) requireConfig() error {
	if e.config != "" {
		return nil
	}
	if _, err := os.Stat(config.DefaultPath); errors.Is(err, fs.ErrNotExist) {
		return configError(errNoConfig)
	}
	return nil
}
