package main

import (
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

// The JSON records the commands print with --json, one object per line.
// docs/json.md documents them; TestJSONFieldNames holds the commands to it.
// The same thing has the same name everywhere: `key`, `target` (what the
// user typed), `version` (a version number), `versions`/`captures` (counts),
// `captured` (when a capture was made), `outcome`, `state`, `path` (relative
// to the archive), `error`.

// articleJSON is one article (list).
type articleJSON struct {
	Key          model.Key     `json:"key"`
	Title        string        `json:"title,omitempty"`
	Account      string        `json:"account,omitempty"`
	AccountID    string        `json:"account_id,omitempty"`
	Biz          string        `json:"biz,omitempty"`
	URL          string        `json:"url,omitempty"`
	Path         string        `json:"path,omitempty"`
	Published    time.Time     `json:"published,omitzero"`
	State        model.State   `json:"state,omitempty"`
	Versions     int           `json:"versions"`
	Captures     int           `json:"captures"`
	LastCaptured time.Time     `json:"last_captured,omitzero"`
	LastOutcome  model.Outcome `json:"last_outcome,omitempty"`
	Aliases      []model.Key   `json:"aliases,omitempty"`
}

func articleOf(i archive.Info) articleJSON {
	return articleJSON{Key: i.Key, Title: i.Title, Account: i.Account, AccountID: i.AccountID, Biz: i.Biz,
		URL: i.URL, Path: i.Path, Published: i.Published, State: i.State, Versions: i.Versions,
		Captures: i.Captures, LastCaptured: i.LastCapture, LastOutcome: i.LastOutcome, Aliases: i.Aliases}
}

// resultJSON is what one capture did (ingest, reextract).
type resultJSON struct {
	Target  string        `json:"target"`
	Key     model.Key     `json:"key,omitempty"`
	Outcome model.Outcome `json:"outcome"`
	Version int           `json:"version,omitempty"`
	Path    string        `json:"path,omitempty"`
	Title   string        `json:"title,omitempty"`
	DryRun  bool          `json:"dry_run,omitempty"`
	Note    string        `json:"note,omitempty"`
	// Warnings are failures after the capture was recorded (the next
	// writer finishes them).
	Warnings []string `json:"warnings,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// eventJSON is one line of an article's history (log): a capture or a
// version.
type eventJSON struct {
	Kind        string                `json:"kind"` // "capture" or "version"
	Key         model.Key             `json:"key"`
	Captured    time.Time             `json:"captured"`
	Outcome     model.Outcome         `json:"outcome,omitempty"`
	State       model.State           `json:"state,omitempty"`
	Version     int                   `json:"version,omitempty"`
	HTTPStatus  int                   `json:"http_status,omitempty"`
	ContentType string                `json:"content_type,omitempty"`
	URL         string                `json:"url,omitempty"`
	Target      string                `json:"target,omitempty"`
	RawSHA      string                `json:"raw_sha,omitempty"`
	SHA         string                `json:"sha,omitempty"`  // version: content hash
	File        string                `json:"file,omitempty"` // version: its file, relative to the archive
	Reason      string                `json:"reason,omitempty"`
	Error       string                `json:"error,omitempty"`
	Stripped    []model.StrippedBlock `json:"stripped,omitempty"`
	ImageErrors map[string]string     `json:"image_errors,omitempty"`
	Notes       []string              `json:"notes,omitempty"` // capture: what became of a readable file edited or deleted by hand
}

func captureEvent(c archive.CaptureRecord) eventJSON {
	url := c.SourceURL
	if url == "" {
		url = c.Link
	}
	return eventJSON{Kind: "capture", Key: c.Key, Captured: c.Time, Outcome: c.Outcome, State: c.State,
		Version: c.Version, HTTPStatus: c.HTTPStatus, ContentType: c.ContentType, URL: url, Target: c.Target, RawSHA: c.RawSHA,
		Reason: c.Reason, Error: c.Error, Stripped: c.Stripped, ImageErrors: c.ImageErrors, Notes: c.Notes}
}

func versionEvent(k model.Key, v archive.VersionInfo) eventJSON {
	return eventJSON{Kind: "version", Key: k, Captured: v.Time, Version: v.N, SHA: v.SHA, File: v.File}
}

// checkJSON is one line of verify: a problem, a notice, or the summary.
type checkJSON struct {
	Kind     string `json:"kind"` // "problem", "notice", "summary"
	Path     string `json:"path,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Archive  string `json:"archive,omitempty"`  // summary
	Problems int    `json:"problems,omitempty"` // summary
	Notices  int    `json:"notices,omitempty"`  // summary
	Intact   bool   `json:"intact,omitempty"`   // summary
	Root     string `json:"root,omitempty"`     // summary: the root hash over every article's history
	Extends  bool   `json:"extends,omitempty"`  // summary, with --root: the history since was only appended to
}

// versionJSON is `version --json`.
type versionJSON struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}
