package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mattn/go-runewidth"

	"wxarchive/archive"
	"wxarchive/model"
)

func cmdList(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "list", "")
	af.register(fs)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	account := fs.String("account", "", "only the articles of the account `NAME` (name or id)")
	state := fs.String("state", "", "only the articles in `STATE` (article, deleted, violation, …)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "list", err)
	}
	if len(pos) != 0 {
		return usageErr(e, "list", errors.New("list takes no arguments"))
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "list", err)
	}
	all, err := a.List()
	if err != nil {
		return fail(e, "list", err)
	}
	var list []archive.Info
	for _, i := range all {
		if *account != "" && i.Account != *account && i.AccountID != *account {
			continue
		}
		if *state != "" && i.State != model.State(*state) {
			continue
		}
		list = append(list, i)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, i := range list {
			if err := enc.Encode(i); err != nil {
				return fail(e, "list", err)
			}
		}
		return exitOK
	}
	// tabwriter counts runes; Chinese account names are two columns wide,
	// so the account column is padded by display width instead.
	clean := strings.NewReplacer("\t", " ", "\n", " ")
	accountWidth := runewidth.StringWidth("ACCOUNT")
	for _, i := range list {
		accountWidth = max(accountWidth, runewidth.StringWidth(clean.Replace(i.Account)))
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
			runewidth.FillRight(clean.Replace(i.Account), accountWidth), clean.Replace(listTitle(i)))
	}
	if err := tw.Flush(); err != nil {
		return fail(e, "list", err)
	}
	fmt.Fprintf(e.stderr, "%d articles\n", len(list))
	return exitOK
}

// listTitle is the article's title, or, for an article never read (known
// only by a link that gave a deleted notice, say), the link.
func listTitle(i archive.Info) string {
	if i.Title != "" {
		return i.Title
	}
	return i.URL
}
