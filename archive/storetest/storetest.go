// Package storetest is the conformance suite every archive.Store backend
// must pass: call Run from the backend's tests.
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"testing"
)

// Store is the interface under test (the same as archive.Store; declared
// here so the archive package can run the suite from its own tests).
type Store interface {
	Put(name string, data []byte) error
	PutIfAbsent(name string, data []byte) (bool, error)
	Get(name string) ([]byte, error)
	List(prefix string) ([]string, error)
	Delete(name string) error
}

// Run runs the suite; newStore returns a fresh, empty store.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get("objects/none"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Get missing: err = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("PutGet", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"a", "x/y/z.json", "articles/公众号/2024-01-02 标题 (2).md"} {
			data := []byte("content of " + name)
			if err := s.Put(name, data); err != nil {
				t.Fatalf("Put %q: %v", name, err)
			}
			got, err := s.Get(name)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Get %q = %q, %v; want %q", name, got, err, data)
			}
		}
	})
	t.Run("PutReplaces", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, "h", "one")
		mustPut(t, s, "h", "two")
		if got, _ := s.Get("h"); string(got) != "two" {
			t.Fatalf("Get after replace = %q", got)
		}
	})
	t.Run("PutEmpty", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, "empty", "")
		got, err := s.Get("empty")
		if err != nil || len(got) != 0 {
			t.Fatalf("Get empty = %q, %v", got, err)
		}
	})
	t.Run("PutIfAbsent", func(t *testing.T) {
		s := newStore(t)
		created, err := s.PutIfAbsent("o/ab/cd", []byte("first"))
		if err != nil || !created {
			t.Fatalf("first PutIfAbsent = %v, %v", created, err)
		}
		created, err = s.PutIfAbsent("o/ab/cd", []byte("second"))
		if err != nil || created {
			t.Fatalf("second PutIfAbsent = %v, %v; want false, nil", created, err)
		}
		if got, _ := s.Get("o/ab/cd"); string(got) != "first" {
			t.Fatalf("content = %q, want first", got)
		}
	})
	t.Run("PutIfAbsentConcurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := s.PutIfAbsent("race", fmt.Appendf(nil, "w%d", i))
				if err != nil {
					t.Error(err)
				}
				if c {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d writers created the object, want 1", wins)
		}
	})
	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		for _, n := range []string{"heads/b.json", "heads/a.json", "headsx/c", "caps/k/2", "caps/k/1", "caps/kk/1"} {
			mustPut(t, s, n, n)
		}
		cases := []struct {
			prefix string
			want   []string
		}{
			{"heads/", []string{"heads/a.json", "heads/b.json"}},
			{"heads", []string{"heads/a.json", "heads/b.json", "headsx/c"}},
			{"caps/k/", []string{"caps/k/1", "caps/k/2"}},
			{"caps/k", []string{"caps/k/1", "caps/k/2", "caps/kk/1"}},
			{"none/", nil},
		}
		for _, c := range cases {
			got, err := s.List(c.prefix)
			if err != nil {
				t.Fatalf("List %q: %v", c.prefix, err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("List %q = %q, want %q", c.prefix, got, c.want)
			}
		}
		all, err := s.List("")
		if err != nil || len(all) != 6 {
			t.Errorf("List \"\" = %q, %v; want 6 names", all, err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, "d/x", "x")
		if err := s.Delete("d/x"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get("d/x"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Get after Delete: %v", err)
		}
		if err := s.Delete("d/x"); err != nil {
			t.Fatalf("Delete missing: %v", err)
		}
		if names, _ := s.List("d/"); len(names) != 0 {
			t.Fatalf("List after Delete = %q", names)
		}
	})
	t.Run("BadNames", func(t *testing.T) {
		s := newStore(t)
		for _, n := range []string{"", "/abs", "../up", "a/../../b", "a//b"} {
			if err := s.Put(n, []byte("x")); err == nil {
				t.Errorf("Put %q: no error", n)
			}
		}
	})
	t.Run("GetReturnsCopy", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, "c", "abc")
		b, _ := s.Get("c")
		b[0] = 'X'
		if got, _ := s.Get("c"); string(got) != "abc" {
			t.Fatalf("stored content changed through Get's slice: %q", got)
		}
	})
}

func mustPut(t *testing.T, s Store, name, data string) {
	t.Helper()
	if err := s.Put(name, []byte(data)); err != nil {
		t.Fatalf("Put %q: %v", name, err)
	}
}
