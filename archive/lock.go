package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockName is the lock file in the archive folder.
const lockName = "lock"

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
// Taking the lock also finishes the work a crashed writer left half done
// (see recover).
func (a *Archive) Lock() (*Lock, error) {
	p := filepath.Join(a.dir, lockName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("archive: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(p)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var li lockInfo
			_ = json.Unmarshal(b, &li)
			return nil, &LockedError{PID: li.PID, Host: li.Host, Since: li.Since, Path: p}
		}
		return nil, fmt.Errorf("archive: lock %s: %w", p, err)
	}
	var prev lockInfo
	if b, _ := os.ReadFile(p); json.Unmarshal(b, &prev) == nil && prev.PID != 0 {
		a.log.Warn("archive: taking over the lock of a writer that is gone", "pid", prev.PID, "host", prev.Host, "since", prev.Since)
	}
	host, _ := os.Hostname()
	li, _ := json.Marshal(lockInfo{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)})
	if err := writeLockInfo(f, li); err != nil {
		f.Close()
		return nil, fmt.Errorf("archive: lock %s: %w", p, err)
	}
	l := &Lock{a: a, path: p, f: f}
	if err := a.recover(); err != nil {
		l.Unlock()
		return nil, err
	}
	return l, nil
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
	err := l.f.Truncate(0)
	if cerr := l.f.Close(); err == nil {
		err = cerr // closing releases the flock
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("archive: unlock %s: %w", l.path, err)
	}
	return nil
}
