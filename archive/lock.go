package archive

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type lockInfo struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// Lock takes the writer lock. The lock file names its holder (pid, host,
// since); the kernel lock on it (flock) dies with its process, so the lock
// of a dead writer is taken over without a race. When another live writer
// holds it, Lock returns a *LockedError naming it.
//
// Taking the lock also migrates an archive in the layout before (see
// migrate), and finishes the work a crashed writer left half done (see
// recover).
func (a *Archive) Lock() (*Lock, error) {
	var extra *os.File
	if a.legacy {
		// Writers of the layout before lock the top-level file: hold it
		// too while migrating.
		f, _, err := a.flock(filepath.Join(a.dir, legacyNames.lock))
		if err != nil {
			return nil, err
		}
		extra = f
	}
	p := filepath.Join(a.dir, filepath.FromSlash(vaultNames.lock))
	f, crashed, err := a.flock(p)
	if err != nil {
		if extra != nil {
			extra.Close()
		}
		return nil, err
	}
	l := &Lock{a: a, path: p, f: f, extra: extra}
	a.locked = true
	if err := a.afterLock(crashed); err != nil {
		l.Unlock()
		return nil, err
	}
	return l, nil
}

func (a *Archive) afterLock(crashed bool) error {
	if a.legacy {
		if err := a.migrate(); err != nil {
			return err
		}
	} else if _, err := a.store.Get(formatName); err != nil {
		if err := a.store.Put(formatName, []byte(formatV2)); err != nil {
			return err
		}
	}
	if crashed {
		if sw, ok := a.store.(TempSweeper); ok {
			n, err := sw.RemoveTemps()
			if err != nil {
				return fmt.Errorf("archive: remove the temporary files of a crashed writer: %w", err)
			}
			if n > 0 {
				a.log.Info("archive: removed temporary files a crashed writer left", "files", n)
			}
		}
	}
	return a.recover()
}

// flock takes the kernel lock on p and writes the holder into it. crashed
// reports that the previous holder died without unlocking.
func (a *Archive) flock(p string) (f *os.File, crashed bool, err error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, false, fmt.Errorf("archive: lock: %w", err)
	}
	f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("archive: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, holderOf(f, p)
		}
		return nil, false, fmt.Errorf("archive: lock %s: %w", p, err)
	}
	var prev lockInfo
	if b, _ := os.ReadFile(p); json.Unmarshal(b, &prev) == nil && prev.PID != 0 {
		a.log.Warn("archive: taking over the lock of a writer that is gone", "pid", prev.PID, "host", prev.Host, "since", prev.Since)
		crashed = true
	}
	host, _ := os.Hostname()
	li, _ := json.Marshal(lockInfo{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)})
	if err := writeLockInfo(f, li); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("archive: lock %s: %w", p, err)
	}
	return f, crashed, nil
}

// holderOf names the live holder of the lock file p. The holder writes its
// name right after taking the lock and empties the file right before
// releasing it: in those instants the kernel's lock table still knows it.
func holderOf(f *os.File, p string) error {
	for i := 0; i < 20; i++ {
		b, _ := os.ReadFile(p)
		var li lockInfo
		if json.Unmarshal(b, &li) == nil && li.PID != 0 {
			return &LockedError{PID: li.PID, Host: li.Host, Since: li.Since, Path: p}
		}
		time.Sleep(5 * time.Millisecond)
	}
	le := &LockedError{Path: p}
	if st, err := f.Stat(); err == nil {
		le.Since = st.ModTime().UTC().Truncate(time.Second)
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			le.PID = flockHolder(sys.Ino)
		}
	}
	le.Host, _ = os.Hostname()
	return le
}

// flockHolder finds the pid holding a flock on inode ino in /proc/locks
// (0 when unknown, e.g. not on Linux).
func flockHolder(ino uint64) int {
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	suffix := ":" + strconv.FormatUint(ino, 10)
	for sc.Scan() {
		// 1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF
		fl := strings.Fields(sc.Text())
		if len(fl) >= 6 && fl[1] == "FLOCK" && strings.HasSuffix(fl[5], suffix) {
			if pid, err := strconv.Atoi(fl[4]); err == nil {
				return pid
			}
		}
	}
	return 0
}

func writeLockInfo(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// Unlock releases the lock. The lock file stays, emptied: removing it
// would race with a writer that opened it already.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return errors.New("archive: unlock: not locked")
	}
	l.a.locked = false
	err := l.f.Truncate(0)
	if cerr := l.f.Close(); err == nil {
		err = cerr // closing releases the flock
	}
	l.f = nil
	if l.extra != nil {
		if terr := l.extra.Truncate(0); err == nil && !errors.Is(terr, os.ErrClosed) {
			err = terr
		}
		l.extra.Close()
		l.extra = nil
	}
	if err != nil {
		return fmt.Errorf("archive: unlock %s: %w", l.path, err)
	}
	return nil
}

// TempSweeper is an optional Store capability: remove the temporary files
// writers killed mid-write left behind. Called under the lock, when the
// previous writer died holding it.
type TempSweeper interface {
	RemoveTemps() (int, error)
}

// writerLive reports whether a writer holds the lock now (this Archive, or
// another process): only then may the keys its journal names be in the
// middle of a commit. Readers ask without taking the lock, so that they
// never make a writer fail: the kernel's table of locks says who holds it
// (/proc/locks), else the holder's name in the lock file, alive on this
// host.
func (a *Archive) writerLive() bool {
	if a.locked {
		return true
	}
	host, _ := os.Hostname()
	for _, n := range []string{vaultNames.lock, legacyNames.lock} {
		p := filepath.Join(a.dir, filepath.FromSlash(n))
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			if _, err := os.Stat("/proc/locks"); err == nil {
				if flockHolder(sys.Ino) != 0 {
					return true
				}
				continue
			}
		}
		var li lockInfo
		if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &li) == nil && li.PID != 0 && li.Host == host {
			if err := syscall.Kill(li.PID, 0); err == nil || errors.Is(err, syscall.EPERM) {
				return true
			}
		}
	}
	return false
}
