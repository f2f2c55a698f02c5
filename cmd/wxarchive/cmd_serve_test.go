package main

import "testing"

// TestServeURL: the address serve prints is one a person can open: an
// unspecified listening address (0.0.0.0, ::) is shown as this machine's
// loopback, said to be on every interface, not as "http://[::]:8080/".
func TestServeURL(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"[::1]:8080", "http://[::1]:8080/"},
		{"[::]:18090", "http://127.0.0.1:18090/ (listening on every interface: use this machine's name or address from elsewhere)"},
		{"0.0.0.0:80", "http://127.0.0.1:80/ (listening on every interface: use this machine's name or address from elsewhere)"},
		{"192.168.1.5:8080", "http://192.168.1.5:8080/"},
	} {
		if got := serveURL(c.addr); got != c.want {
			t.Errorf("serveURL(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}
