package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/config"
)

// Exit codes shared by every command (documented in the README).
const (
	exitOK    = 0
	exitFail  = 1 // something failed: a target, a check, the archive
	exitUsage = 2 // bad arguments or configuration
)

// env is what every command gets: streams, the logger and the global flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	getenv         func(string) string

	archive, config string // --archive, --config (persistent flags of the root)
}

// run is the whole program behind main, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	level := slog.LevelInfo
	if v := os.Getenv("WXARCHIVE_LOG"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	return e.report(cmd, err)
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "wxarchive",
		Short: "Keep what you read on WeChat: versioned archives of official-account articles",
		Long: `wxarchive archives WeChat official-account articles (mp.weixin.qq.com) as Markdown
with YAML front matter, keeps every distinct version and every capture attempt, and never lets a
deleted notice or a verification page replace a good copy.

Results go to stdout, logs and progress to stderr (WXARCHIVE_LOG=debug for more).
Exit status: 0 success, 1 something failed, 2 bad usage or configuration.`,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Cobra suggests commands within this distance of a typo.
		SuggestionsMinimumDistance: 2,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&e.archive, "archive", "", "archive `DIR` (default: archive.dir of pipeline.yaml, else ./archive)")
	pf.StringVar(&e.config, "config", "", "configuration `FILE` (default ./pipeline.yaml when present)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(suggestFlag(c, err))
	})
	root.AddGroup(&cobra.Group{ID: "archive", Title: "Archiving:"}, &cobra.Group{ID: "read", Title: "Reading the archive:"})
	for _, c := range []*cobra.Command{newInitCmd(e), newIngestCmd(e), newRunCmd(e), newConvertCmd(e), newReextractCmd(e), newLoginCmd(e), newRestoreCmd(e), newReindexCmd(e)} {
		c.GroupID = "archive"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newListCmd(e), newShowCmd(e), newLogCmd(e), newDiffCmd(e), newChangesCmd(e), newVerifyCmd(e), newAccountsCmd(e), newSearchCmd(e), newServeCmd(e)} {
		c.GroupID = "read"
		root.AddCommand(c)
	}
	root.AddCommand(newVersionCmd(e))
	root.SetHelpCommand(newHelpCmd())
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	setupCompletion(root, e)
	return root
}

// newHelpCmd is cobra's help command, but an unknown topic is a usage
// error (exit 2) with a suggestion instead of the root's help and exit 0.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 || (len(args) > 0 && target == c.Root()) {
				topic := strings.Join(args, " ")
				msg := fmt.Sprintf("unknown help topic %q", topic)
				if s := c.Root().SuggestionsFor(args[len(args)-1]); len(s) > 0 {
					msg += "; did you mean " + strings.Join(s, " or ") + "?"
				}
				return usageError(errors.New(msg))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}

// exitError carries an exit code; the error (if any) has not been printed.
type exitError struct {
	code  int
	err   error
	usage bool // print the one-line usage hint after the message
}

func (x *exitError) Error() string {
	if x.err == nil {
		return fmt.Sprintf("exit %d", x.code)
	}
	return x.err.Error()
}

func (x *exitError) Unwrap() error { return x.err }

// usageError is a bad invocation: exit 2 with a hint to --help.
func usageError(err error) error { return &exitError{code: exitUsage, err: err, usage: true} }

// usageErrorf is usageError of a formatted message.
func usageErrorf(format string, a ...any) error { return usageError(fmt.Errorf(format, a...)) }

// configError is a configuration that cannot be used: exit 2, same in
// every command.
func configError(err error) error { return &exitError{code: exitUsage, err: err} }

// exitCode ends a command with code after it has reported what went wrong
// itself (a target failed, verify found damage).
func exitCode(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}

// report prints a command's error once (with a one-line usage hint for a
// usage error) and returns the exit code.
func (e *env) report(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	name := "wxarchive"
	if cmd != nil && cmd.HasParent() {
		name = cmd.CommandPath()
	}
	var x *exitError
	if !errors.As(err, &x) {
		// Cobra's own errors: unknown command, wrong number of arguments.
		x = &exitError{code: exitUsage, err: err, usage: true}
		if msg := err.Error(); strings.HasPrefix(msg, "unknown command") {
			x.err = errors.New(unknownCommand(msg))
		}
	}
	if x.err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, x.err)
	}
	if x.usage {
		fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", name)
	}
	var nf *archive.NotFoundError
	if errors.As(x.err, &nf) {
		printClosest(e.stderr, nf)
	}
	return x.code
}

// unknownCommand rewrites cobra's multi-line "unknown command … Did you
// mean this?" as one line.
func unknownCommand(msg string) string {
	head, sugg, ok := strings.Cut(msg, "\n\nDid you mean this?\n")
	head = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(head), `for "wxarchive"`))
	if !ok {
		return head
	}
	var names []string
	for _, l := range strings.Split(sugg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	return head + "; did you mean " + strings.Join(names, " or ") + "?"
}

// action adapts a command body to cobra: any error it returns that is not
// already an exitError is a failure (exit 1).
func action(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		var x *exitError
		if err == nil || errors.As(err, &x) {
			return err
		}
		return &exitError{code: exitFail, err: err}
	}
}

// loadConfig reads --config if given, else ./pipeline.yaml when it exists,
// else the defaults. A configuration that cannot be used is a configError.
func (e *env) loadConfig() (*config.Config, error) {
	path := e.config
	if path == "" {
		if _, err := os.Stat(config.DefaultPath); err != nil {
			return config.Default(), nil
		}
		path = config.DefaultPath
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, configError(err)
	}
	return cfg, nil
}

// archiveDir resolves the archive location: --archive, else archive.dir of
// the configuration (relative to the configuration file), else ./archive.
func (e *env) archiveDir(cfg *config.Config) string {
	if e.archive != "" {
		return e.archive
	}
	if cfg.Path() == "" {
		return cfg.Archive.Dir // the default, ./archive, as it is
	}
	return cfg.Resolve(cfg.Archive.Dir)
}
