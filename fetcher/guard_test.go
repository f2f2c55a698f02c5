package fetcher_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"wxarchive/fetcher"
	"wxarchive/internal/fakedns"
)

// TestConfiguredNameRebound: a feed or webhook URL the user wrote with a
// public-looking name that resolves (or is re-bound) to 127.0.0.1 is
// refused on the address actually dialled, for the feed client and the
// webhook transport alike; a URL that names this machine on purpose (an IP
// address, localhost, a local name) reaches it.
func TestConfiguredNameRebound(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	res := fakedns.Resolver(t, netip.MustParseAddr("127.0.0.1"))
	noProxy := func(*http.Request) (*url.URL, error) { return nil, nil }
	clients := map[string]func(u string) *http.Client{
		"feed": func(u string) *http.Client {
			return fetcher.NewOpenClient(fetcher.OpenConfig{Trusted: []string{u}, Resolver: res, Proxy: noProxy})
		},
		"webhook": func(string) *http.Client {
			return &http.Client{Transport: fetcher.NewDestTransport(fetcher.DestConfig{Resolver: res, Proxy: noProxy})}
		},
	}
	for kind, client := range clients {
		for host, ok := range map[string]bool{
			"feeds.example.com": false, "rss.example.com.": false, "169.254.169.254.nip.io": false,
			"127.0.0.1": true, "localhost": true, "rsshub": true, "rsshub.lan": true, "nas.home.arpa": true,
		} {
			u := "http://" + net.JoinHostPort(host, port) + "/feed"
			before := hits.Load()
			resp, err := client(u).Get(u)
			if resp != nil {
				resp.Body.Close()
			}
			reached := hits.Load() > before
			if ok && (err != nil || !reached) {
				t.Errorf("%s %s: %v, reached %v", kind, host, err, reached)
			}
			if !ok {
				if reached || !errors.Is(err, fetcher.ErrNotAllowed) || !strings.Contains(err.Error(), "127.0.0.1 is not public") ||
					!strings.Contains(err.Error(), "write its IP address") {
					t.Errorf("%s %s: %v, reached %v", kind, host, err, reached)
				}
			}
		}
	}
}
