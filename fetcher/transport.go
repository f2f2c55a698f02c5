package fetcher

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// proxyFromEnvironment reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY now (not
// once per process, as http.ProxyFromEnvironment does).
func proxyFromEnvironment() func(*http.Request) (*url.URL, error) {
	f := httpproxy.FromEnvironment().ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return f(r.URL) }
}

// newTransport is the bottom of the stack: dialing (with the Resolve
// override and the public-address guard), proxy, TLS and gzip.
func newTransport(cfg *Config) *http.Transport {
	resolve := make(map[string]string, len(cfg.Resolve))
	for from, to := range cfg.Resolve {
		resolve[strings.ToLower(from)] = to
	}
	d := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second, Control: guardControl}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := resolve[strings.ToLower(addr)]; ok {
			return d.DialContext(ctx, network, to)
		}
		host, _, err := net.SplitHostPort(addr)
		if err == nil && allowedHost(host) {
			// A WeChat host reached directly: its addresses must be public.
			return guarded.DialContext(ctx, network, addr)
		}
		// Anything else is the proxy the user configured, which may well
		// be on loopback: requests themselves were checked by the allow-list.
		return d.DialContext(ctx, network, addr)
	}
	proxy := cfg.Proxy
	if proxy == nil {
		proxy = proxyFromEnvironment()
	}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dial,
		TLSClientConfig:       &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   cfg.ConnectTimeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
