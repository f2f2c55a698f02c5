package archive

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"wxarchive/model"
)

// ErrNotFound is returned when a key or URL names no archived article.
var ErrNotFound = errors.New("not found") // always wrapped with "archive: <what>: "

// ErrNoIdentity is returned by Record when neither the page nor the link
// identifies the article.
var ErrNoIdentity = errors.New("archive: no identity: the page carries no ids and no article link was given")

// LockedError says another writer holds the archive lock.
type LockedError struct {
	PID   int
	Host  string
	Since time.Time
	Path  string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("archive: locked by pid %d on %s since %s (lock file %s)", e.PID, e.Host, e.Since.Format(time.RFC3339), e.Path)
}

// Archive is an opened archive directory.
type Archive struct {
	dir   string
	store Store
	log   *slog.Logger
}

// Lock is the held writer lock.
type Lock struct {
	a    *Archive
	path string
	f    *os.File
}

// Input is one capture to record.
type Input struct {
	Capture     model.Capture     // raw page + where/when it came from
	Doc         *model.Document   // nil when the capture failed before extraction
	Markdown    []byte            // extractor.Render(Doc.Article) when Doc.State == article
	Images      map[string]string // original image URL -> ref returned by PutBlob (already stored)
	ImageErrors map[string]string // original image URL -> error text
	Stripped    []model.StrippedBlock
	Err         error  // failure (fetch error, truncated, garbage) => outcome failed
	Link        string // the URL the user asked for (may be a short link); identity fallback
	// Hint is what a listing said of the article (title, time, cover,
	// digest): kept in the capture record, and shown for an article never
	// read (applyHint). nil: none.
	Hint *model.Hint
}

// Result is what Record did.
type Result struct {
	Key     model.Key
	Outcome model.Outcome
	Version int    // the article's latest version number after the capture (0: none)
	Path    string // readable path of the latest Markdown, relative to the archive dir
	Title   string
}

// Info describes one article.
type Info struct {
	Key         model.Key       `json:"key"`
	Title       string          `json:"title,omitempty"`
	Account     string          `json:"account,omitempty"`
	AccountID   string          `json:"account_id,omitempty"`
	URL         string          `json:"url,omitempty"`
	Path        string          `json:"path,omitempty"`
	Published   time.Time       `json:"published,omitzero"`
	State       model.State     `json:"state,omitempty"`
	Versions    int             `json:"versions"`
	LastCapture time.Time       `json:"last_capture,omitzero"`
	LastOutcome model.Outcome   `json:"last_outcome,omitempty"`
	Captures    int             `json:"captures"`
	Related     []model.Related `json:"related,omitempty"`
	Biz         string          `json:"biz,omitempty"`
	Aliases     []model.Key     `json:"aliases,omitempty"`
}

// CaptureRecord is one recorded attempt.
type CaptureRecord struct {
	Key         model.Key             `json:"key"`
	Time        time.Time             `json:"time"`
	Target      string                `json:"target,omitempty"`
	Link        string                `json:"link,omitempty"`
	SourceURL   string                `json:"source_url,omitempty"`
	FinalURL    string                `json:"final_url,omitempty"`
	Outcome     model.Outcome         `json:"outcome"`
	State       model.State           `json:"state,omitempty"`
	Reason      string                `json:"reason,omitempty"`
	HTTPStatus  int                   `json:"http_status,omitempty"`
	ContentHash string                `json:"content_hash,omitempty"`
	Hint        *model.Hint           `json:"hint,omitempty"` // what a listing said of the article (Input.Hint)
	RawSHA      string                `json:"raw_sha,omitempty"`
	Version     int                   `json:"version,omitempty"`
	Stripped    []model.StrippedBlock `json:"stripped,omitempty"`
	ImageErrors map[string]string     `json:"image_errors,omitempty"`
	Error       string                `json:"error,omitempty"`
	Name        string                `json:"-"` // object name of the record
}

// Problem is one thing Verify found wrong.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }
