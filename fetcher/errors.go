package fetcher

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind classifies a fetch failure.
type Kind int

const (
	KindNone        Kind = iota // no error
	KindRefused                 // host, scheme or path not allowed, or a bad URL
	KindBlocked                 // captcha redirect / verification: the host cools down
	KindCoolingDown             // skipped without a request: the host is cooling down
	KindFailed                  // HTTP status ≥ 400 after retries, network error, truncated or too large body
	KindCanceled                // the context was canceled
)

var kindNames = [...]string{"none", "refused", "blocked", "cooling down", "failed", "canceled"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error returned by the Client.
type Error struct {
	Kind   Kind
	URL    string
	Status int       // HTTP status, when there was a response
	Until  time.Time // end of the cool-down, for KindBlocked and KindCoolingDown
	Err    error     // the cause
}

func (e *Error) Error() string {
	msg := "fetcher: " + e.Kind.String() + " " + e.URL
	if e.Status != 0 {
		msg += fmt.Sprintf(": status %d", e.Status)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if !e.Until.IsZero() {
		msg += " (cooling down until " + e.Until.Format(time.RFC3339) + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err: KindNone for nil, the Kind of an *Error in
// its chain, KindCanceled for context errors and KindFailed otherwise.
func KindOf(err error) Kind {
	if err == nil {
		return KindNone
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return KindCanceled
	}
	return KindFailed
}
