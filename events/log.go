package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

// LogName is the event log in the archive (archive.Archive.AppendLog).
const LogName = "events.jsonl"

// stateName is the sync state in the archive (archive.Archive.WriteState).
const stateName = "events.json"

// Reader is what reading events needs of the archive.
type Reader interface {
	List() ([]archive.Info, error)
	Captures(key model.Key) ([]archive.CaptureRecord, error)
	Markdown(sum string) ([]byte, error)
	ReadLog(name string) ([]byte, error)   // fs.ErrNotExist when missing
	ReadState(name string) ([]byte, error) // fs.ErrNotExist when missing
}

// Store is what writing events needs of the archive; writers hold its lock.
type Store interface {
	Reader
	AppendLog(name string, line []byte) error
	ReplaceLog(name string, data []byte) error
	WriteState(name string, data []byte) error
}

var _ Store = (*archive.Archive)(nil)

// LogStore is what recording an operational event needs of the archive
// (Record): a pipeline's store without the rest of the archive will do.
type LogStore interface {
	ReadLog(name string) ([]byte, error) // fs.ErrNotExist when missing
	AppendLog(name string, line []byte) error
}

// syncState is how far the log has been synced with the captures.
type syncState struct {
	// Offset is the size of the log at the end of the last sync: events
	// recorded after it are handed out by the next one.
	Offset int64 `json:"log_offset"`
	// Captures is, per article, how many captures have been turned into
	// events; an article whose count differs is derived again.
	Captures map[model.Key]int `json:"captures"`
}

func readState(st Reader) (*syncState, error) {
	b, err := st.ReadState(stateName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events: read sync state: %w", err)
	}
	var s syncState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("events: sync state %s is damaged (delete it to rebuild from the log): %w", stateName, err)
	}
	if s.Captures == nil {
		s.Captures = map[model.Key]int{}
	}
	return &s, nil
}

func writeState(st Store, s *syncState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("events: encode sync state: %w", err)
	}
	if err := st.WriteState(stateName, b); err != nil {
		return fmt.Errorf("events: write sync state: %w", err)
	}
	return nil
}

func readLog(st interface {
	ReadLog(name string) ([]byte, error)
}) ([]byte, error) {
	b, err := st.ReadLog(LogName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events: read log: %w", err)
	}
	return b, nil
}

// parseLog decodes the log's lines; a line torn by a crash or damaged is
// skipped (an article event is derived again by the next sync).
func parseLog(b []byte) []Event {
	var out []Event
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil || ev.ID == "" || !ev.Kind.Valid() {
			continue
		}
		out = append(out, ev)
	}
	return out
}

func ids(evs []Event) map[string]bool {
	m := make(map[string]bool, len(evs))
	for _, ev := range evs {
		m[ev.ID] = true
	}
	return m
}

// derive returns the events of the articles whose capture count differs
// from counts (all articles when counts is nil) that known does not hold,
// and the articles' capture counts. An article that cannot be derived is
// reported in the error and left out of the counts (tried again next time).
func derive(st Reader, counts map[model.Key]int, known map[string]bool) ([]Event, map[model.Key]int, error) {
	list, err := st.List()
	if err != nil {
		return nil, nil, fmt.Errorf("events: list archive: %w", err)
	}
	now := make(map[model.Key]int, len(list))
	var out []Event
	var errs []error
	for _, info := range list {
		if counts != nil && counts[info.Key] == info.Captures {
			now[info.Key] = info.Captures
			continue
		}
		caps, err := st.Captures(info.Key)
		if err != nil {
			errs = append(errs, fmt.Errorf("events: captures of %s: %w", info.Key, err))
			continue
		}
		evs, err := Derive(info, caps, st.Markdown)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, ev := range evs {
			if !known[ev.ID] {
				known[ev.ID] = true
				out = append(out, ev)
			}
		}
		now[info.Key] = info.Captures
	}
	sortEvents(out)
	return out, now, errors.Join(errs...)
}

func sortEvents(evs []Event) {
	slices.SortStableFunc(evs, func(a, b Event) int { return a.Time.Compare(b.Time) })
}

// Load returns every event, oldest first: the log, plus the events of
// captures made since the last sync (derived, not written). It needs no
// lock.
func Load(st Reader) ([]Event, error) {
	b, err := readLog(st)
	if err != nil {
		return nil, err
	}
	logged := parseLog(b)
	s, err := readState(st)
	if err != nil {
		return nil, err
	}
	var counts map[model.Key]int
	if s != nil {
		counts = s.Captures
	}
	fresh, _, err := derive(st, counts, ids(logged))
	all := append(logged, fresh...)
	sortEvents(all)
	return all, err
}

// Synced is what one Sync did.
type Synced struct {
	Logged []Event // article events appended to the log
	// Pass is the events of this pass, to deliver: the article events of
	// the captures made since the last sync and the operational events
	// recorded since. On the first sync of an archive, events older than
	// its start are logged but not delivered (no flood of old history).
	Pass []Event
}

// Sync appends to the log the events of the captures made since the last
// sync and hands this pass's events to enqueue (the outbox) before they are
// marked synced: a crash in between hands them out again (at least once,
// same ids). The caller holds the archive lock. start is when the pass
// began; it only matters on an archive's first sync.
func Sync(st Store, start time.Time, enqueue func([]Event) error) (Synced, error) {
	b, err := readLog(st)
	if err != nil {
		return Synced{}, err
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		// A torn last line: end it, so the next event starts a line.
		if err := st.AppendLog(LogName, nil); err != nil {
			return Synced{}, fmt.Errorf("events: repair log: %w", err)
		}
		b = append(b, '\n')
	}
	logged := parseLog(b)
	s, err := readState(st)
	if err != nil {
		return Synced{}, err
	}
	first := s == nil
	if first {
		s = &syncState{Captures: map[model.Key]int{}}
	}
	var counts map[model.Key]int
	if !first {
		counts = s.Captures
	}
	fresh, now, derr := derive(st, counts, ids(logged))

	var res Synced
	res.Logged = fresh
	if first {
		for _, ev := range append(logged, fresh...) {
			if !ev.Time.Before(start) {
				res.Pass = append(res.Pass, ev)
			}
		}
	} else {
		off := min(max(s.Offset, 0), int64(len(b)))
		res.Pass = append(parseLog(b[off:]), fresh...)
	}
	sortEvents(res.Pass)
	if enqueue != nil && len(res.Pass) > 0 {
		if err := enqueue(res.Pass); err != nil {
			return Synced{}, err
		}
	}
	size := int64(len(b))
	if len(fresh) > 0 {
		var lines bytes.Buffer
		for _, ev := range fresh {
			line, err := json.Marshal(ev)
			if err != nil {
				return Synced{}, fmt.Errorf("events: encode %s: %w", ev.ID, err)
			}
			lines.Write(line)
			lines.WriteByte('\n')
		}
		if err := st.AppendLog(LogName, lines.Bytes()); err != nil {
			return Synced{}, fmt.Errorf("events: append log: %w", err)
		}
		size += int64(lines.Len())
	}
	// Articles that failed to derive keep their old count: tried again.
	for k, n := range now {
		s.Captures[k] = n
	}
	s.Offset = size
	if err := writeState(st, s); err != nil {
		return Synced{}, err
	}
	return res, derr
}

// Op is an operational event to record.
type Op struct {
	Kind    Kind      // model.EventBlocked or model.EventLoginExpired
	Subject string    // the host (blocked) or the account / login (login_expired)
	Reason  string    // why, in a few words; never a secret
	At      time.Time // when it happened; zero: now
	// Once makes the event happen once per distinct value (a cool-down's
	// start, a login's identity); empty: once per Kind, Subject and At.
	Once string
}

// Operational is the event of op, its id derived from its kind, subject
// and Once (else its time).
func Operational(op Op) Event {
	if op.At.IsZero() {
		op.At = time.Now()
	}
	once := op.Once
	if once == "" {
		once = op.At.UTC().Format(time.RFC3339Nano)
	}
	ev := Event{ID: makeID("op", string(op.Kind), op.Subject, once), Kind: op.Kind, Time: op.At,
		Subject: cleanLine(op.Subject, 200), Reason: cleanLine(op.Reason, 300)}
	summarise(&ev)
	return ev
}

// Record appends an operational event to the log, unless one with the same
// id is there already; it is delivered after the pass by Sync. The caller
// holds the archive lock.
func Record(st LogStore, op Op) (Event, bool, error) {
	if !op.Kind.Operational() {
		return Event{}, false, fmt.Errorf("events: record %q: not an operational kind (blocked, login_expired)", op.Kind)
	}
	ev := Operational(op)
	b, err := readLog(st)
	if err != nil {
		return ev, false, err
	}
	if ids(parseLog(b))[ev.ID] {
		return ev, false, nil
	}
	line, err := json.Marshal(ev)
	if err != nil {
		return ev, false, fmt.Errorf("events: encode %s: %w", ev.ID, err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		line = append([]byte{'\n'}, line...)
	}
	if err := st.AppendLog(LogName, line); err != nil {
		return ev, false, fmt.Errorf("events: append log: %w", err)
	}
	return ev, true, nil
}

// Rebuild derives the article events of every article again from its
// captures and replaces the log with them and the operational events it
// held, oldest first. What the last sync handed out counts as synced; the
// events not handed out yet (captures made since the last sync, operational
// events recorded since) are written after the synced part, so the next
// Sync hands them out as it would have without the rebuild. The caller
// holds the archive lock. It returns how many events the log now holds.
func Rebuild(st Store) (int, error) {
	b, err := readLog(st)
	if err != nil {
		return 0, err
	}
	logged := parseLog(b)
	pending, err := unsynced(st, b, logged)
	if err != nil {
		return 0, err
	}
	var all []Event
	for _, ev := range logged {
		if ev.Kind.Operational() {
			all = append(all, ev)
		}
	}
	fresh, now, err := derive(st, nil, map[string]bool{})
	if err != nil {
		return 0, err
	}
	all = append(all, fresh...)
	sortEvents(all)
	var synced, later bytes.Buffer
	for _, ev := range all {
		line, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("events: encode %s: %w", ev.ID, err)
		}
		buf := &synced
		if pending[ev.ID] {
			buf = &later
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	offset := int64(synced.Len())
	synced.Write(later.Bytes())
	if err := st.ReplaceLog(LogName, synced.Bytes()); err != nil {
		return 0, fmt.Errorf("events: replace log: %w", err)
	}
	if err := writeState(st, &syncState{Offset: offset, Captures: now}); err != nil {
		return 0, err
	}
	return len(all), nil
}

// unsynced is the ids of the events the next Sync would hand out: those
// recorded in the log after the last sync, and those of the captures made
// since. Before an archive's first sync there are none (its first sync
// hands out no history).
func unsynced(st Reader, b []byte, logged []Event) (map[string]bool, error) {
	s, err := readState(st)
	if err != nil || s == nil {
		return nil, err
	}
	off := min(max(s.Offset, 0), int64(len(b)))
	out := ids(parseLog(b[off:]))
	fresh, _, err := derive(st, s.Captures, ids(logged))
	if err != nil {
		return nil, err
	}
	for _, ev := range fresh {
		out[ev.ID] = true
	}
	return out, nil
}

// PassReport is what the events of one pass came to, for run's summary.
type PassReport struct {
	Produced  int // events of this pass (article and operational)
	Delivered int // deliveries made (to all destinations, earlier events included)
	Pending   int // deliveries still waiting in the outbox
}
