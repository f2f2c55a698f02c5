package archive

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"wxarchive/model"
)

// copyLegacy copies the archive the binary of commit 1a4800b wrote
// (testdata/legacy-1a4800b, see its README) to a temporary folder.
func copyLegacy(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "archive")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("..", "testdata", "legacy-1a4800b", "archive"))); err != nil {
		t.Fatal(err)
	}
	return dst
}

func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func mustClean(t *testing.T, a *Archive) {
	t.Helper()
	rep, err := a.VerifyWith(VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("verify: %s", p)
	}
}

var (
	legacyDeleted = model.Key("MjM5ODYxMDA5OQ_2651960800_1")
	legacyTwo     = model.Key("MjM5ODYxMDA5OQ_2651960726_1")
)

// TestLegacyReadAsIs: readers read an archive of the layout before as it
// is, and write nothing.
func TestLegacyReadAsIs(t *testing.T) {
	dir := copyLegacy(t)
	before := tree(t, dir)
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Legacy() {
		t.Fatal("not seen as the layout before")
	}
	list, err := a.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	if info, _ := a.Info(legacyDeleted); info.State != model.StateDeleted || info.Versions != 1 {
		t.Errorf("deleted article: %+v", info)
	}
	if md, err := a.Version(legacyTwo, 1); err != nil || !strings.Contains(string(md), "MQ") {
		t.Errorf("version 1: %v", err)
	}
	if caps, err := a.Captures(legacyTwo); err != nil || len(caps) != 2 {
		t.Errorf("captures: %d, %v", len(caps), err)
	}
	mustClean(t, a)
	if after := tree(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("a reader changed the archive:\nbefore %v\nafter  %v", before, after)
	}
}

// TestLegacyMigration (issue 11): the first writer migrates the archive to
// the vault layout; verify is clean after, the readable files link their
// local images by relative paths that resolve, and say a deleted article is
// deleted.
func TestLegacyMigration(t *testing.T) {
	dir := copyLegacy(t)
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	checkMigrated(t, dir, a)
}

func checkMigrated(t *testing.T, dir string, a *Archive) {
	t.Helper()
	if a.Legacy() {
		t.Fatal("still the layout before after Lock")
	}
	top, _ := os.ReadDir(dir)
	var names []string
	for _, e := range top {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".wxarchive articles assets" {
		t.Errorf("top level: %v, want .wxarchive articles assets", names)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".wxarchive", "format"))
	if err != nil || string(b) != "2\n" {
		t.Errorf("format: %q %v", b, err)
	}
	mustClean(t, a)
	list, err := a.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("list after migration: %d %v", len(list), err)
	}
	link := regexp.MustCompile(`\]\((\.\./\.\./assets/[^ )]+)`)
	images := 0
	for _, i := range list {
		md, err := os.ReadFile(filepath.Join(dir, i.Path))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(md), -1) {
			images++
			if _, err := os.Stat(filepath.Join(dir, filepath.Dir(i.Path), m[1])); err != nil {
				t.Errorf("%s: image link %s does not resolve", i.Path, m[1])
			}
		}
		s := string(md)
		if strings.Contains(s, "objects/blob") || strings.Contains(s, "\nurl:") || strings.Contains(s, "\ntype:") || !strings.Contains(s, "\ncaptured: ") {
			t.Errorf("%s: readable front matter not migrated:\n%.700s", i.Path, s)
		}
		if (i.Key == legacyDeleted) != strings.Contains(s, "\nstate: \"deleted\"") {
			t.Errorf("%s: state %s not said right in the readable file", i.Path, i.State)
		}
	}
	if images < 9 {
		t.Errorf("%d local image links, want every image of the archive", images)
	}
	if vs, _ := a.Versions(legacyTwo); len(vs) != 2 {
		t.Errorf("versions after migration: %+v", vs)
	}
}

// faultStore fails every write after the first n, as a crash at that
// instant would leave the store.
type faultStore struct {
	*FSStore
	n int
}

var errFault = errors.New("injected crash")

func (s *faultStore) tick() error {
	if s.n <= 0 {
		return errFault
	}
	s.n--
	return nil
}
func (s *faultStore) Put(name string, b []byte) error {
	if err := s.tick(); err != nil {
		return err
	}
	return s.FSStore.Put(name, b)
}
func (s *faultStore) PutIfAbsent(name string, b []byte) (bool, error) {
	if err := s.tick(); err != nil {
		return false, err
	}
	return s.FSStore.PutIfAbsent(name, b)
}
func (s *faultStore) Delete(name string) error {
	if err := s.tick(); err != nil {
		return err
	}
	return s.FSStore.Delete(name)
}
func (s *faultStore) Move(from, to string) error {
	if err := s.tick(); err != nil {
		return err
	}
	return s.FSStore.Move(from, to)
}
func (s *faultStore) Append(name string, b []byte) error {
	if err := s.tick(); err != nil {
		return err
	}
	return s.FSStore.Append(name, b)
}

// TestMigrationResumes: a migration cut short after any number of writes
// leaves an archive that readers list whole and that the next writer
// finishes migrating, clean.
func TestMigrationResumes(t *testing.T) {
	for n := 0; ; n++ {
		dir := copyLegacy(t)
		fs0, _ := NewFSStore(dir)
		a := OpenStore(dir, &faultStore{FSStore: fs0, n: n})
		l, err := a.Lock()
		if err == nil {
			l.Unlock()
			if n < 10 {
				t.Fatalf("migration needed only %d writes", n)
			}
			return // every cut point was tried
		}
		if !errors.Is(err, errFault) {
			t.Fatalf("cut after %d writes: %v", n, err)
		}
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if list, err := r.List(); err != nil || len(list) != 3 {
			t.Fatalf("cut after %d writes: a reader lists %d, %v", n, len(list), err)
		}
		b, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		l, err = b.Lock()
		if err != nil {
			t.Fatalf("cut after %d writes: next writer: %v", n, err)
		}
		checkMigrated(t, dir, b)
		l.Unlock()
		if t.Failed() {
			t.Fatalf("cut after %d writes", n)
		}
	}
}

// A readable file edited by hand before the migration stays as it is;
// the migrated content goes beside it.
func TestMigrationKeepsHandEdits(t *testing.T) {
	dir := copyLegacy(t)
	r, _ := Open(dir)
	info, err := r.Info(legacyTwo)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, info.Path)
	mine := []byte("my own notes on this article\n")
	os.WriteFile(p, mine, 0o644)
	a, _ := Open(dir)
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if b, _ := os.ReadFile(p); string(b) != string(mine) {
		t.Errorf("migration overwrote a hand edit:\n%s", b)
	}
	beside := strings.TrimSuffix(p, ".md") + " (v2).md"
	if b, err := os.ReadFile(beside); err != nil || !strings.Contains(string(b), "../../assets/") {
		t.Errorf("migrated content not beside the hand edit: %v", err)
	}
	rep, _ := a.VerifyWith(VerifyOptions{})
	if rep.Damaged() != 0 || len(rep.Problems) != 1 || !rep.Problems[0].Notice {
		t.Errorf("verify: %v", rep.Problems)
	}
}
