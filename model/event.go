package model

// EventKind is what an event says happened. Article events are derived from
// the captures; operational events (blocked, login_expired) are only
// recorded when they happen.
type EventKind string

const (
	EventNew          EventKind = "new"           // first readable version of an article
	EventEdited       EventKind = "edited"        // the article's text changed
	EventDeleted      EventKind = "deleted"       // deleted by its author
	EventViolation    EventKind = "violation"     // removed: violation, complaint, account gone
	EventUnavailable  EventKind = "unavailable"   // no longer shown (temporarily, or a parameter error)
	EventRestored     EventKind = "restored"      // readable again after one of the three above
	EventBlocked      EventKind = "blocked"       // WeChat refused us: a host started cooling down
	EventLoginExpired EventKind = "login_expired" // a followed account's login (WeRead) expired
)

// EventKinds lists every event kind, article events first.
func EventKinds() []EventKind {
	return []EventKind{EventNew, EventEdited, EventDeleted, EventViolation, EventUnavailable, EventRestored,
		EventBlocked, EventLoginExpired}
}

// Operational reports whether events of this kind are recorded rather than
// derived from captures.
func (k EventKind) Operational() bool { return k == EventBlocked || k == EventLoginExpired }

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool {
	for _, v := range EventKinds() {
		if k == v {
			return true
		}
	}
	return false
}
