package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"wxarchive/config"
	"wxarchive/events"
	"wxarchive/model"
)

type changesOptions struct {
	since    string
	kinds    []string
	json     bool
	rebuild  bool
	limit    int
	limitSet bool // --limit given
}

func newChangesCmd(e *env) *cobra.Command {
	var o changesOptions
	c := &cobra.Command{
		Use:   "changes [ARTICLE]",
		Short: "List what changed: new, edited, deleted and censored articles, blocks, expired logins",
		Long: `List the change events of the archive, oldest first: new articles, edits (how many characters
changed and the first changed sentence), deletions, removals for violation, unavailable pages,
articles readable again; and the operational events: blocked (WeChat refused us, one per
cool-down) and login_expired.

Events come from the captures: 'wxarchive run' records them after each pass and delivers them to
the notify section of pipeline.yaml; captures made since (by 'ingest') are shown too. Each event
has a stable id. --rebuild derives the event log again from the captures (it keeps the
operational events, which captures do not carry).

ARTICLE limits the list to one article (key, URL, path or key prefix).`,
		Example: `  wxarchive changes --since 7d
  wxarchive changes --since 2026-03-01 --kind edited,deleted --json
  wxarchive changes --limit 10
  wxarchive changes --rebuild`,
		Args:              rangeArgs(0, 1, "give at most one ARTICLE"),
		ValidArgsFunction: e.completeArticles(1),
		RunE: action(func(cmd *cobra.Command, args []string) error {
			o.limitSet = cmd.Flags().Changed("limit")
			return e.runChanges(o, args, time.Now())
		}),
	}
	f := c.Flags()
	f.StringVar(&o.since, "since", "", "only events at or after `T`: a date (2026-03-01), a time (2026-03-01T10:00:00+08:00, or \"2026-03-01 10:00\" in local time) or an age (24h, 7d, 2w)")
	f.StringSliceVar(&o.kinds, "kind", nil, "only events of these `KINDS` (comma-separated: "+strings.Join(kindNames(), ", ")+")")
	f.BoolVar(&o.json, "json", false, "one JSON object per line (docs/json.md)")
	f.IntVar(&o.limit, "limit", 0, "only the `N` latest events (still oldest first; default: all)")
	f.BoolVar(&o.rebuild, "rebuild", false, "derive the event log again from the captures")
	_ = c.RegisterFlagCompletionFunc("kind", listCompletion(kindNames()))
	return c
}

func kindNames() []string {
	var out []string
	for _, k := range model.EventKinds() {
		out = append(out, string(k))
	}
	return out
}

func rangeArgs(lo, hi int, msg string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usageErrorf("%s", msg)
		}
		return nil
	}
}

// parseSince reads --since: an age before now, a date or a time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := config.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageErrorf("--since %q: want a date (2026-03-01), a time (2026-03-01T10:00:00+08:00) or an age (24h, 7d)", s)
}

func (e *env) runChanges(o changesOptions, args []string, now time.Time) error {
	if o.rebuild {
		if o.since != "" || len(o.kinds) > 0 || o.json || o.limitSet || len(args) > 0 {
			return usageErrorf("--rebuild takes no other flag nor ARTICLE")
		}
		return e.rebuildEvents()
	}
	if err := checkLimit(o.limit, o.limitSet); err != nil {
		return err
	}
	var since time.Time
	if o.since != "" {
		var err error
		if since, err = parseSince(o.since, now); err != nil {
			return err
		}
	}
	want := map[model.EventKind]bool{}
	for _, k := range o.kinds {
		if err := oneOf("kind", k, kindNames()); err != nil {
			return err
		}
		want[model.EventKind(k)] = true
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	var key model.Key
	if len(args) == 1 {
		info, err := resolveArticle(a, args[0])
		if err != nil {
			return err
		}
		key = info.Key
	}
	all, err := events.Load(a)
	if err != nil {
		return err
	}
	var evs []events.Event
	for _, ev := range all {
		if ev.Time.Before(since) || (len(want) > 0 && !want[ev.Kind]) || (key != "" && ev.Key != key) {
			continue
		}
		evs = append(evs, ev)
	}
	if o.limit > 0 && len(evs) > o.limit {
		evs = evs[len(evs)-o.limit:]
	}
	if o.json {
		out := newJSONLines(e.stdout)
		for _, ev := range evs {
			// The same object a webhook receives as its body and an exec
			// hook on its stdin.
			if err := out.write(ev); err != nil {
				return err
			}
		}
		return nil
	}
	if len(evs) == 0 {
		fmt.Fprintln(e.stderr, "no changes")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tEVENT\tKEY\tSUMMARY")
	for _, ev := range evs {
		k := string(ev.Key)
		if k == "" {
			k = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", showTime(ev.Time), ev.Kind, k, oneLine(ev.Summary))
	}
	return tw.Flush()
}

// rebuildEvents derives the event log again (reindex does it too, with
// the other indexes).
func (e *env) rebuildEvents() error {
	a, unlock, err := e.openLocked()
	if err != nil {
		return err
	}
	defer unlock()
	n, err := events.Rebuild(a)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wxarchive changes: event log derived again from the captures: %s\n", plural(n, "event"))
	return nil
}
