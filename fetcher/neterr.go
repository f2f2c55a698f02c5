package fetcher

import (
	"errors"
	"net"
	"syscall"
)

// NetReason is why a host could not be reached, for the one-line summaries
// a person reads; "" when err is not such a failure (an HTTP status, a
// refused URL, a cancellation…).
func NetReason(err error) string {
	if err == nil || errors.Is(err, ErrNotAllowed) || errors.Is(err, ErrStopping) || errors.Is(err, ErrTooLarge) {
		return ""
	}
	var dns *net.DNSError
	switch {
	case errors.Is(err, ErrConnectTimeout):
		return "connect timed out (packets dropped?)"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "host not found (offline?)"
	case errors.As(err, &dns):
		return "name lookup failed (offline?)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "network error"
	}
	return ""
}

// unreachable reports a failure that a retry in a few seconds will not
// cure, so it is not retried with backoff: the name does not resolve, the
// connection is refused, there is no route (an offline machine, or a proxy
// that is not running), or the connection timed out (packets dropped).
func unreachable(err error) bool {
	var dns *net.DNSError
	return (errors.As(err, &dns) && dns.IsNotFound) || errors.Is(err, ErrConnectTimeout) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH)
}
