package pipeline

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"
)

// EventLog is the archive log (logs/events.jsonl) operational events are
// appended to, one JSON Event a line, until the events store of the alerts
// issue takes them over.
const EventLog = "events.jsonl"

// EventLoginExpired is recorded once per login WeRead refuses.
const EventLoginExpired = "login_expired"

// Event is an operational event: what captures do not carry and the
// alerts must deliver.
type Event struct {
	ID      string    `json:"id"` // unique, for receivers to drop duplicates
	Kind    string    `json:"kind"`
	Time    time.Time `json:"time"`
	Source  string    `json:"source,omitempty"`
	Message string    `json:"message"`
}

// EventRecorder stores events; the events store of the alerts issue will
// implement it.
type EventRecorder interface {
	RecordEvent(Event) error
}

// LogEvents appends events to the archive's EventLog through Store.
type LogEvents struct{ Store Store }

var _ EventRecorder = LogEvents{}

// RecordEvent appends e, giving it an id when it has none.
func (l LogEvents) RecordEvent(e Event) error {
	if e.ID == "" {
		e.ID = rand.Text()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("pipeline: encode event: %w", err)
	}
	if err := l.Store.AppendLog(EventLog, data); err != nil {
		return fmt.Errorf("pipeline: append event: %w", err)
	}
	return nil
}

func (ps *pass) events() EventRecorder {
	if ps.p.Events != nil {
		return ps.p.Events
	}
	return LogEvents{Store: ps.p.Store}
}
