package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newReindexCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the index of articles from their heads",
		Long: `Rebuild the index that list and run read (.wxarchive/index/heads.tsv) from every article's
head. Verify names it when the index is damaged; a writer also rebuilds a damaged index by itself
the next time it lists the archive.`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runReindex() }),
	}
}

func (e *env) runReindex() error {
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	l, err := a.Lock()
	if err != nil {
		return err
	}
	defer l.Unlock()
	if err := a.Reindex(); err != nil {
		return err
	}
	list, err := a.List()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wxarchive reindex: %s indexed in %s\n", plural(len(list), "article"), a.Dir())
	return nil
}
