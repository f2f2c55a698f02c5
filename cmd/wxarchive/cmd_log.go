package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newLogCmd(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "log ARTICLE",
		Short: "List an article's captures and versions",
		Long: `List every capture attempt of an article (outcome, HTTP status, raw snapshot, notes)
and every version it produced, oldest first.

ARTICLE is the key, any URL of the article, the path of its readable file, or a unique key prefix.`,
		Example: `  wxarchive log 'https://mp.weixin.qq.com/s/XXXXXXXX'
  wxarchive log MzA3MDM3NjE5NQ_2650000001_1 --json`,
		Args:              exactArgs(1, "give one ARTICLE (key, URL or path)"),
		ValidArgsFunction: e.completeArticles(1),
		RunE: action(func(cmd *cobra.Command, args []string) error {
			return e.runLog(args[0], asJSON)
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per line (docs/json.md)")
	return c
}

func (e *env) runLog(name string, asJSON bool) error {
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	info, err := resolveArticle(a, name)
	if err != nil {
		return err
	}
	caps, err := a.Captures(info.Key)
	if err != nil {
		return err
	}
	vers, err := a.Versions(info.Key)
	if err != nil {
		return err
	}
	var events []eventJSON
	for _, c := range caps {
		events = append(events, captureEvent(c))
	}
	for _, v := range vers {
		events = append(events, versionEvent(info.Key, v))
	}
	slices.SortStableFunc(events, func(a, b eventJSON) int { return a.Captured.Compare(b.Captured) })
	if asJSON {
		out := newJSONLines(e.stdout)
		for _, ev := range events {
			if err := out.write(ev); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(e.stdout, "%s  %s\n", info.Key, oneLine(listTitle(*info)))
	fmt.Fprintf(e.stdout, "state %s, %s, %s, %s\n", info.State, plural(info.Versions, "version"), plural(info.Captures, "capture"), info.Path)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tEVENT\tVERSION\tHTTP\tRAW\tNOTE")
	for _, ev := range events {
		t := showTime(ev.Captured)
		if ev.Kind == "version" {
			fmt.Fprintf(tw, "%s\tversion\tv%d\t\t\t%s\n", t, ev.Version, ev.File)
			continue
		}
		ver, status, raw := "", "", ""
		if ev.Version > 0 {
			ver = fmt.Sprintf("v%d", ev.Version)
		}
		if ev.HTTPStatus > 0 {
			status = fmt.Sprint(ev.HTTPStatus)
		}
		if len(ev.RawSHA) >= 12 {
			raw = ev.RawSHA[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t, ev.Outcome, ver, status, raw, captureNote(ev))
	}
	return tw.Flush()
}

func captureNote(c eventJSON) string {
	var parts []string
	if c.Error != "" {
		parts = append(parts, c.Error)
	}
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	if n := len(c.ImageErrors); n > 0 {
		parts = append(parts, plural(n, "image error"))
	}
	if n := len(c.Stripped); n > 0 {
		parts = append(parts, plural(n, "block")+" stripped")
	}
	parts = append(parts, c.Notes...)
	src := c.URL
	if src == "" {
		src = c.Target
	}
	if src != "" {
		parts = append(parts, src)
	}
	return oneLine(strings.Join(parts, "; "))
}
