package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"wxarchive/events"
	"wxarchive/model"
)

// Exec runs a command once per event, without a shell: the event's JSON
// (one line) on its stdin, WXARCHIVE_EVENT_ID and WXARCHIVE_EVENT_KIND in
// its environment, which holds only an allow-list of the caller's
// (ExecEnv). Exit status 0 is delivered; ExitRefused (65) means the hook
// refuses this event (it is dropped after three passes, the next ones go
// on); anything else, or the timeout, is a temporary failure (the event
// waits for the next pass).
type Exec struct {
	name    string
	argv    []string
	kinds   kindSet
	timeout time.Duration
	env     []string
}

// ExitRefused is the exit status by which an exec hook refuses an event it
// can never take (EX_DATAERR of sysexits.h): like a webhook's 4xx, the
// event is offered on three passes, then dropped; the events after it are
// delivered meanwhile.
const ExitRefused = 65

// ExecOptions configure an Exec hook.
type ExecOptions struct {
	Name    string // label in logs; default "exec <program's base name>"
	Events  []string
	Timeout time.Duration // per run; 0: 30s
	Env     []string      // the environment; nil: ExecEnv(os.Environ(), nil)
}

// NewExec builds an exec hook for argv.
func NewExec(argv []string, o ExecOptions) (*Exec, error) {
	if len(argv) == 0 || strings.TrimSpace(argv[0]) == "" {
		return nil, errors.New("notify: exec hook: no command")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Env == nil {
		o.Env = ExecEnv(os.Environ(), nil)
	}
	return &Exec{name: o.Name, argv: append([]string(nil), argv...), kinds: newKindSet(o.Events), timeout: o.Timeout, env: o.Env}, nil
}

var _ Destination = (*Exec)(nil)

func (x *Exec) ID() string {
	sum := sha256.Sum256([]byte(strings.Join(x.argv, "\x00")))
	return "exec:" + hex.EncodeToString(sum[:8])
}

// Label is the name, else the program's base name: never its arguments,
// which may carry a token.
func (x *Exec) Label() string {
	if x.name != "" {
		return x.name
	}
	return "exec " + filepath.Base(x.argv[0])
}

func (x *Exec) Wants(k model.EventKind) bool { return x.kinds.wants(k) }
func (x *Exec) Retries() int                 { return 0 }

// Send runs the command with body on its stdin.
func (x *Exec) Send(ctx context.Context, ev events.Event, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, x.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, x.argv[0], x.argv[1:]...)
	cmd.Stdin = bytes.NewReader(append(append([]byte(nil), body...), '\n'))
	cmd.Env = append(append([]string(nil), x.env...), "WXARCHIVE_EVENT_ID="+ev.ID, "WXARCHIVE_EVENT_KIND="+string(ev.Kind))
	var stderr tailBuffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() == context.DeadlineExceeded {
		return &SendError{Msg: fmt.Sprintf("timed out after %v", x.timeout)}
	}
	msg := err.Error()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		// Could not start: the error names the program only.
		var pe *exec.Error
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return &SendError{Msg: "run " + filepath.Base(x.argv[0]) + ": " + msg}
	}
	if tail := strings.TrimSpace(stderr.String()); tail != "" {
		msg += ": " + tail
	}
	if ee.ExitCode() == ExitRefused {
		return &SendError{Permanent: true, Msg: "refused: " + msg}
	}
	return &SendError{Msg: msg}
}

// tailBuffer keeps the last 300 bytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 300 {
		t.b = t.b[len(t.b)-300:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	return strings.ToValidUTF8(strings.Join(strings.Fields(string(t.b)), " "), "")
}
