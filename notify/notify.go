package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"wxarchive/events"
	"wxarchive/model"
)

// Destination is one place events go.
type Destination interface {
	// ID names the destination's queue in the outbox: stable across runs,
	// derived from what it is, never holding a secret.
	ID() string
	// Label names it in logs: no secret, no token.
	Label() string
	// Wants reports whether events of kind k go there.
	Wants(k model.EventKind) bool
	// Send makes one attempt to deliver ev, whose JSON is body.
	Send(ctx context.Context, ev events.Event, body []byte) error
	// Retries is how many more attempts a temporary failure gets within a
	// pass.
	Retries() int
}

// SendError is a failed delivery. Permanent: the receiver refused this
// event (retrying at once will not help); otherwise the destination is
// down. Msg holds no secret.
type SendError struct {
	Permanent bool
	Msg       string
}

func (e *SendError) Error() string { return e.Msg }

// StateStore is where the outbox lives: the archive's state.
type StateStore interface {
	ReadState(name string) ([]byte, error) // fs.ErrNotExist when missing
	WriteState(name string, data []byte) error
}

// outboxName is the outbox in the archive's state.
const outboxName = "outbox.json"

// DefaultMaxPending caps a destination's queue when the configuration does
// not.
const DefaultMaxPending = 1000

// maxRejections is how many passes a refused event is offered before it is
// dropped.
const maxRejections = 3

type outbox struct {
	Queues map[string]*queue `json:"queues"`
}

type queue struct {
	Label   string    `json:"label"`
	Pending []pending `json:"pending"`
	Dropped int       `json:"dropped,omitempty"` // events dropped over max_pending or refused
}

type pending struct {
	Event     events.Event `json:"event"`
	Attempts  int          `json:"attempts,omitempty"`
	Rejected  int          `json:"rejected,omitempty"`
	LastError string       `json:"last_error,omitempty"`
}

// Notifier keeps the outbox and delivers it.
type Notifier struct {
	Store      StateStore
	Dests      []Destination
	MaxPending int           // per destination; 0: DefaultMaxPending
	Log        *slog.Logger  // nil: discard
	Backoff    time.Duration // first wait between attempts in a pass; 0: 1s, doubling
	// Sleep waits between attempts; nil: a timer that ctx cancels.
	Sleep func(ctx context.Context, d time.Duration) error
	// Redact lists strings never to log (secrets, webhook URLs).
	Redact []string
}

func (n *Notifier) log() *slog.Logger {
	if n.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Log
}

func (n *Notifier) load() (*outbox, error) {
	b, err := n.Store.ReadState(outboxName)
	if errors.Is(err, fs.ErrNotExist) {
		return &outbox{Queues: map[string]*queue{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notify: read outbox: %w", err)
	}
	var o outbox
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("notify: outbox %s is damaged: %w", outboxName, err)
	}
	if o.Queues == nil {
		o.Queues = map[string]*queue{}
	}
	return &o, nil
}

func (n *Notifier) save(o *outbox) error {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("notify: encode outbox: %w", err)
	}
	if err := n.Store.WriteState(outboxName, b); err != nil {
		return fmt.Errorf("notify: write outbox: %w", err)
	}
	return nil
}

// Enqueue adds events to the queue of every destination that wants them
// (an event already queued is not added twice) and saves the outbox. The
// queues of destinations no longer configured are dropped.
func (n *Notifier) Enqueue(evs []events.Event) error {
	o, err := n.load()
	if err != nil {
		return err
	}
	max := n.MaxPending
	if max <= 0 {
		max = DefaultMaxPending
	}
	live := map[string]bool{}
	for _, d := range n.Dests {
		live[d.ID()] = true
		q := o.Queues[d.ID()]
		if q == nil {
			q = &queue{}
			o.Queues[d.ID()] = q
		}
		q.Label = d.Label()
		have := map[string]bool{}
		for _, p := range q.Pending {
			have[p.Event.ID] = true
		}
		for _, ev := range evs {
			if d.Wants(ev.Kind) && !have[ev.ID] {
				have[ev.ID] = true
				q.Pending = append(q.Pending, pending{Event: ev})
			}
		}
		if over := len(q.Pending) - max; over > 0 {
			n.log().Warn("notify: too many undelivered events: the oldest are dropped", "destination", d.Label(), "dropped", over, "max_pending", max)
			q.Pending = append([]pending(nil), q.Pending[over:]...)
			q.Dropped += over
		}
	}
	for id, q := range o.Queues {
		if !live[id] {
			if len(q.Pending) > 0 {
				n.log().Warn("notify: destination no longer configured: its undelivered events are dropped", "destination", q.Label, "events", len(q.Pending))
			}
			delete(o.Queues, id)
		}
	}
	return n.save(o)
}

// Report is what one delivery round did.
type Report struct {
	Delivered int // deliveries made (an event sent to two destinations counts twice)
	Pending   int // deliveries still waiting in the outbox
}

// Deliver sends every queued event, oldest first, destination by
// destination. An event leaves the outbox only after it was delivered (a
// crash in between delivers it again, with the same id). A destination that
// is down is left for the next pass after its retries; its events stay
// queued. The error is for an outbox that cannot be read or written.
func (n *Notifier) Deliver(ctx context.Context) (Report, error) {
	var r Report
	o, err := n.load()
	if err != nil {
		return r, err
	}
	for _, d := range n.Dests {
		q := o.Queues[d.ID()]
		if q == nil || len(q.Pending) == 0 {
			continue
		}
		delivered, err := n.deliverQueue(ctx, o, q, d)
		r.Delivered += delivered
		if err != nil {
			return r, err
		}
	}
	for _, q := range o.Queues {
		r.Pending += len(q.Pending)
	}
	return r, nil
}

func (n *Notifier) deliverQueue(ctx context.Context, o *outbox, q *queue, d Destination) (int, error) {
	log := n.log().With("destination", d.Label())
	delivered := 0
	for i := 0; i < len(q.Pending); {
		if ctx.Err() != nil {
			return delivered, nil
		}
		p := &q.Pending[i]
		body, err := json.Marshal(p.Event)
		if err != nil {
			return delivered, fmt.Errorf("notify: encode event %s: %w", p.Event.ID, err)
		}
		err = n.attempt(ctx, d, p, body)
		if err == nil {
			ev := p.Event
			q.Pending = append(q.Pending[:i], q.Pending[i+1:]...)
			delivered++
			log.Debug("notify: delivered", "event", ev.ID, "kind", ev.Kind)
			if err := n.save(o); err != nil {
				return delivered, err
			}
			continue
		}
		msg := n.redact(err.Error())
		p.LastError = msg
		var se *SendError
		if errors.As(err, &se) && se.Permanent {
			p.Rejected++
			if p.Rejected >= maxRejections {
				log.Warn("notify: the destination refused an event on three passes: dropped", "event", p.Event.ID, "kind", p.Event.Kind, "err", msg)
				// p is not used after this.
				q.Pending = append(q.Pending[:i], q.Pending[i+1:]...)
				q.Dropped++
			} else {
				log.Warn("notify: the destination refused an event: offered again next pass", "event", p.Event.ID, "kind", p.Event.Kind, "err", msg)
				i++
			}
			if err := n.save(o); err != nil {
				return delivered, err
			}
			continue
		}
		if ctx.Err() != nil {
			return delivered, n.save(o)
		}
		log.Warn("notify: destination unreachable: its events wait for the next pass", "pending", len(q.Pending), "err", msg)
		return delivered, n.save(o)
	}
	return delivered, nil
}

// attempt sends with the destination's retries for temporary failures.
func (n *Notifier) attempt(ctx context.Context, d Destination, p *pending, body []byte) error {
	wait := n.Backoff
	if wait <= 0 {
		wait = time.Second
	}
	sleep := n.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	for try := 0; ; try++ {
		p.Attempts++
		err := d.Send(ctx, p.Event, body)
		var se *SendError
		if err == nil || (errors.As(err, &se) && se.Permanent) || try >= d.Retries() || ctx.Err() != nil {
			return err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return err
		}
		wait *= 2
	}
}

// redact replaces every configured secret in s.
func (n *Notifier) redact(s string) string {
	for _, r := range n.Redact {
		if len(r) >= 4 {
			s = strings.ReplaceAll(s, r, "[redacted]")
		}
	}
	return s
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// kindSet is an event filter: empty wants every kind.
type kindSet map[model.EventKind]bool

func newKindSet(kinds []string) kindSet {
	s := kindSet{}
	for _, k := range kinds {
		s[model.EventKind(k)] = true
	}
	return s
}

func (s kindSet) wants(k model.EventKind) bool { return len(s) == 0 || s[k] }
