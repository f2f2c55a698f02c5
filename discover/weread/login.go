package weread

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// EnvCookie, when set, is the login used instead of the stored one (the
// Cookie header value); nothing is written back for it.
const EnvCookie = "WXARCHIVE_WEREAD_COOKIE"

// LoginFile is the name of the stored login in the configuration folder.
const LoginFile = "weread-login.json"

// Session lifetime users report (wewe-rss #411, we-mp-rss #114, #442): a
// WeRead web session lasts about a day to a few days. The public clients
// do not renew it over HTTP: wewe-rss marks the account invalid and asks
// for a new login; we-mp-rss re-opens WeRead in a real browser
// (Playwright) with the saved profile to pick up fresh cookies.
const (
	SessionShortest = 24 * time.Hour
	SessionLongest  = 3 * 24 * time.Hour
)

// Login is a stored login with what is known of it.
type Login struct {
	Cookie  Cookie
	Saved   time.Time // when it was stored (or last renewed)
	Checked time.Time // the last listing request that worked with it
	Source  string    // the file it came from, or EnvCookie
}

// LikelyExpiry is the window in which the session will likely end,
// counted from when it was stored.
func (l Login) LikelyExpiry() (from, to time.Time) {
	return l.Saved.Add(SessionShortest), l.Saved.Add(SessionLongest)
}

// Store keeps the login in a folder of the user's configuration, never in
// the archive (a vault people sync and publish) nor in pipeline.yaml: a
// file of mode 0600 in a folder of mode 0700, replaced atomically.
type Store struct {
	Dir string
}

// DefaultStore is the store in $XDG_CONFIG_HOME/wxarchive, else
// ~/.config/wxarchive (os.UserConfigDir on other systems). getenv is
// os.Getenv in production.
func DefaultStore(getenv func(string) string) (Store, error) {
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return Store{Dir: filepath.Join(x, "wxarchive")}, nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if h := getenv("HOME"); h != "" {
			return Store{Dir: filepath.Join(h, ".config", "wxarchive")}, nil
		}
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return Store{}, fmt.Errorf("weread: no configuration folder: %w", err)
	}
	return Store{Dir: filepath.Join(d, "wxarchive")}, nil
}

// Path is the login file.
func (s Store) Path() string { return filepath.Join(s.Dir, LoginFile) }

type loginFile struct {
	Version int       `json:"version"`
	Cookie  string    `json:"cookie"`
	VID     string    `json:"wr_vid"`
	Saved   time.Time `json:"saved"`
	Checked time.Time `json:"checked,omitzero"`
}

// Load reads the stored login: ErrNoLogin when there is none. A file
// others can read is refused, as ssh refuses such a key.
func (s Store) Load() (Login, error) {
	p := s.Path()
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Login{}, ErrNoLogin
	}
	if err != nil {
		return Login{}, fmt.Errorf("weread: login: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Login{}, fmt.Errorf("weread: login: %w", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return Login{}, fmt.Errorf("weread: login %s is readable by others (mode %04o): run chmod 600 on it, or log in again", p, st.Mode().Perm())
	}
	if st.Size() > 1<<20 {
		return Login{}, fmt.Errorf("weread: login %s: over 1 MiB, not a login", p)
	}
	var lf loginFile
	if err := json.NewDecoder(f).Decode(&lf); err != nil {
		return Login{}, fmt.Errorf("weread: login %s is damaged (log in again): %w", p, err)
	}
	c, err := ParseCookie(lf.Cookie)
	if err != nil {
		return Login{}, fmt.Errorf("weread: login %s (log in again): %w", p, err)
	}
	return Login{Cookie: c, Saved: lf.Saved, Checked: lf.Checked, Source: p}, nil
}

// Save stores the login, replacing the previous one atomically.
func (s Store) Save(l Login) error {
	if l.Cookie.IsZero() {
		return fmt.Errorf("weread: save login: %w", ErrNotCookie)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("weread: save login: %w", err)
	}
	data, err := json.MarshalIndent(loginFile{Version: 1, Cookie: l.Cookie.Header(), VID: l.Cookie.VID(), Saved: l.Saved.UTC(), Checked: l.Checked.UTC()}, "", "  ")
	if err != nil {
		return fmt.Errorf("weread: save login: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".login-*")
	if err != nil {
		return fmt.Errorf("weread: save login: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("weread: save login: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fail(err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, s.Path()); err != nil {
		os.Remove(name)
		return fmt.Errorf("weread: save login: %w", err)
	}
	if d, err := os.Open(s.Dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// IDKeyFile is the name of the key of login fingerprints in the
// configuration folder (Cookie.Fingerprint).
const IDKeyFile = "login-id.key"

// IDKey is the key of login fingerprints: random, made on first use and
// kept in the store's folder (mode 0600), never in the archive.
func (s Store) IDKey() ([]byte, error) {
	p := filepath.Join(s.Dir, IDKeyFile)
	damaged := false
	if b, err := os.ReadFile(p); err == nil {
		if k, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(k) >= 16 {
			return k, nil
		}
		damaged = true // replaced below
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("weread: login id key: %w", err)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("weread: login id key: %w", err)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("weread: login id key: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".key-*")
	if err != nil {
		return nil, fmt.Errorf("weread: login id key: %w", err)
	}
	_, werr := tmp.WriteString(hex.EncodeToString(k) + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	switch {
	case werr == nil && damaged:
		werr = os.Rename(tmp.Name(), p)
	case werr == nil:
		// Link, not rename: a key another process made meanwhile wins.
		if err := os.Link(tmp.Name(), p); err != nil && errors.Is(err, fs.ErrExist) {
			os.Remove(tmp.Name())
			return s.IDKey()
		} else if err != nil {
			werr = os.Rename(tmp.Name(), p) // a file system without hard links
		}
	}
	os.Remove(tmp.Name())
	if werr != nil {
		return nil, fmt.Errorf("weread: login id key: %w", werr)
	}
	return k, nil
}

// Remove deletes the stored login; none stored is no error.
func (s Store) Remove() error {
	if err := os.Remove(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("weread: remove login: %w", err)
	}
	return nil
}

// Current is the login to use: EnvCookie when set (getenv is os.Getenv in
// production), else the stored one. ErrNoLogin when there is neither.
func Current(s Store, getenv func(string) string) (Login, error) {
	if v := getenv(EnvCookie); v != "" {
		c, err := ParseCookie(v)
		if err != nil {
			return Login{}, fmt.Errorf("weread: %s: %w", EnvCookie, err)
		}
		return Login{Cookie: c, Source: EnvCookie}, nil
	}
	return s.Load()
}

// Renewer is an Options.Renewed that stores renewed cookies of a login
// read from s (not of one from EnvCookie), logging nothing of them, while
// s still holds that login: a daemon's renewal never overwrites a login
// stored since, nor brings back a removed one.
func (s Store) Renewer(l Login, now func() time.Time, report func(error)) func(Cookie) {
	if l.Source == EnvCookie {
		return nil
	}
	var mu sync.Mutex
	return func(c Cookie) {
		mu.Lock()
		defer mu.Unlock()
		// Only over the login it renews: one stored since (`login weread`)
		// or removed (`login --logout`) is the user's, and stays.
		if stored, err := s.Load(); err != nil || !stored.Cookie.SameLogin(l.Cookie) {
			return
		}
		next := l
		next.Cookie, next.Saved = c, now()
		if err := s.Save(next); err != nil {
			if report != nil {
				report(err)
			}
			return
		}
		l = next
	}
}
