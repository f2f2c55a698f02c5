package search

import (
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

// ChangeKind is what happened to an article at one capture.
type ChangeKind string

const (
	ChangeNew         ChangeKind = "new"         // first version
	ChangeEdited      ChangeKind = "edited"      // a new version
	ChangeDeleted     ChangeKind = "deleted"     // deleted by its author
	ChangeViolation   ChangeKind = "violation"   // removed (violation, complaint, account gone)
	ChangeUnavailable ChangeKind = "unavailable" // no longer shown (temporarily, or not an article)
	ChangeRestored    ChangeKind = "restored"    // readable again after one of the above
)

// Change is one event of an article's history.
type Change struct {
	Key     model.Key  `json:"key"`
	Time    time.Time  `json:"time"`
	Kind    ChangeKind `json:"kind"`
	Version int        `json:"version,omitempty"`
}

// History derives an article's changes from its captures (in recorded
// order), the last time it was seen alive, and since when it has been in
// its current non-article state (zero while it is alive). Failed, blocked
// and expired captures say nothing about the article and are skipped;
// a state is reported once, when it begins.
func History(caps []archive.CaptureRecord) (changes []Change, alive, since time.Time) {
	var gone ChangeKind // the non-article state the article is in, "" while alive
	seen := false       // seen alive at least once
	for _, c := range caps {
		var kind ChangeKind
		switch c.Outcome {
		case model.OutcomeCreated:
			kind = ChangeNew
		case model.OutcomeUpdated:
			kind = ChangeEdited
		case model.OutcomeUnchanged:
			if gone != "" {
				kind = ChangeRestored
			}
		case model.OutcomeDeleted:
			kind = ChangeDeleted
		case model.OutcomeViolation:
			kind = ChangeViolation
		case model.OutcomeUnavailable:
			kind = ChangeUnavailable
		default:
			continue
		}
		switch c.Outcome {
		case model.OutcomeCreated, model.OutcomeUpdated, model.OutcomeUnchanged:
			// Back with new content is an edit (it says more than restored).
			if kind == ChangeNew && seen {
				kind = ChangeEdited
			}
			gone, since, alive, seen = "", time.Time{}, c.Time, true
		default:
			if kind == gone {
				continue // still in the same state
			}
			gone, since = kind, c.Time
		}
		if kind != "" {
			changes = append(changes, Change{Key: c.Key, Time: c.Time, Kind: kind, Version: c.Version})
		}
	}
	return changes, alive, since
}
