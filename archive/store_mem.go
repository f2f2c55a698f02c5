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
