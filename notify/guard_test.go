package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"wxarchive/events"
	"wxarchive/internal/fakedns"
)

// TestWebhookNameReboundToLoopback: a webhook URL with a public-looking
// name whose DNS answers 127.0.0.1 (a re-bound name) posts nothing to this
// machine: the address dialled is checked, and the error says how to reach
// a local receiver on purpose. The same receiver by IP address is reached.
func TestWebhookNameReboundToLoopback(t *testing.T) {
	t.Setenv("HTTP_PROXY", "")
	t.Setenv("http_proxy", "")
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	res := fakedns.Resolver(t, netip.MustParseAddr("127.0.0.1"))
	ev := events.Event{ID: "1", Kind: "new"}

	hook, err := NewWebhook("http://hooks.example.com:"+port+"/x?token=abc", WebhookOptions{Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	err = hook.Send(context.Background(), ev, []byte("{}"))
	var se *SendError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "127.0.0.1 is not public") || strings.Contains(err.Error(), "token=abc") {
		t.Errorf("send to a re-bound name: %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver on loopback got %d request(s)", hits.Load())
	}

	hook, err = NewWebhook("http://127.0.0.1:"+port+"/x", WebhookOptions{Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	if err := hook.Send(context.Background(), ev, []byte("{}")); err != nil || hits.Load() != 1 {
		t.Errorf("send to 127.0.0.1 written as such: %v, %d request(s)", err, hits.Load())
	}
}
