package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

func newShowCmd(e *env) *cobra.Command {
	var version int
	c := &cobra.Command{
		Use:   "show ARTICLE",
		Short: "Print an archived version's Markdown",
		Long: `Print the Markdown of an article's latest version, or of --version N.

ARTICLE is the key, any URL of the article (long, short /s/…, with tracking
parameters, without scheme), the path of its readable file, or a unique key prefix.`,
		Example: `  wxarchive show 'https://mp.weixin.qq.com/s/XXXXXXXX'
  wxarchive show MzA3MDM3NjE5NQ_2650000001_1 --version 1`,
		Args:              exactArgs(1, "give one ARTICLE (key, URL or path)"),
		ValidArgsFunction: e.completeArticles(1),
		RunE: action(func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("version") && version < 1 {
				return usageErrorf("--version %d: want a number from 1", version)
			}
			a, err := e.openArchive()
			if err != nil {
				return err
			}
			info, err := resolveArticle(a, args[0])
			if err != nil {
				return err
			}
			if err := checkVersion(info, args[0], version); err != nil {
				return err
			}
			md, err := a.Version(info.Key, version)
			if err != nil {
				return err
			}
			if isTerminal(e.stdout) {
				// As stored, but a page's control characters (an archive
				// written before the extractor dropped them) never reach
				// the terminal; piped, the bytes are the version's.
				md = []byte(textsafe.Text(string(md)))
			}
			_, err = e.stdout.Write(md)
			return err
		}),
	}
	c.Flags().IntVar(&version, "version", 0, "version `N` to print (default: the latest)")
	return c
}

// exactArgs is cobra.ExactArgs with the command's own words.
func exactArgs(n int, msg string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s", msg)
		}
		return nil
	}
}

// openArchive opens an existing archive for reading (reading commands never
// create one).
func (e *env) openArchive() (*archive.Archive, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	dir := e.archiveDir(cfg)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, e.noArchive(cfg, dir)
	}
	a, err := archive.Open(dir)
	if err != nil {
		return nil, err
	}
	a.SetLogger(e.log)
	return a, nil
}

// noArchive says which folder was looked in and why that one, and how to
// start an archive.
func (e *env) noArchive(cfg *config.Config, dir string) error {
	switch {
	case e.archive != "":
		return fmt.Errorf("no archive in %s (--archive)", dir)
	case cfg.Path() != "":
		return fmt.Errorf("no archive in %s (archive.dir of %s): `wxarchive run --once` or `wxarchive ingest URL|FILE` writes it, or give --archive DIR", dir, cfg.Path())
	}
	shown := filepath.ToSlash(dir)
	if !filepath.IsAbs(dir) && !strings.HasPrefix(shown, ".") {
		shown = "./" + shown
	}
	return fmt.Errorf("no archive in %s (the default: no pipeline.yaml here names one): give --archive DIR, or start one with `wxarchive init` then `wxarchive run --once`", shown)
}

// openLocked opens an existing archive for writing, holding its lock
// until unlock is called.
func (e *env) openLocked() (a *archive.Archive, unlock func(), err error) {
	if a, err = e.openArchive(); err != nil {
		return nil, nil, err
	}
	l, err := a.Lock()
	if err != nil {
		return nil, nil, err
	}
	return a, func() { _ = l.Unlock() }, nil
}

// resolveArticle finds the article a user named and its head.
func resolveArticle(a *archive.Archive, name string) (*archive.Info, error) {
	key, err := a.Resolve(name)
	if err != nil {
		return nil, err
	}
	return a.Info(key)
}

// checkVersion says what is wrong with asking for version n (0: the
// latest) of the article the user called name, in words that point to the
// next command.
func checkVersion(info *archive.Info, name string, n int) error {
	switch {
	case n < 0:
		return usageErrorf("version %d: want a number from 1", n)
	case info.Versions == 0:
		return fmt.Errorf("%s has no version (state %s); 'wxarchive log %s' shows its captures", name, info.State, info.Key)
	case n > info.Versions:
		return fmt.Errorf("%s has %s, no version %d; 'wxarchive log %s' lists them", name, plural(info.Versions, "version"), n, info.Key)
	}
	return nil
}

// stateNames lists the states a --state flag accepts.
func stateNames() []string {
	var out []string
	for _, s := range model.States() {
		out = append(out, string(s))
	}
	return out
}
