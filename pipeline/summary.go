package pipeline

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"wxarchive/model"
)

// RunLog is the name of the run log in the archive: one JSON Summary a line.
const RunLog = "runs.jsonl"

// Summary counts what one pass did.
type Summary struct {
	Started     time.Time     `json:"started"`
	Duration    time.Duration `json:"duration_ns"`
	Discovered  int           `json:"discovered"` // new items queued
	Fetched     int           `json:"fetched"`    // capture attempts
	Rechecked   int           `json:"rechecked"`  // of which rechecks
	Created     int           `json:"created"`
	Updated     int           `json:"updated"`
	Unchanged   int           `json:"unchanged"`
	Deleted     int           `json:"deleted"`     // deleted, violation, account gone
	Unavailable int           `json:"unavailable"` // unavailable, expired, not an article
	Blocked     int           `json:"blocked"`
	Failed      int           `json:"failed"`
	Dropped     int           `json:"dropped"` // queue items given up after too many failures
	Skipped     int           `json:"skipped"` // not fetched: host cooling down
	Queued      int           `json:"queued"`  // items left in the queue
	SourceErrs  int           `json:"source_errors"`
	Events      int           `json:"events"`                 // change and operational events of this pass
	Delivered   int           `json:"delivered"`              // event deliveries made (webhooks, exec hooks)
	Undelivered int           `json:"undelivered,omitempty"`  // deliveries waiting in the outbox
	EventErrs   int           `json:"event_errors,omitempty"` // events that could not be derived, recorded or queued
	Listings    int           `json:"listings,omitempty"`     // account listing pages requested (WeRead)
	Interrupted bool          `json:"interrupted,omitempty"`
	Inbox       int           `json:"inbox,omitempty"`   // saved pages ingested from sources.saved
	Written     []string      `json:"written,omitempty"` // articles created or changed (readable paths, relative to the archive)
	// Notes are lines the user must read (a WeRead login that expired),
	// printed under the summary line.
	Notes []string `json:"notes,omitempty"`
}

func (s *Summary) count(o model.Outcome) {
	switch o {
	case model.OutcomeCreated:
		s.Created++
	case model.OutcomeUpdated:
		s.Updated++
	case model.OutcomeUnchanged, model.OutcomeRerendered, model.OutcomeEarlier: // no edit
		s.Unchanged++
	case model.OutcomeDeleted, model.OutcomeViolation:
		s.Deleted++
	case model.OutcomeUnavailable, model.OutcomeExpired:
		s.Unavailable++
	case model.OutcomeBlocked:
		s.Blocked++
	default:
		s.Failed++
	}
}

// String is the one-line summary printed on stdout.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run: discovered=%d fetched=%d created=%d updated=%d unchanged=%d deleted=%d unavailable=%d blocked=%d failed=%d skipped=%d dropped=%d queued=%d events=%d delivered=%d duration=%s",
		s.Discovered, s.Fetched, s.Created, s.Updated, s.Unchanged, s.Deleted, s.Unavailable, s.Blocked, s.Failed, s.Skipped, s.Dropped, s.Queued, s.Events, s.Delivered, s.Duration.Round(time.Millisecond))
	if s.SourceErrs > 0 {
		fmt.Fprintf(&b, " source_errors=%d", s.SourceErrs)
	}
	if s.Inbox > 0 {
		fmt.Fprintf(&b, " inbox=%d", s.Inbox)
	}
	if s.Undelivered > 0 {
		fmt.Fprintf(&b, " undelivered=%d", s.Undelivered)
	}
	if s.EventErrs > 0 {
		fmt.Fprintf(&b, " event_errors=%d", s.EventErrs)
	}
	if s.Listings > 0 {
		fmt.Fprintf(&b, " listings=%d", s.Listings)
	}
	if s.Interrupted {
		b.WriteString(" interrupted")
	}
	for _, n := range s.Notes {
		b.WriteString("\n" + n)
	}
	return b.String()
}

// JSON is the summary as one line of the run log.
func (s Summary) JSON() []byte {
	data, _ := json.Marshal(s) // plain struct: cannot fail
	return data
}
