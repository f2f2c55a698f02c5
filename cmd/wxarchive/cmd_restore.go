package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRestoreCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "restore ARTICLE...",
		Short: "Write an article's readable file again",
		Long: `Write the readable Markdown of each article again at its path. A readable file you deleted
stays deleted until you restore it; one you edited is yours and is never overwritten (restore
refuses: move it away first).`,
		Example: `  wxarchive restore MzA3MDM3NjE5NQ_2650000001_1
  wxarchive restore 'https://mp.weixin.qq.com/s/XXXXXXXX'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("give at least one ARTICLE (key, URL or path)")
			}
			return nil
		},
		ValidArgsFunction: e.completeArticles(0),
		RunE:              action(func(cmd *cobra.Command, args []string) error { return e.runRestore(args) }),
	}
}

func (e *env) runRestore(names []string) error {
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
		fmt.Fprintf(e.stdout, "restored %s %s\n", k, p)
	}
	return nil
}
