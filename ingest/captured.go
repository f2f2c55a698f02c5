package ingest

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// When a capture was made decides whether it can change an article's
// state (see archive.Record): a fetch is dated now; a saved page by the
// date its saver wrote in it (SingleFile's "saved date" header), or the
// date the user gives (--captured TIME, or file-time for the file's
// modification time). A browser's "saved from url=" comment has no date: a
// page saved so, without --captured, is undated.

// CapturedFileTime asks for the saved file's modification time.
const CapturedFileTime = "file-time"

// singleFileDate matches SingleFile's header line, a JavaScript
// Date.toString(): "saved date: Wed Jan 10 2024 15:23:45 GMT+0800 (…)".
var singleFileDate = regexp.MustCompile(`saved date:\s*(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2}\s+\d{1,2}\s+\d{4}\s+\d{2}:\d{2}:\d{2})\s+GMT([+-]\d{4})`)

// SavedDate returns the save time a saved page states in its SingleFile
// header, if any.
func SavedDate(raw []byte) (time.Time, bool) {
	head := raw[:min(len(raw), 8<<10)]
	i := bytes.Index(head, []byte("Page saved with SingleFile"))
	if i < 0 {
		return time.Time{}, false
	}
	m := singleFileDate.FindSubmatch(head[i:])
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("Jan 2 2006 15:04:05 -0700", strings.Join(strings.Fields(string(m[1])), " ")+" "+string(m[2]))
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// ParseCaptured reads a --captured value: RFC 3339, "2006-01-02 15:04",
// "2006-01-02 15:04:05" or "2006-01-02" (local time when no zone is given,
// as the commands show times and read changes --since), or "file-time".
func ParseCaptured(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("ingest: --captured %q: want a time such as 2024-03-05T10:00:00+08:00, \"2024-03-05 10:00\", or %s", s, CapturedFileTime)
}

// dateSaved sets when a saved page was captured, from --captured, else its
// own header, else nothing (undated: its ingest time stands). A header
// date in the future (a wrong clock where the page was saved) is no date:
// the page is undated, and warn says so; a future --captured is an error.
func dateSaved(in *archive.Input, captured, file string) (warn string, err error) {
	future := func(t time.Time) bool { return t.After(time.Now().Add(time.Hour)) }
	switch {
	case captured == CapturedFileTime:
		if file == "" || file == "-" {
			return "", fmt.Errorf("ingest: --captured %s needs a file, not standard input", CapturedFileTime)
		}
		st, err := os.Stat(file)
		if err != nil {
			return "", fmt.Errorf("ingest: %w", err)
		}
		in.Capture.FetchedAt, in.TimeSource = st.ModTime(), "file-time"
	case captured != "":
		t, err := ParseCaptured(captured)
		if err != nil {
			return "", err
		}
		in.Capture.FetchedAt, in.TimeSource = t, "user"
	default:
		if t, ok := SavedDate(in.Capture.Raw); ok && !future(t) {
			in.Capture.FetchedAt, in.TimeSource = t, "saved-date"
		} else {
			if ok {
				warn = fmt.Sprintf("ingest: the page says it was saved on %s, in the future: taken as a page of unknown date (--captured gives its date)", t.Format(time.RFC3339))
			}
			in.Undated, in.TimeSource = true, "ingest"
		}
	}
	if future(in.Capture.FetchedAt) {
		return "", fmt.Errorf("ingest: capture time %s is in the future", in.Capture.FetchedAt.Format(time.RFC3339))
	}
	return warn, nil
}

// Renderer renders raw pages with the extractor of this binary, for the
// archive to compare like with like (archive.Renderer).
type Renderer struct{ Rules []extractor.Rule }

var _ archive.Renderer = Renderer{}

// Version is extractor.Version.
func (Renderer) Version() int { return extractor.Version }

// Render extracts raw and renders the article, or fails when the page is
// not a readable article.
func (r Renderer) Render(raw []byte, from archive.Origin) ([]byte, error) {
	doc, err := extractor.Extract(raw, extractor.Options{SourceURL: from.URL, ContentType: from.ContentType, Rules: r.Rules})
	if err != nil {
		return nil, err
	}
	if doc.State != model.StateArticle || doc.Article == nil {
		return nil, &StateError{State: doc.State, Reason: doc.Reason}
	}
	return extractor.Render(doc.Article), nil
}
