package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"wxarchive/model"
)

// recover finishes what a crashed writer left, under the lock: it removes
// a capture record no head committed, writes the readable files and index
// lines of the heads the journal names, the alias pointers of joined short
// links, and rebuilds a missing or damaged index. A journal that cannot be
// read (damaged) makes it do the same for every head. Idempotent.
func (a *Archive) recover() error {
	b, err := a.store.Get(a.n.intent)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return a.maintainIndex()
	case err != nil:
		return fmt.Errorf("archive: recover: %w", err)
	}
	var it intent
	if err := json.Unmarshal(b, &it); err != nil {
		a.log.Warn("archive: the journal is damaged; checking every article", "file", a.n.intent, "err", err)
		if err := a.finishAll(); err != nil {
			return err
		}
		return a.store.Delete(a.n.intent)
	}
	// The record was written, the head that commits it was not.
	if err := a.dropUncommitted(&it); err != nil {
		return err
	}
	for _, k := range it.Keys {
		h, err := a.loadHead(k)
		if err != nil {
			return fmt.Errorf("archive: recover %s: %w", k, err)
		}
		if h == nil {
			continue
		}
		if err := a.finishKey(h); err != nil {
			return err
		}
	}
	a.log.Info("archive: finished an interrupted write", "keys", it.Keys)
	if err := a.store.Delete(a.n.intent); err != nil {
		return err
	}
	return a.maintainIndex()
}

// finishKey writes what a committed head implies.
func (a *Archive) finishKey(h *head) error {
	k := h.Key
	for _, ak := range h.Aliases {
		ah, err := a.loadHead(ak)
		if err != nil {
			return err
		}
		if ah == nil {
			ah = &head{Info: Info{Key: ak}}
		}
		if ah.AliasOf != k {
			ah.AliasOf = k
			if err := a.putHead(ah); err != nil {
				return err
			}
			if err := a.appendIndex(ah, nil); err != nil {
				return err
			}
		}
	}
	if err := a.finishReadable(h); err != nil {
		a.log.Warn("archive: readable file still not written", "key", k, "err", err)
		return fmt.Errorf("archive: recover %s: %w", k, err)
	}
	return a.appendIndex(h, nil)
}

// finishAll runs finishKey over every head and rebuilds the index.
func (a *Archive) finishAll() error {
	names, err := a.store.List(a.n.heads)
	if err != nil {
		return err
	}
	for _, n := range names {
		h, err := a.loadHead(keyOfHead(a.n.heads, n))
		if err != nil {
			return err
		}
		if h != nil && h.AliasOf == "" {
			if err := a.finishReadable(h); err != nil {
				return err
			}
		}
	}
	return a.Reindex()
}

func keyOfHead(dir, name string) model.Key {
	s := name[len(dir):]
	return model.Key(s[:len(s)-len(".json")])
}
