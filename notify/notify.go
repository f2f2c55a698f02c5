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

// DefaultMaxBackoff caps the waiting between retries of one destination in
// one delivery round: a webhook that is down does not hold a pass long.
const DefaultMaxBackoff = time.Minute

// DefaultMaxPending caps a destination's queue when the configuration does
// not.
const DefaultMaxPending = 1000

// maxRejections is how many passes a refused event is offered before it is
// dropped.
const maxRejections = 3

// maxFailedPasses is how many passes an event may fail on while the
// destination is otherwise reachable (the next event goes through) before
// it counts as refused and is dropped: one event a hook chokes on must not
// block the destination for good.
const maxFailedPasses = 3

// maxRefusals is how many dropped events a destination's queue remembers.
const maxRefusals = 50

type outbox struct {
	Queues map[string]*queue `json:"queues"`
}

type queue struct {
	Label   string    `json:"label"`
	Pending []pending `json:"pending"`
	Dropped int       `json:"dropped,omitempty"` // events dropped over max_pending or refused
	// Refused are the last events dropped as refused, for the user to look
	// into (the newest last).
	Refused []refusal `json:"refused,omitempty"`
}

type pending struct {
	Event     events.Event `json:"event"`
	Attempts  int          `json:"attempts,omitempty"`
	Rejected  int          `json:"rejected,omitempty"` // passes it was refused on
	Failed    int          `json:"failed,omitempty"`   // passes it failed on (temporary failures)
	LastError string       `json:"last_error,omitempty"`
}

// refusal is an event a destination refused, dropped from its queue.
type refusal struct {
	ID      string      `json:"id"`
	Kind    events.Kind `json:"kind"`
	Dropped time.Time   `json:"dropped"`
	Error   string      `json:"error"`
}

// drop removes the i-th pending event as refused and returns why.
func (q *queue) drop(i int, now time.Time) refusal {
	p := q.Pending[i]
	q.Pending = append(q.Pending[:i], q.Pending[i+1:]...)
	return refusal{ID: p.Event.ID, Kind: p.Event.Kind, Dropped: now, Error: p.LastError}
}

// addRefusal counts a dropped event and remembers the last ones.
func (q *queue) addRefusal(r refusal) {
	q.Dropped++
	q.Refused = append(q.Refused, r)
	if over := len(q.Refused) - maxRefusals; over > 0 {
		q.Refused = append([]refusal(nil), q.Refused[over:]...)
	}
}

// Notifier keeps the outbox and delivers it.
type Notifier struct {
	Store      StateStore
	Dests      []Destination
	MaxPending int           // per destination; 0: DefaultMaxPending
	Log        *slog.Logger  // nil: discard
	Backoff    time.Duration // first wait between attempts in a pass; 0: 1s, doubling
	// MaxBackoff caps the waits between attempts of one destination in one
	// delivery round, whatever its retries; 0: DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Lock guards the outbox against other processes for the instant it is
	// read and written (delivery itself runs without the archive lock);
	// nil: no locking.
	Lock func() (unlock func(), err error)
	// Sleep waits between attempts; nil: a timer that ctx cancels.
	Sleep func(ctx context.Context, d time.Duration) error
	// Redact lists strings never to log (secrets, webhook URLs).
	Redact []string
	Now    func() time.Time // nil: time.Now
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
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
	unlock, err := n.lock()
	if err != nil {
		return err
	}
	defer unlock()
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

// lock takes the outbox lock (Notifier.Lock), if any.
func (n *Notifier) lock() (func(), error) {
	if n.Lock == nil {
		return func() {}, nil
	}
	unlock, err := n.Lock()
	if err != nil {
		return nil, fmt.Errorf("notify: lock outbox: %w", err)
	}
	return unlock, nil
}

// Report is what one delivery round did.
type Report struct {
	Delivered int // deliveries made (an event sent to two destinations counts twice)
	Pending   int // deliveries still waiting in the outbox
}

// Deliver sends every queued event, oldest first, destination by
// destination. It needs no archive lock: it works on a copy of the outbox
// and writes what became of each event into the outbox as it is then
// (under Notifier.Lock), so events queued meanwhile by another process are
// kept. An event leaves the outbox only after it was delivered (a crash in
// between delivers it again, with the same id). A destination that is down
// is left for the next pass after its retries, which wait MaxBackoff at
// most in all; its events stay queued. The error is for an outbox that
// cannot be read or written.
func (n *Notifier) Deliver(ctx context.Context) (Report, error) {
	var r Report
	unlock, err := n.lock()
	if err != nil {
		return r, err
	}
	o, err := n.load()
	unlock()
	if err != nil {
		return r, err
	}
	for _, d := range n.Dests {
		q := o.Queues[d.ID()]
		if q == nil || len(q.Pending) == 0 {
			continue
		}
		delivered, err := n.deliverQueue(ctx, q, d)
		r.Delivered += delivered
		if err != nil {
			return r, err
		}
	}
	// What waits now, whoever queued it.
	unlock, err = n.lock()
	if err != nil {
		return r, err
	}
	defer unlock()
	if o, err = n.load(); err != nil {
		return r, err
	}
	for _, d := range n.Dests {
		if q := o.Queues[d.ID()]; q != nil {
			r.Pending += len(q.Pending)
		}
	}
	return r, nil
}

// commit writes into the outbox what became of the events ids of
// destination id: those still pending in q are updated (attempts, errors),
// the others removed (delivered or dropped); refused are added to its
// refusals. Events the outbox holds that q does not know (queued since)
// are kept.
func (n *Notifier) commit(id string, q *queue, ids []string, refused []refusal) error {
	unlock, err := n.lock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := n.load()
	if err != nil {
		return err
	}
	fq := o.Queues[id]
	if fq == nil {
		return nil // the destination is no longer configured
	}
	mine := map[string]pending{}
	for _, p := range q.Pending {
		mine[p.Event.ID] = p
	}
	touched := map[string]bool{}
	for _, i := range ids {
		touched[i] = true
	}
	keep := fq.Pending[:0:0]
	for _, p := range fq.Pending {
		if touched[p.Event.ID] {
			var ok bool
			if p, ok = mine[p.Event.ID]; !ok {
				continue // delivered or dropped
			}
		}
		keep = append(keep, p)
	}
	fq.Pending = keep
	for _, r := range refused {
		fq.addRefusal(r)
	}
	return n.save(o)
}

func (n *Notifier) deliverQueue(ctx context.Context, q *queue, d Destination) (int, error) {
	log := n.log().With("destination", d.Label())
	delivered := 0
	backoff := n.MaxBackoff
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	for i := 0; i < len(q.Pending); {
		if ctx.Err() != nil {
			return delivered, nil
		}
		p := &q.Pending[i]
		id := p.Event.ID
		body, err := json.Marshal(p.Event)
		if err != nil {
			return delivered, fmt.Errorf("notify: encode event %s: %w", id, err)
		}
		err = n.attempt(ctx, d, p, body, &backoff)
		if err == nil {
			ev := p.Event
			q.Pending = append(q.Pending[:i], q.Pending[i+1:]...)
			delivered++
			log.Debug("notify: delivered", "event", ev.ID, "kind", ev.Kind)
			if err := n.commit(d.ID(), q, []string{id}, nil); err != nil {
				return delivered, err
			}
			continue
		}
		msg := n.redact(err.Error())
		p.LastError = msg
		var se *SendError
		if errors.As(err, &se) && se.Permanent {
			p.Rejected++
			var refused []refusal
			if p.Rejected >= maxRejections {
				log.Warn("notify: the destination refused an event on three passes: dropped", "event", id, "kind", p.Event.Kind, "err", msg)
				refused = append(refused, q.drop(i, n.now())) // p is not used after this.
			} else {
				log.Warn("notify: the destination refused an event: offered again next pass", "event", id, "kind", p.Event.Kind, "err", msg)
				i++
			}
			if err := n.commit(d.ID(), q, []string{id}, refused); err != nil {
				return delivered, err
			}
			continue
		}
		if ctx.Err() != nil {
			return delivered, n.commit(d.ID(), q, []string{id}, nil)
		}
		p.Failed++
		if p.Failed >= maxFailedPasses && i+1 < len(q.Pending) {
			// It failed on several passes: is it this event, or the
			// destination? Offer the next one, once.
			next := &q.Pending[i+1]
			nid := next.Event.ID
			nbody, err := json.Marshal(next.Event)
			if err != nil {
				return delivered, fmt.Errorf("notify: encode event %s: %w", nid, err)
			}
			next.Attempts++
			if perr := d.Send(ctx, next.Event, nbody); perr == nil {
				log.Warn("notify: the destination takes other events but failed on this one on several passes: dropped as refused",
					"event", id, "kind", p.Event.Kind, "passes", p.Failed, "err", msg)
				log.Debug("notify: delivered", "event", nid, "kind", next.Event.Kind)
				q.Pending = append(q.Pending[:i+1], q.Pending[i+2:]...) // next: delivered
				delivered++
				r := q.drop(i, n.now())
				if err := n.commit(d.ID(), q, []string{id, nid}, []refusal{r}); err != nil {
					return delivered, err
				}
				continue
			}
		}
		log.Warn("notify: destination unreachable or failing: its events wait for the next pass", "pending", len(q.Pending), "err", msg)
		return delivered, n.commit(d.ID(), q, []string{id}, nil)
	}
	return delivered, nil
}

// attempt sends with the destination's retries for temporary failures,
// waiting between them no more than what is left of backoff (the
// destination's waiting time for this pass), which it reduces.
func (n *Notifier) attempt(ctx context.Context, d Destination, p *pending, body []byte, backoff *time.Duration) error {
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
		if wait > *backoff {
			return err // the pass's waiting time for it is used up
		}
		*backoff -= wait
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
