package archive

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// MemStore is an in-memory Store, for tests and as the second
// implementation that keeps the interface honest.
type MemStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

var (
	_ Store    = (*MemStore)(nil)
	_ Appender = (*MemStore)(nil)
)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{m: map[string][]byte{}} }

func (s *MemStore) Put(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = append([]byte(nil), data...)
	return nil
}

func (s *MemStore) PutIfAbsent(name string, data []byte) (bool, error) {
	if err := checkName(name); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[name]; ok {
		return false, nil
	}
	s.m[name] = append([]byte(nil), data...)
	return true, nil
}

func (s *MemStore) Get(name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[name]
	if !ok {
		return nil, fmt.Errorf("archive: get %s: %w", name, fs.ErrNotExist)
	}
	return append([]byte(nil), b...), nil
}

func (s *MemStore) List(prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for n := range s.m {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (s *MemStore) Delete(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, name)
	return nil
}

func (s *MemStore) Append(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = append(s.m[name], data...)
	return nil
}

var _ Mover = (*MemStore)(nil)

// Move renames the name from, or every name under the folder from, to to.
func (s *MemStore) Move(from, to string) error {
	if err := checkName(from); err != nil {
		return err
	}
	if err := checkName(to); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	moved := map[string][]byte{}
	for n, b := range s.m {
		switch {
		case n == from:
			moved[to] = b
		case strings.HasPrefix(n, from+"/"):
			moved[to+n[len(from):]] = b
		default:
			continue
		}
	}
	for n := range moved {
		if _, ok := s.m[n]; ok {
			return fmt.Errorf("archive: move %s: %s exists: %w", from, n, fs.ErrExist)
		}
	}
	for n := range s.m {
		if n == from || strings.HasPrefix(n, from+"/") {
			delete(s.m, n)
		}
	}
	for n, b := range moved {
		s.m[n] = b
	}
	return nil
}

// Exists reports whether name exists.
func (s *MemStore) Exists(name string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[name]
	return ok, nil
}
