package fakewx

import (
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wxarchive/fetcher"
)

// Server is the fake WeChat. Its methods are safe for concurrent use.
type Server struct {
	plain  *httptest.Server
	secure *httptest.Server
	hosts  []string
	pem    []byte
	pool   *x509.CertPool
	caFile string
	done   chan struct{}

	mu      sync.Mutex
	routes  map[string]*route
	byKey   map[string]int
	byPath  map[string]int
	log     []Request
	closing sync.Once
}

// Request is one request the fake received.
type Request struct {
	Method string
	Host   string // the Host header: the real WeChat host the client meant
	URI    string // request URI (path and query)
	Path   string
	TLS    bool
	Header http.Header
}

// Option changes the fake.
type Option func(*Server)

// WithHosts adds host names the fake answers for (and its certificate
// covers) besides mp.weixin.qq.com and the image CDN hosts.
func WithHosts(hosts ...string) Option {
	return func(s *Server) { s.hosts = append(s.hosts, hosts...) }
}

// New starts the fake (a plain and a TLS listener on loopback serving the
// same routes) and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		hosts:  append([]string{fetcher.PageHost, fetcher.WeReadHost}, fetcher.ImageHosts...),
		done:   make(chan struct{}),
		routes: map[string]*route{},
		byKey:  map[string]int{},
		byPath: map[string]int{},
	}
	for _, o := range opts {
		o(s)
	}
	cert, pemBytes, err := selfSigned(s.hosts)
	if err != nil {
		t.Fatal(err)
	}
	s.pem = pemBytes
	s.pool = x509.NewCertPool()
	s.pool.AppendCertsFromPEM(pemBytes)
	s.caFile = filepath.Join(t.TempDir(), "fakewx-ca.pem")
	if err := os.WriteFile(s.caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(s.serve)
	s.plain = httptest.NewServer(h)
	s.secure = httptest.NewUnstartedServer(h)
	s.secure.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.secure.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// Close stops the fake; hanging handlers return.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		s.plain.Close()
		s.secure.Close()
	})
}

// Addr is the loopback address of the TLS listener (host:port).
func (s *Server) Addr() string { return s.secure.Listener.Addr().String() }

// PlainAddr is the loopback address of the plain HTTP listener.
func (s *Server) PlainAddr() string { return s.plain.Listener.Addr().String() }

// CertPEM is the fake's self-signed certificate, valid for the WeChat hosts.
func (s *Server) CertPEM() []byte { return slices.Clone(s.pem) }

// CertPool trusts the fake's certificate.
func (s *Server) CertPool() *x509.CertPool { return s.pool.Clone() }

// URL is the https://mp.weixin.qq.com URL of p (a path with optional query).
func (s *Server) URL(p string) string { return "https://" + fetcher.PageHost + p }

// ImageURL is the https://mmbiz.qpic.cn URL of p.
func (s *Server) ImageURL(p string) string { return "https://mmbiz.qpic.cn" + p }

// Resolve maps host:443 of every fake host to the TLS listener and host:80
// to the plain one, for fetcher.Config.Resolve.
func (s *Server) Resolve() map[string]string {
	m := make(map[string]string, 2*len(s.hosts))
	for _, h := range s.hosts {
		m[h+":443"] = s.Addr()
		m[h+":80"] = s.PlainAddr()
	}
	return m
}

// FetcherConfig is a fetcher configuration reaching the fake: Resolve,
// RootCAs, and politeness without intervals (a millisecond backoff, two
// retries, four requests in flight per host; WeRead one at a time, no
// retries, no daily cap).
func (s *Server) FetcherConfig() fetcher.Config {
	p := fetcher.Polite{Concurrency: 4, Retries: 2, Backoff: time.Millisecond}
	return fetcher.Config{
		Resolve: s.Resolve(),
		RootCAs: s.CertPool(),
		Hosts: map[string]fetcher.Polite{fetcher.PageHost: p, "default": p,
			fetcher.WeReadHost: {Concurrency: 1, Backoff: time.Millisecond}}, // never retried, as built in
		Proxy: func(*http.Request) (*url.URL, error) { return nil, nil },
	}
}

// Env is the environment that makes fetcher.ConfigFromEnv reach the fake
// (the CA is written to a temporary file).
func (s *Server) Env() map[string]string {
	var parts []string
	for _, h := range s.hosts {
		parts = append(parts, h+":443="+s.Addr(), h+":80="+s.PlainAddr())
	}
	noProxy := strings.Join(s.hosts, ",")
	if v := os.Getenv("NO_PROXY"); v != "" {
		noProxy += "," + v
	} else if v := os.Getenv("no_proxy"); v != "" {
		noProxy += "," + v
	}
	return map[string]string{
		fetcher.EnvResolve: strings.Join(parts, ","),
		fetcher.EnvCAFile:  s.caFile,
		// A proxy configured on the machine must not swallow the fake's hosts.
		"NO_PROXY": noProxy,
		"no_proxy": noProxy,
	}
}

// Setenv sets Env for the rest of the test (t.Setenv: not with t.Parallel).
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
}

// Count is the number of requests to p: with a query, to that page (long
// article links match on __biz, mid and idx only); without, to the path.
func (s *Server) Count(p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	path, query := split(p)
	if query == "" {
		return s.byPath[path]
	}
	return s.byKey[key(path, query)]
}

// Total is the number of requests received.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// Requests returns the requests received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// ResetCounts forgets the requests received.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	clear(s.byKey)
	clear(s.byPath)
}

// split takes a path with optional query, or a full URL, apart.
func split(p string) (path, query string) {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		if u, err := url.Parse(p); err == nil {
			return u.Path, u.RawQuery
		}
	}
	p, _, _ = strings.Cut(p, "#")
	path, query, _ = strings.Cut(p, "?")
	return path, query
}

// key names a page: long article links by __biz, mid and idx, albums by
// __biz and album_id, anything else by path and sorted query.
func key(path, query string) string {
	q, _ := url.ParseQuery(strings.ReplaceAll(query, "&amp;", "&"))
	switch {
	case path == "/s" && q.Get("__biz") != "" && q.Get("mid") != "" && q.Get("idx") != "":
		return "/s?" + url.Values{"__biz": {q.Get("__biz")}, "mid": {q.Get("mid")}, "idx": {q.Get("idx")}}.Encode()
	case path == "/mp/appmsgalbum" && q.Get("__biz") != "" && q.Get("album_id") != "":
		return path + "?" + url.Values{"__biz": {q.Get("__biz")}, "album_id": {q.Get("album_id")}}.Encode()
	case query == "":
		return path
	}
	return path + "?" + q.Encode()
}

// gzipped writes body gzip-encoded when the client accepts it.
func gzipped(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	w.WriteHeader(status)
	zw := gzip.NewWriter(w)
	zw.Write(body)
	zw.Close()
}
