package main

import (
	"bytes"
	"encoding/json"
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
		Long: `Start an archive: write DIR/pipeline.yaml (default: the current folder; --config FILE
to choose the file), with every source explained, and the inbox/ folder it names for pages
saved from your browser, beside it. --archive DIR sets the archive it names (default: archive/
beside it). An existing pipeline.yaml is left alone unless --force.`,
		Example: `  wxarchive init
  wxarchive init ~/wechat && cd ~/wechat && wxarchive run --once
  wxarchive init --config /etc/wxarchive/pipeline.yaml --archive /srv/wechat`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("init takes at most one folder, got %q", args)
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: action(func(cmd *cobra.Command, args []string) error {
			cfg := config.DefaultPath
			switch {
			case len(args) == 1 && e.config != "":
				return usageErrorf("give DIR or --config FILE, not both")
			case len(args) == 1:
				cfg = filepath.Join(args[0], config.DefaultPath)
			case e.config != "":
				cfg = e.config
			}
			return e.runInit(o, cfg)
		}),
	}
	c.Flags().BoolVar(&o.force, "force", false, "replace an existing pipeline.yaml")
	return c
}

func (e *env) runInit(o initOptions, cfg string) error {
	if _, err := os.Stat(cfg); err == nil && !o.force {
		return fmt.Errorf("%s exists: left as it is (--force to replace it)", cfg)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(cfg)
	text := config.Template()
	archiveDir := filepath.Join(dir, "archive")
	if e.archive != "" {
		// Paths in pipeline.yaml are relative to its folder: write the
		// archive's absolute path, so it is the folder the user named.
		abs, err := filepath.Abs(e.archive)
		if err != nil {
			return err
		}
		quoted, _ := json.Marshal(abs) // JSON strings are YAML strings
		line := []byte("dir: " + config.TemplateArchiveDir + " ")
		if !bytes.Contains(text, line) {
			return fmt.Errorf("init: the template names no archive folder to replace")
		}
		text = bytes.Replace(text, line, append([]byte("dir: "), append(quoted, ' ')...), 1)
		archiveDir = e.archive
	}
	inbox := filepath.Join(dir, config.TemplateInbox)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return err
	}
	if err := writeFileAtomic(cfg, text); err != nil {
		return err
	}
	run := "wxarchive run --once"
	list := "wxarchive list"
	if cfg != config.DefaultPath {
		run += " --config " + cfg
		list += " --config " + cfg
	}
	_, err := fmt.Fprintf(e.stdout, `wrote %s and the folder %s/
next:
  1. save WeChat articles from your browser into %s/ (Save page as…, or SingleFile)
     and list accounts' feeds, albums or links in %s
  2. %s     archives them into %s
  3. %s           shows what is archived
`, cfg, inbox, inbox, cfg, run, archiveDir, list)
	return err
}
