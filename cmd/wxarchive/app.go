package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"wxarchive/config"
)

// Exit codes shared by every command.
const (
	exitOK    = 0
	exitFail  = 1 // something failed (a target, a check)
	exitUsage = 2 // bad arguments or configuration
)

// env is what every command gets: streams, logger and the global flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"convert":   {"convert saved pages to Markdown with front matter", cmdConvert},
		"ingest":    {"fetch or read pages and archive them", cmdIngest},
		"show":      {"print an archived version's Markdown", cmdShow},
		"log":       {"list an article's captures and versions", cmdLog},
		"list":      {"list archived articles", cmdList},
		"diff":      {"diff two versions of an article", cmdDiff},
		"verify":    {"re-hash every object and check every reference", cmdVerify},
		"reextract": {"re-run extraction over stored raw snapshots", cmdReextract},
		"run":       {"run the scheduled pipeline (pipeline.yaml)", cmdRun},
	}
}

// run is the whole program behind main, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	level := slog.LevelInfo
	if v := os.Getenv("WXARCHIVE_LOG"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wxarchive: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: wxarchive COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'wxarchive COMMAND -h' for a command's flags. Set WXARCHIVE_LOG=debug for more logs.")
}

// newFlags makes a FlagSet that reports errors to e.stderr.
func newFlags(e *env, name, argsUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, strings.TrimSpace("usage: wxarchive "+name+" [flags] "+argsUsage))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags that may stand before, between or after the
// positional arguments ("show KEY --version 2"). "--" ends flag parsing.
// It returns the positional arguments, or an error already reported.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageErr reports a usage problem and returns exitUsage.
func usageErr(e *env, cmd string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "wxarchive %s: %v\n", cmd, err)
	return exitUsage
}

// loadConfig reads --config if given, else ./pipeline.yaml when it exists,
// else the defaults.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		if _, err := os.Stat(config.DefaultPath); err != nil {
			return config.Default(), nil
		}
		path = config.DefaultPath
	}
	return config.Load(path)
}

// archiveDir resolves the archive location: --archive, else archive.dir of
// the configuration (relative to the configuration file), else ./archive.
func archiveDir(flagDir string, cfg *config.Config) string {
	if flagDir != "" {
		return flagDir
	}
	dir := cfg.Archive.Dir
	if p := cfg.Path(); p != "" && !strings.HasPrefix(dir, "/") {
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			dir = p[:i+1] + dir
		}
	}
	return dir
}
