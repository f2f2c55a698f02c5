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

// ErrTampered is returned by readers (Version, show, diff) when what they
// would print does not match the hash the archive recorded for it.
var ErrTampered = errors.New("does not match its recorded hash (run 'wxarchive verify')")

// ErrNotRegular is returned when a file of the store is not a regular file
// reached without a symbolic link (a link, a FIFO, a device): readers do
// not follow it.
var ErrNotRegular = errors.New("not a regular file the archive wrote (run 'wxarchive verify')")

// errLinkedFolder: a folder on the way to a file is a symbolic link.
var errLinkedFolder = fmt.Errorf("a folder on the way is a symbolic link, %w", ErrNotRegular)

// LockedError says another writer holds the archive lock.
type LockedError struct {
	PID   int
	Host  string
	Since time.Time
	Path  string
}

func (e *LockedError) Error() string {
	since := "an unknown time"
	if !e.Since.IsZero() {
		since = e.Since.Format(time.RFC3339)
	}
	host := e.Host
	if host == "" {
		host = "this host"
	}
	return fmt.Sprintf("archive: locked by pid %d on %s since %s (lock file %s)", e.PID, host, since, e.Path)
}

// Archive is an opened archive directory.
type Archive struct {
	dir    string
	store  Store
	log    *slog.Logger
	n      names // where each part lives in the store
	legacy bool  // not yet in the vault layout: readers read it as it is, the first writer migrates it
	locked bool  // this Archive holds the writer lock
}

// Lock is the held writer lock.
type Lock struct {
	a     *Archive
	path  string
	f     *os.File
	extra *os.File // the lock of the layout before migration, held while migrating
}

// Renderer renders a stored raw page with the current extractor, so that
// Record can compare like with like. The ingest stage provides it; the
// archive does not import the extractor.
type Renderer interface {
	// Version numbers the extractor's output (extractor.Version).
	Version() int
	// Render extracts raw (read as from says) and returns its Markdown,
	// or an error when the page is not a readable article.
	Render(raw []byte, from Origin) ([]byte, error)
}

// Origin is what a raw page was read with besides its bytes: the URL the
// extractor was given, and the Content-Type header the page was served
// with (its charset may be the only one the page has).
type Origin struct{ URL, ContentType string }

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
	ExtractURL  string // the URL the extractor was given (kept to render the raw page again)
	// Renderer made Markdown and can render an older raw page again; nil:
	// the extractor is unknown and Markdown is compared as it is.
	Renderer Renderer
	// Undated: Capture.FetchedAt is only when the page was ingested (a saved
	// page of unknown save date). Its content is kept, but it says nothing
	// about the article's current state.
	Undated bool
	// TimeSource says where Capture.FetchedAt came from: "fetch",
	// "saved-date" (the page's own header), "user" (--captured),
	// "file-time", "ingest" (undated). Recorded as is.
	TimeSource string
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
	// Notes say what became of the readable file when it is not simply
	// (re)written: kept because edited or deleted by hand, written beside.
	Notes []string
	// Warnings are failures after the commit point (the capture and its
	// version are recorded; the next writer finishes the rest).
	Warnings []string
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
	StateSince  time.Time       `json:"state_since,omitzero"` // first observation of the current state
	Versions    int             `json:"versions"`
	LastCapture time.Time       `json:"last_capture,omitzero"`
	LastOutcome model.Outcome   `json:"last_outcome,omitempty"`
	Captures    int             `json:"captures"`
	Related     []model.Related `json:"related,omitempty"`
	Biz         string          `json:"biz,omitempty"`
	Aliases     []model.Key     `json:"aliases,omitempty"`
}

// CaptureRecord is one recorded attempt. The records of a key form a
// chain: each names the hash of the one before (Prev), the head holds the
// hash of the last, so a deleted, inserted or changed record is found.
type CaptureRecord struct {
	Key         model.Key     `json:"key"`
	Seq         int           `json:"seq,omitempty"`  // 1, 2, … in the key's chain; 0: recorded before chains
	Prev        string        `json:"prev,omitempty"` // hash of the previous record of the key ("" for the first)
	Time        time.Time     `json:"time"`           // when the page was read (see TimeSource)
	Recorded    time.Time     `json:"recorded,omitzero"`
	TimeSource  string        `json:"time_source,omitempty"`
	Undated     bool          `json:"undated,omitempty"`
	Target      string        `json:"target,omitempty"`
	Link        string        `json:"link,omitempty"`
	SourceURL   string        `json:"source_url,omitempty"`
	FinalURL    string        `json:"final_url,omitempty"`
	ExtractURL  string        `json:"extract_url,omitempty"`
	Outcome     model.Outcome `json:"outcome"`
	State       model.State   `json:"state,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	HTTPStatus  int           `json:"http_status,omitempty"`
	ContentType string        `json:"content_type,omitempty"` // the Content-Type header served with the page
	ContentHash string        `json:"content_hash,omitempty"`
	// Exact is the SHA-256 of the Markdown's exact bytes (ContentHash, the
	// object's name, skips some lines); Identity its identity (see
	// identity). Both empty in records written before them.
	Exact       string                `json:"exact,omitempty"`
	Identity    string                `json:"identity,omitempty"`
	Hint        *model.Hint           `json:"hint,omitempty"` // what a listing said of the article (Input.Hint)
	RawSHA      string                `json:"raw_sha,omitempty"`
	Version     int                   `json:"version,omitempty"`
	Extractor   int                   `json:"extractor,omitempty"`
	Stripped    []model.StrippedBlock `json:"stripped,omitempty"`
	ImageErrors map[string]string     `json:"image_errors,omitempty"`
	Error       string                `json:"error,omitempty"`
	// Notes say what became of the readable file when it was not simply
	// written: kept because edited or deleted by hand, new content beside.
	Notes []string `json:"notes,omitempty"`
	Name  string   `json:"-"` // object name of the record
	Hash  string   `json:"-"` // SHA-256 of the record's bytes
}

// Problem is one thing Verify found wrong, or, when Notice is set, worth
// saying without being damage (a readable file edited by hand).
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Notice bool   `json:"notice,omitempty"`
	// tampered: no write, however cut short, leaves this (a head is
	// replaced whole): an interrupted write's journal never excuses it.
	tampered bool
	// cut: what a write cut short after its commit may leave (an index
	// line, a readable file, an alias head not written yet): excused, as
	// a notice, for the keys of a journal no writer holds. Nothing else
	// is: a forged journal must not make damage a notice.
	cut bool
}

func (p Problem) String() string {
	if p.Notice {
		return "notice: " + p.Path + ": " + p.Reason
	}
	return p.Path + ": " + p.Reason
}
