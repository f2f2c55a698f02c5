package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"wxarchive/archive"
)

// logLine is one event of an article's history: a capture or a version.
type logLine struct {
	Kind          string // "capture" or "version"
	CaptureRecord *archive.CaptureRecord
	VersionInfo   *archive.VersionInfo
}

func cmdLog(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "log", "KEY|URL")
	af.register(fs)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "log", err)
	}
	if len(pos) != 1 {
		return usageErr(e, "log", errors.New("give one KEY or URL"))
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "log", err)
	}
	key, err := a.Resolve(pos[0])
	if err != nil {
		return fail(e, "log", err)
	}
	info, err := a.Info(key)
	if err != nil {
		return fail(e, "log", err)
	}
	caps, err := a.Captures(key)
	if err != nil {
		return fail(e, "log", err)
	}
	vers, err := a.Versions(key)
	if err != nil {
		return fail(e, "log", err)
	}
	var lines []logLine
	for i := range caps {
		lines = append(lines, logLine{Kind: "capture", CaptureRecord: &caps[i]})
	}
	for i := range vers {
		lines = append(lines, logLine{Kind: "version", VersionInfo: &vers[i]})
	}
	when := func(l logLine) time.Time {
		if l.CaptureRecord != nil {
			return l.CaptureRecord.Time
		}
		return l.VersionInfo.Time
	}
	sort.SliceStable(lines, func(i, j int) bool { return when(lines[i]).Before(when(lines[j])) })
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, l := range lines {
			var v any = struct {
				Kind string `json:"kind"`
				*archive.CaptureRecord
			}{l.Kind, l.CaptureRecord}
			if l.VersionInfo != nil {
				v = struct {
					Kind string `json:"kind"`
					*archive.VersionInfo
				}{l.Kind, l.VersionInfo}
			}
			if err := enc.Encode(v); err != nil {
				return fail(e, "log", err)
			}
		}
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s  %s\nstate %s, %d versions, %d captures, %s\n", info.Key, info.Title, info.State, info.Versions, info.Captures, info.Path)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tEVENT\tVERSION\tHTTP\tRAW\tNOTE")
	for _, l := range lines {
		t := when(l).Local().Format("2006-01-02 15:04:05")
		if v := l.VersionInfo; v != nil {
			fmt.Fprintf(tw, "%s\tversion\tv%d\t\t\t%s\n", t, v.N, v.File)
			continue
		}
		c := l.CaptureRecord
		ver, status, raw := "", "", ""
		if c.Version > 0 {
			ver = fmt.Sprintf("v%d", c.Version)
		}
		if c.HTTPStatus > 0 {
			status = fmt.Sprint(c.HTTPStatus)
		}
		if len(c.RawSHA) >= 12 {
			raw = c.RawSHA[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t, c.Outcome, ver, status, raw, captureNote(c))
	}
	if err := tw.Flush(); err != nil {
		return fail(e, "log", err)
	}
	return exitOK
}

func captureNote(c *archive.CaptureRecord) string {
	var parts []string
	if c.Error != "" {
		parts = append(parts, c.Error)
	}
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	if n := len(c.ImageErrors); n > 0 {
		parts = append(parts, fmt.Sprintf("%d image errors", n))
	}
	if n := len(c.Stripped); n > 0 {
		parts = append(parts, fmt.Sprintf("%d blocks stripped", n))
	}
	src := c.SourceURL
	if src == "" {
		src = c.Target
	}
	if src != "" {
		parts = append(parts, src)
	}
	s := strings.Join(parts, "; ")
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
}
