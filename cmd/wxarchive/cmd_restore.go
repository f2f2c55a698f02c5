package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRestoreCmd(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "restore ARTICLE...",
		Short: "Write an article's readable file again",
		Long: `Write the readable Markdown of each article again at its path. A readable file you deleted
stays deleted until you restore it; one you edited is yours and is never overwritten (restore
refuses: move it away first).`,
		Example: `  wxarchive restore MzA3MDM3NjE5NQ_2650000001_1
  wxarchive restore 'https://mp.weixin.qq.com/s/XXXXXXXX' --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("give at least one ARTICLE (key, URL or path)")
			}
			return nil
		},
		ValidArgsFunction: e.completeArticles(0),
		RunE:              action(func(cmd *cobra.Command, args []string) error { return e.runRestore(args, asJSON) }),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per article (docs/json.md)")
	return c
}

func (e *env) runRestore(names []string, asJSON bool) error {
	a, unlock, err := e.openLocked()
	if err != nil {
		return err
	}
	defer unlock()
	for _, n := range names {
		k, err := a.Resolve(n)
		if err != nil {
			return err
		}
		p, err := a.Restore(k)
		if err != nil {
			return err
		}
		if asJSON {
			if err := newJSONLines(e.stdout).write(restoreJSON{Target: n, Key: string(k), Path: p}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "restored %s %s\n", k, p)
	}
	return nil
}

// restoreJSON is one line of `restore --json`.
type restoreJSON struct {
	Target string `json:"target"`
	Key    string `json:"key"`
	Path   string `json:"path"`
}
