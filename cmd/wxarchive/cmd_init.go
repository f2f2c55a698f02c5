package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"wxarchive/config"
)

type initOptions struct{ force bool }

func newInitCmd(e *env) *cobra.Command {
	var o initOptions
	c := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented pipeline.yaml and an inbox/ folder to start from",
		Long: `Start an archive: write DIR/pipeline.yaml (default: the current folder), with every
source explained, and the inbox/ folder it names for pages saved from your browser.
An existing pipeline.yaml is left alone unless --force.`,
		Example: `  wxarchive init
  wxarchive init ~/wechat && cd ~/wechat && wxarchive run --once`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("init takes at most one folder, got %q", args)
			}
			return nil
		},
		RunE: action(func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return e.runInit(o, dir)
		}),
	}
	c.Flags().BoolVar(&o.force, "force", false, "replace an existing pipeline.yaml")
	return c
}

func (e *env) runInit(o initOptions, dir string) error {
	cfg := filepath.Join(dir, config.DefaultPath)
	if _, err := os.Stat(cfg); err == nil && !o.force {
		return fmt.Errorf("%s exists: left as it is (--force to replace it)", cfg)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	inbox := filepath.Join(dir, config.TemplateInbox)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return err
	}
	if err := writeFileAtomic(cfg, config.Template()); err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, `wrote %s and the folder %s/
next:
  1. save WeChat articles from your browser into %s/ (Save page as…, or SingleFile)
     and list accounts' feeds, albums or links in %s
  2. wxarchive run --once     archives them into %s
  3. wxarchive list           shows what is archived
`, cfg, inbox, inbox, cfg, filepath.Join(dir, "archive"))
	return err
}
