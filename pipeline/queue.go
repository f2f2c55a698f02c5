package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"wxarchive/model"
)

// QueueState is the name of the queue in the archive's state.
const QueueState = "queue.json"

// Item is one queued article.
type Item struct {
	Key       model.Key `json:"key"`
	URL       string    `json:"url"`    // canonical
	Depth     int       `json:"depth"`  // 0 for sources, n for the n-th follow step
	Origin    string    `json:"origin"` // "urls", "url_file:…", "feed:…", "album:…", "follow:<key>"
	Added     time.Time `json:"added"`  // when it was discovered
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	// Biz is the account, when the source knows it and the URL does not
	// say it (a short link found in a followed account's listing).
	Biz string `json:"biz,omitempty"`
	// Hint is what a listing said of the article, kept until it is captured.
	Hint *Hint `json:"hint,omitempty"`
}

// Queue is the persistent list of articles discovered but not yet captured,
// one item per article key, in discovery order. Depths remembers the follow
// depth of articles that were captured through follow, so their own related
// posts are followed one step further only.
type Queue struct {
	Version int               `json:"version"`
	Items   []Item            `json:"items"`
	Depths  map[model.Key]int `json:"depths,omitempty"`
	// Dropped are articles given up after too many failed fetches, with
	// when; sources that still list them do not queue them again (ingest
	// one by hand to retry it).
	Dropped map[model.Key]time.Time `json:"dropped,omitempty"`
	// Albums remembers, per album id, the last article of its listing read
	// through the paged JSON listing, so a pass asks only for what follows.
	Albums map[string]AlbumCursor `json:"albums,omitempty"`
	// Accounts is where each followed account's listing stands, by __biz.
	Accounts map[string]*AccountCursor `json:"accounts,omitempty"`
	// WeRead is what the last passes learnt of the WeRead login.
	WeRead *LoginState `json:"weread,omitempty"`
}

func newQueue() *Queue {
	return &Queue{Version: 1, Depths: map[model.Key]int{}, Dropped: map[model.Key]time.Time{}, Albums: map[string]AlbumCursor{}, Accounts: map[string]*AccountCursor{}}
}

// loadQueue reads the queue from the store; a missing queue is empty.
func loadQueue(s Store) (*Queue, error) {
	data, err := s.ReadState(QueueState)
	if errors.Is(err, fs.ErrNotExist) {
		return newQueue(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: read queue: %w", err)
	}
	q := newQueue()
	if err := json.Unmarshal(data, q); err != nil {
		return nil, fmt.Errorf("pipeline: decode %s: %w", QueueState, err)
	}
	if q.Depths == nil {
		q.Depths = map[model.Key]int{}
	}
	if q.Dropped == nil {
		q.Dropped = map[model.Key]time.Time{}
	}
	if q.Albums == nil {
		q.Albums = map[string]AlbumCursor{}
	}
	if q.Accounts == nil {
		q.Accounts = map[string]*AccountCursor{}
	}
	for biz, c := range q.Accounts {
		if c == nil {
			delete(q.Accounts, biz)
			continue
		}
		c.sanitize()
	}
	return q, nil
}

func (q *Queue) save(s Store) error {
	data, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: encode queue: %w", err)
	}
	if err := s.WriteState(QueueState, append(data, '\n')); err != nil {
		return fmt.Errorf("pipeline: write queue: %w", err)
	}
	return nil
}

// index returns the position of key in the queue, or -1.
func (q *Queue) index(k model.Key) int {
	for i := range q.Items {
		if q.Items[i].Key == k {
			return i
		}
	}
	return -1
}

// Has reports whether the article is queued.
func (q *Queue) Has(k model.Key) bool { return q.index(k) >= 0 }

// add queues an item unless its key is already queued; a shallower depth
// wins. It reports whether a new item was added.
func (q *Queue) add(it Item) bool {
	if i := q.index(it.Key); i >= 0 {
		if it.Depth < q.Items[i].Depth {
			q.Items[i].Depth = it.Depth
		}
		return false
	}
	q.Items = append(q.Items, it)
	return true
}

// remove drops the item with key k.
func (q *Queue) remove(k model.Key) {
	if i := q.index(k); i >= 0 {
		q.Items = append(q.Items[:i], q.Items[i+1:]...)
	}
}
