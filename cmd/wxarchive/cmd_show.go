package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"wxarchive/archive"
)

// archiveFlags are --archive and --config, shared by the archive commands.
type archiveFlags struct{ archive, config string }

func (f *archiveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.archive, "archive", "", "archive `dir` (default: archive.dir of pipeline.yaml, else ./archive)")
	fs.StringVar(&f.config, "config", "", "configuration `file` (default ./pipeline.yaml when present)")
}

// open opens an existing archive (reading commands never create one).
func (f *archiveFlags) open(e *env) (*archive.Archive, error) {
	cfg, err := loadConfig(f.config)
	if err != nil {
		return nil, err
	}
	dir := archiveDir(f.archive, cfg)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("no archive at %s (use --archive DIR)", dir)
	}
	a, err := archive.Open(dir)
	if err != nil {
		return nil, err
	}
	a.SetLogger(e.log)
	return a, nil
}

// fail reports a command's error and returns exitFail.
func fail(e *env, cmd string, err error) int {
	fmt.Fprintf(e.stderr, "wxarchive %s: %v\n", cmd, err)
	if errors.Is(err, archive.ErrNotFound) {
		fmt.Fprintf(e.stderr, "  ('wxarchive list' shows the archived articles)\n")
	}
	return exitFail
}

func cmdShow(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "show", "KEY|URL")
	af.register(fs)
	version := fs.Int("version", 0, "version `N` to print (default: the latest)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "show", err)
	}
	if len(pos) != 1 {
		return usageErr(e, "show", errors.New("give one KEY or URL"))
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "show", err)
	}
	key, err := a.Resolve(pos[0])
	if err != nil {
		return fail(e, "show", err)
	}
	info, err := a.Info(key)
	if err != nil {
		return fail(e, "show", err)
	}
	if err := checkVersion(info, *version); err != nil {
		return fail(e, "show", err)
	}
	md, err := a.Version(key, *version)
	if err != nil {
		return fail(e, "show", err)
	}
	if _, err := e.stdout.Write(md); err != nil {
		return fail(e, "show", err)
	}
	return exitOK
}

// checkVersion says what is wrong with asking for version n (0: the
// latest) of an article, in words that point to the next command.
func checkVersion(info *archive.Info, n int) error {
	switch {
	case n < 0:
		return fmt.Errorf("version %d: want a number from 1", n)
	case info.Versions == 0:
		return fmt.Errorf("%s has no version (state %s); 'wxarchive log %s' shows its captures", info.Key, info.State, info.Key)
	case n > info.Versions:
		return fmt.Errorf("%s has %d version(s), no version %d; 'wxarchive log %s' lists them", info.Key, info.Versions, n, info.Key)
	}
	return nil
}
