package main

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"wxarchive/internal/textsafe"
	"wxarchive/model"
	"wxarchive/search"
)

type searchOptions struct {
	json    bool
	account string
	state   string
	limit   int
	color   colorChoice
}

func newSearchCmd(e *env) *cobra.Command {
	o := searchOptions{color: "auto"}
	c := &cobra.Command{
		Use:   "search QUERY...",
		Short: "Search the titles and text of archived articles",
		Long: `Search the latest version of every archived article, Chinese included: every
word of the query must appear (as a substring, case folded; no word segmentation is needed),
"quoted words" are one phrase. Two-character words (微信, 芯片) work as well as longer ones.

The search index is a cache beside the archive, brought up to date first.`,
		Example: `  wxarchive search 芯片
  wxarchive search 美国 出口管制 --state deleted
  wxarchive search '"supply chain"' --account 人民日报 --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("give a QUERY")
			}
			return nil
		},
		RunE: action(func(cmd *cobra.Command, args []string) error {
			return e.runSearch(cmd.Context(), o, strings.Join(args, " "))
		}),
	}
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "one JSON object per hit (docs/json.md)")
	f.StringVar(&o.account, "account", "", "only articles of accounts whose name or id contains `TEXT`")
	f.StringVar(&o.state, "state", "", "only articles in `STATE` ("+strings.Join(stateNames(), ", ")+")")
	f.IntVar(&o.limit, "limit", 20, "at most `N` hits (up to 200)")
	f.Var(&o.color, "color", "highlight matches: `WHEN` auto, always or never")
	_ = c.RegisterFlagCompletionFunc("state", fixedCompletion(stateNames()))
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion([]string{"auto", "always", "never"}))
	return c
}

func (e *env) runSearch(ctx context.Context, o searchOptions, query string) error {
	if err := oneOf("state", o.state, stateNames()); err != nil {
		return err
	}
	if o.limit < 1 {
		return usageErrorf("--limit %d: want at least 1", o.limit)
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	ix, done, err := e.openSearch(ctx, a)
	if err != nil {
		return err
	}
	defer done()
	q := search.Query{Text: query, State: model.State(o.state), Limit: o.limit}
	if o.account != "" {
		all, err := a.List()
		if err != nil {
			return err
		}
		if q.Bizs, err = accountBizs(all, o.account); err != nil {
			return err
		}
		if len(q.Bizs) == 0 {
			// Matched articles that name no account: nothing to search.
			fmt.Fprintln(e.stderr, plural(0, "article"))
			return nil
		}
	}
	res, err := ix.Search(ctx, q)
	if err == search.ErrEmptyQuery {
		return usageErrorf("the query has no word")
	}
	if err != nil {
		return err
	}
	if o.json {
		out := newJSONLines(e.stdout)
		for _, h := range res.Hits {
			if err := out.write(h); err != nil {
				return err
			}
		}
		return nil
	}
	color := e.useColor(o.color, e.stdout)
	mark := func(spans []search.Span) string {
		var b strings.Builder
		for _, s := range spans {
			s.Text = spanText(s.Text)
			switch {
			case s.Mark && color:
				b.WriteString("\x1b[1;33m" + s.Text + "\x1b[0m")
			case s.Mark:
				b.WriteString("[" + s.Text + "]")
			default:
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	for _, h := range res.Hits {
		state := ""
		if h.State != model.StateArticle && h.State != "" {
			state = "  [" + string(h.State) + "]"
		}
		fmt.Fprintf(e.stdout, "%s  %s%s\n    %s · %s · %s\n    %s\n", h.Key, mark(h.TitleHL), state,
			oneLine(h.Account), showDate(h.Published), h.Key, mark(h.Snippet))
	}
	more := ""
	if res.More {
		more = "more than "
	}
	fmt.Fprintf(e.stderr, "%s%s\n", more, plural(res.Total, "article"))
	return nil
}

// showDate is an article's publication day as WeChat, list and the
// readable file's name give it: in China time (the search index keeps
// the instant, not the zone the page gave).
func showDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(model.ChinaTime).Format("2006-01-02")
}

// spanText is a piece of a title or snippet as printed on one line: no
// control or bidirectional characters (a stored body may hold ESC
// sequences), white space as a space; the spaces at its ends are kept, as
// the pieces are printed one after the other.
func spanText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case r == utf8.RuneError, textsafe.Unsafe(r):
			return -1
		}
		return r
	}, s)
}
