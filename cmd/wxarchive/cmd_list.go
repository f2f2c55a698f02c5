package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"wxarchive/archive"
	"wxarchive/model"
)

type listOptions struct {
	json     bool
	account  string
	state    string
	sort     string
	reverse  bool
	limit    int
	limitSet bool // --limit given
}

// listSorts are the orders of `list --sort`; each has its natural
// direction (dates newest first, names A to Z). They compare pointers: an
// Info is large, and sorting 100k of them by value moved gigabytes.
var listSorts = map[string]func(a, b *archive.Info) int{
	"published": func(a, b *archive.Info) int { return b.Published.Compare(a.Published) },
	"captured":  func(a, b *archive.Info) int { return b.LastCapture.Compare(a.LastCapture) },
	"title":     func(a, b *archive.Info) int { return strings.Compare(listTitle(*a), listTitle(*b)) },
	"account":   func(a, b *archive.Info) int { return strings.Compare(a.Account, b.Account) },
	"key":       func(a, b *archive.Info) int { return strings.Compare(string(a.Key), string(b.Key)) },
}

func newListCmd(e *env) *cobra.Command {
	var o listOptions
	c := &cobra.Command{
		Use:   "list",
		Short: "List archived articles",
		Long: `List every archived article with its state, number of versions and date, newest
first (--sort to change).`,
		Example: `  wxarchive list --account 人民日报 --state deleted
  wxarchive list --sort captured --json`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error {
			o.limitSet = cmd.Flags().Changed("limit")
			return e.runList(o)
		}),
	}
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "one JSON object per line (docs/json.md)")
	f.StringVar(&o.account, "account", "", "only articles of accounts whose name or id contains `TEXT`")
	f.StringVar(&o.state, "state", "", "only articles in `STATE` ("+strings.Join(stateNames(), ", ")+")")
	f.StringVar(&o.sort, "sort", "published", "order: `FIELD` of "+strings.Join(sortNames(), ", "))
	f.BoolVar(&o.reverse, "reverse", false, "reverse the order")
	f.IntVar(&o.limit, "limit", 0, "at most `N` articles, the first in the order (default: all)")
	_ = c.RegisterFlagCompletionFunc("state", fixedCompletion(stateNames()))
	_ = c.RegisterFlagCompletionFunc("sort", fixedCompletion(sortNames()))
	return c
}

func sortNames() []string {
	names := make([]string, 0, len(listSorts))
	for n := range listSorts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.Name(), args)
	}
	return nil
}

// accountMatches says whether the article's account name, account id or
// __biz contains text, case folded: what --account means to every command.
func accountMatches(i archive.Info, text string) bool {
	text = strings.ToLower(text)
	return strings.Contains(strings.ToLower(i.Account), text) ||
		strings.Contains(strings.ToLower(i.AccountID), text) || strings.Contains(strings.ToLower(i.Biz), text)
}

// accountBizs returns the __biz of every archived account --account text
// matches; text no archived account matches is a usage error (a typo
// would otherwise look like an account with nothing archived).
func accountBizs(all []archive.Info, text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	var bizs []string
	matched := false
	for _, i := range all {
		if accountMatches(i, text) {
			matched = true
			if i.Biz != "" && !slices.Contains(bizs, i.Biz) {
				bizs = append(bizs, i.Biz)
			}
		}
	}
	if !matched {
		return nil, usageErrorf("--account %q: no archived account has that name or id", text)
	}
	return bizs, nil
}

// checkLimit checks a --limit flag whose zero value means "no limit":
// given, it must be at least 1.
func checkLimit(n int, given bool) error {
	if n < 0 || (given && n < 1) {
		return usageErrorf("--limit %d: want at least 1", n)
	}
	return nil
}

func fixedCompletion(values []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func (e *env) runList(o listOptions) error {
	if err := oneOf("state", o.state, stateNames()); err != nil {
		return err
	}
	if err := oneOf("sort", o.sort, sortNames()); err != nil {
		return err
	}
	if err := checkLimit(o.limit, o.limitSet); err != nil {
		return err
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	all, err := a.ListBrief() // list shows no related links
	if err != nil {
		return err
	}
	if _, err := accountBizs(all, o.account); err != nil {
		return err
	}
	var list []*archive.Info
	for k := range all {
		i := &all[k]
		if o.account != "" && !accountMatches(*i, o.account) {
			continue
		}
		if o.state != "" && i.State != model.State(o.state) {
			continue
		}
		list = append(list, i)
	}
	cmp := listSorts[o.sort]
	slices.SortStableFunc(list, func(a, b *archive.Info) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		return strings.Compare(string(a.Key), string(b.Key))
	})
	if o.reverse {
		slices.Reverse(list)
	}
	if o.limit > 0 && len(list) > o.limit {
		list = list[:o.limit]
	}
	if o.json {
		out := newJSONLines(e.stdout)
		for _, i := range list {
			if err := out.write(articleOf(*i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := writeListTable(e, list); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, plural(len(list), "article"))
	return nil
}

// writeListTable writes the articles as aligned columns. tabwriter counts
// runes; Chinese account names are two columns wide, so the account column
// is padded by display width instead.
func writeListTable(e *env, list []*archive.Info) error {
	accountWidth := runewidth.StringWidth("ACCOUNT")
	for _, i := range list {
		accountWidth = max(accountWidth, runewidth.StringWidth(oneLine(i.Account)))
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "KEY\tSTATE\tVERSIONS\tDATE\t%s  TITLE\n", runewidth.FillRight("ACCOUNT", accountWidth))
	for _, i := range list {
		date := "-"
		if !i.Published.IsZero() {
			date = i.Published.Format("2006-01-02")
		}
		st := string(i.State)
		if st == "" {
			st = "(" + string(i.LastOutcome) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s  %s\n", i.Key, st, i.Versions, date,
			runewidth.FillRight(oneLine(i.Account), accountWidth), oneLine(listTitle(*i)))
	}
	return tw.Flush()
}

// listTitle is the article's title, or, for an article never read (known
// only by a link that gave a deleted notice, say), the link.
func listTitle(i archive.Info) string {
	if i.Title != "" {
		return i.Title
	}
	return i.URL
}
