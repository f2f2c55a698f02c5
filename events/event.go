package events

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

// Kind is what an event says happened; see model.EventKind.
type Kind = model.EventKind

// Event is one change. It is what `changes --json` prints, what a webhook
// receives as its body and an exec hook on its stdin.
type Event struct {
	ID      string      `json:"id"`   // stable: the same capture always gives the same id
	Kind    Kind        `json:"kind"` // new, edited, deleted, …
	Time    time.Time   `json:"time"` // when it happened: the capture's time, or when recorded
	Key     model.Key   `json:"key,omitempty"`
	Title   string      `json:"title,omitempty"`
	Account string      `json:"account,omitempty"`
	URL     string      `json:"url,omitempty"`     // the article's canonical URL
	Version int         `json:"version,omitempty"` // the version the capture made or matched
	State   model.State `json:"state,omitempty"`   // the page's state at the capture
	Reason  string      `json:"reason,omitempty"`  // the page's own words, or why (operational)
	Subject string      `json:"subject,omitempty"` // operational: the host or account concerned
	Edit    *Edit       `json:"edit,omitempty"`    // edited: what changed
	Summary string      `json:"summary"`           // one line for people
}

// Edit summarises an edit: characters are counted in runes (Chinese has no
// spaces, so the comparison is character by character).
type Edit struct {
	From     int    `json:"from,omitempty"` // previous version
	To       int    `json:"to,omitempty"`   // new version
	Changed  int    `json:"changed"`        // characters inserted plus deleted
	Inserted int    `json:"inserted"`
	Deleted  int    `json:"deleted"`
	Sentence string `json:"sentence,omitempty"` // the first changed sentence
	Removed  bool   `json:"removed,omitempty"`  // Sentence is from the previous version: text taken out
}

// makeID is a stable id for the parts: an RFC 9562 version 8 UUID built
// from their SHA-256, so receivers and Atom readers get a standard form.
func makeID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x80 // version 8
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	x := hex.EncodeToString(b)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// label is a kind as people read it.
func label(k Kind) string {
	switch k {
	case model.EventNew:
		return "New"
	case model.EventEdited:
		return "Edited"
	case model.EventDeleted:
		return "Deleted"
	case model.EventViolation:
		return "Removed"
	case model.EventUnavailable:
		return "Unavailable"
	case model.EventRestored:
		return "Restored"
	case model.EventBlocked:
		return "Blocked"
	case model.EventLoginExpired:
		return "Login expired"
	}
	return string(k)
}

// summarise fills ev.Summary.
func summarise(ev *Event) {
	name := ev.Title
	if name == "" {
		name = string(ev.Key)
	}
	var s string
	switch ev.Kind {
	case model.EventNew:
		s = "new article: " + name
	case model.EventEdited:
		s = "edited: " + name
		if e := ev.Edit; e != nil {
			s += fmt.Sprintf(" (%d characters changed", e.Changed)
			switch {
			case e.Sentence != "" && e.Removed:
				s += "; removed: " + e.Sentence
			case e.Sentence != "":
				s += "; " + e.Sentence
			}
			s += ")"
		}
	case model.EventDeleted:
		s = "deleted by its author: " + name
	case model.EventViolation:
		s = "removed (violation or complaint): " + name
	case model.EventUnavailable:
		s = "unavailable: " + name
	case model.EventRestored:
		s = "readable again: " + name
	case model.EventBlocked:
		s = "blocked by " + ev.Subject + ": no more fetches from it until the cool-down ends"
	case model.EventLoginExpired:
		s = "login expired: " + ev.Subject + ": log in again"
	default:
		s = string(ev.Kind) + ": " + name
	}
	if ev.Reason != "" && ev.Kind != model.EventEdited && ev.Kind != model.EventNew && ev.Kind != model.EventRestored {
		s += " (" + ev.Reason + ")"
	}
	ev.Summary = cleanLine(s, 300)
}

// cleanLine is s as one terminal-safe line (textsafe.Line: controls and
// bidi overrides dropped, white space folded, so a hostile title cannot
// break a line, a table or a terminal), cut at max runes with "…".
func cleanLine(s string, max int) string {
	s = textsafe.Line(s)
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
