package archive

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// tmpPrefix starts the names of temporary files; List never returns them.
const tmpPrefix = ".tmp-"

// FSStore is a Store on a local folder: temp file, fsync, rename, fsync of
// the folder, so a crash never leaves a half-written object under its name.
type FSStore struct {
	root string
}

var (
	_ Store    = (*FSStore)(nil)
	_ Appender = (*FSStore)(nil)
)

// NewFSStore returns a store rooted at dir (created when missing).
func NewFSStore(dir string) (*FSStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: create %s: %w", dir, err)
	}
	return &FSStore{root: dir}, nil
}

// Dir is the folder the store is rooted at.
func (s *FSStore) Dir() string { return s.root }

func (s *FSStore) path(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(name)), nil
}

// checkName rejects names that would escape the store.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, "\x00") {
		return fmt.Errorf("archive: bad object name %q", name)
	}
	for _, p := range strings.Split(name, "/") {
		if p == "" || p == "." || p == ".." || strings.HasPrefix(p, tmpPrefix) {
			return fmt.Errorf("archive: bad object name %q", name)
		}
	}
	return nil
}

// Put writes data atomically under name.
func (s *FSStore) Put(name string, data []byte) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	tmp, dir, err := s.writeTemp(p, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("archive: put %s: %w", name, err)
	}
	return syncDir(dir)
}

// PutIfAbsent writes data under name unless it exists. The hard link makes
// the check and the creation one atomic step.
func (s *FSStore) PutIfAbsent(name string, data []byte) (bool, error) {
	p, err := s.path(name)
	if err != nil {
		return false, err
	}
	if fi, err := os.Lstat(p); err == nil {
		if fi.Mode().IsRegular() || fi.IsDir() {
			return false, nil
		}
		// A link or a special file in place of a write-once file: not
		// what the archive wrote (verify reports it); the file itself
		// replaces it.
		return true, s.Put(name, data)
	}
	tmp, dir, err := s.writeTemp(p, data)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("archive: put %s: %w", name, err)
	}
	if err := os.Remove(tmp); err != nil {
		return true, fmt.Errorf("archive: put %s: remove temp: %w", name, err)
	}
	return true, syncDir(dir)
}

func (s *FSStore) writeTemp(p string, data []byte) (tmp, dir string, err error) {
	dir = filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("archive: create %s: %w", dir, err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp = filepath.Join(dir, tmpPrefix+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", "", fmt.Errorf("archive: create temp in %s: %w", dir, err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(tmp)
		return "", "", fmt.Errorf("archive: write %s: %w", p, werr)
	}
	return tmp, dir, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("archive: sync %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archive: sync %s: %w", dir, err)
	}
	return nil
}

// Get reads name.
func (s *FSStore) Get(name string) ([]byte, error) {
	f, fi, err := s.openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("archive: get %s: %w", name, err)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// openRegular opens name for reading when it is a regular file reached
// without a symbolic link: a link (to a file outside the archive, to
// another object of it, to /dev/zero), a FIFO or a device in the store is
// not a file the archive wrote, and following it could feed a reader
// other bytes than the name promises, or hang it. The file is opened
// without blocking (a FIFO swapped in after the check does not hang the
// open) and checked again once open.
func (s *FSStore) openRegular(name string) (*os.File, fs.FileInfo, error) {
	p, err := s.path(name)
	if err != nil {
		return nil, nil, err
	}
	cur := s.root
	parts := strings.Split(name, "/")
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return nil, nil, fmt.Errorf("archive: get %s: %w", name, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if i < len(parts)-1 {
				return nil, nil, fmt.Errorf("archive: get %s: %s is a symbolic link: %w", name, strings.Join(parts[:i+1], "/"), errLinkedFolder)
			}
			return nil, nil, fmt.Errorf("archive: get %s: %w", name, ErrNotRegular)
		}
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: get %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("archive: get %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("archive: get %s: %w", name, ErrNotRegular)
	}
	return f, fi, nil
}

var _ IrregularLister = (*FSStore)(nil)

// Irregular lists what under the folders dirs is neither a folder nor a
// regular file (symbolic links, FIFOs, devices, sockets), with what each
// is, without following links. The cache folder is skipped: other stages
// own it.
func (s *FSStore) Irregular(dirs ...string) ([]Irregular, error) {
	var out []Irregular
	cache := filepath.Join(s.root, filepath.FromSlash(hiddenDir+"cache"))
	for _, dir := range dirs {
		start := filepath.Join(s.root, filepath.FromSlash(strings.TrimSuffix(dir, "/")))
		err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				if p == cache {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(s.root, p)
			if err != nil {
				return err
			}
			what := "a special file"
			switch t := d.Type(); {
			case t&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				what = fmt.Sprintf("a symbolic link to %s", target)
			case t&fs.ModeNamedPipe != 0:
				what = "a FIFO"
			case t&fs.ModeDevice != 0:
				what = "a device"
			case t&fs.ModeSocket != 0:
				what = "a socket"
			}
			out = append(out, Irregular{Name: filepath.ToSlash(rel), What: what})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("archive: list %q: %w", dir, err)
		}
	}
	return out, nil
}

// List returns the names under prefix, sorted, without temporary files.
func (s *FSStore) List(prefix string) ([]string, error) {
	// Walk only the folder the prefix names, filtering the rest.
	base := prefix
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[:i]
	} else {
		base = ""
	}
	start := filepath.Join(s.root, filepath.FromSlash(base))
	var names []string
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && !strings.HasPrefix(rel+"/", prefix) && !strings.HasPrefix(prefix, rel+"/") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(rel, prefix) {
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: list %q: %w", prefix, err)
	}
	sort.Strings(names)
	return names, nil
}

// Delete removes name.
func (s *FSStore) Delete(name string) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing to delete, nothing to sync (its folder may not exist)
		}
		return fmt.Errorf("archive: delete %s: %w", name, err)
	}
	return syncDir(filepath.Dir(p))
}

// Append adds data at the end of name (created when missing) and fsyncs.
// A crash may leave a torn last record; readers skip it.
func (s *FSStore) Append(name string, data []byte) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("archive: append %s: %w", name, err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("archive: append %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archive: append %s: %w", name, err)
	}
	return nil
}

var (
	_ Opener      = (*FSStore)(nil)
	_ TempSweeper = (*FSStore)(nil)
	_ Mover       = (*FSStore)(nil)
)

// Open opens name for streaming and returns its size.
func (s *FSStore) Open(name string) (io.ReadSeekCloser, int64, error) {
	f, st, err := s.openRegular(name)
	if err != nil {
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// RemoveTemps removes the temporary files (".tmp-…") writers killed
// mid-write left anywhere in the store, except in the cache folder, which
// other stages own.
func (s *FSStore) RemoveTemps() (int, error) {
	n := 0
	cache := filepath.Join(s.root, filepath.FromSlash(hiddenDir+"cache"))
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p == cache || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), tmpPrefix) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Move renames the file or folder from to the name to, atomically; to
// must not exist.
func (s *FSStore) Move(from, to string) error {
	pf, err := s.path(from)
	if err != nil {
		return err
	}
	pt, err := s.path(to)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(pt), 0o755); err != nil {
		return fmt.Errorf("archive: move %s: %w", from, err)
	}
	if _, err := os.Lstat(pt); err == nil {
		return fmt.Errorf("archive: move %s: %s exists: %w", from, to, fs.ErrExist)
	}
	if err := os.Rename(pf, pt); err != nil {
		return fmt.Errorf("archive: move %s: %w", from, err)
	}
	if err := syncDir(filepath.Dir(pt)); err != nil {
		return err
	}
	return syncDir(filepath.Dir(pf))
}

var _ Checker = (*FSStore)(nil)

// Exists reports whether name exists.
func (s *FSStore) Exists(name string) (bool, error) {
	p, err := s.path(name)
	if err != nil {
		return false, err
	}
	if _, err := os.Lstat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("archive: stat %s: %w", name, err)
	}
	return true, nil
}
