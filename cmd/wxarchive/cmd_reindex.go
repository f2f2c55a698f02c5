package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"wxarchive/events"
	"wxarchive/search"
)

func newReindexCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the archive's indexes: articles, change events, full-text search",
		Long: `Rebuild what is derived from the store: the index of articles that list and run read
(from every article's head), the change-event log (from the capture records, same event ids),
and the full-text search index (from the latest versions). Verify names the article index
when it is damaged; a writer also rebuilds a damaged article index by itself the next time it
lists the archive, and the search index catches up by itself.`,
		Example: `  wxarchive reindex
  wxarchive reindex --archive ~/wechat`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runReindex(cmd.Context()) }),
	}
}

func (e *env) runReindex(ctx context.Context) error {
	a, unlock, err := e.openLocked()
	if err != nil {
		return err
	}
	defer unlock()
	if err := a.Reindex(); err != nil {
		return err
	}
	list, err := a.List()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wxarchive reindex: %s indexed in %s\n", plural(len(list), "article"), a.Dir())
	n, err := events.Rebuild(a)
	if err != nil {
		return fmt.Errorf("rebuild the event log: %w", err)
	}
	fmt.Fprintf(e.stderr, "wxarchive reindex: event log derived again from the captures: %s\n", plural(n, "event"))
	st, err := search.Rebuild(ctx, a)
	if err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	fmt.Fprintf(e.stderr, "wxarchive reindex: search index rebuilt: %s\n", plural(st.Docs, "article"))
	return nil
}
