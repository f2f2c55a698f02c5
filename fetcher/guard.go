package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// notPublic are the address blocks a connection made on behalf of content
// (a WeChat host name, a redirect a feed server chose) may never reach:
// this host, private and shared networks, benchmarking, documentation,
// reserved and multicast space, and the IPv6 forms that embed an IPv4
// address (mapped, compatible, NAT64, 6to4, Teredo), which could smuggle an
// internal IPv4 address past a check that looks at IPv6 only.
var notPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
		"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
		"2001::/32", "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// PublicAddr reports whether a is a public unicast address: not in any
// block of notPublic. IPv4-mapped and IPv4-compatible IPv6 forms are never
// public, whatever IPv4 address they carry.
func PublicAddr(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	if a.Is6() && !netip.MustParsePrefix("2000::/3").Contains(a) {
		return false // not global unicast space
	}
	for _, p := range notPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// guardControl refuses a connection to a non-public address; it runs on
// the address actually dialled, after DNS, so a name re-bound to an
// internal address between a check and the dial is still refused.
func guardControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("address %q: %w", address, ErrNotAllowed)
	}
	if !PublicAddr(ap.Addr()) {
		return fmt.Errorf("address %s is not public: %w", ap.Addr(), ErrNotAllowed)
	}
	return nil
}

// checkPublicHost resolves host (a name or an IP literal) and refuses it
// unless every address is public.
func checkPublicHost(ctx context.Context, r *net.Resolver, host string) error {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if !PublicAddr(a) {
			return fmt.Errorf("address %s is not public: %w", a, ErrNotAllowed)
		}
		return nil
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if !PublicAddr(a) {
			return fmt.Errorf("host %s resolves to %s, which is not public: %w", host, a, ErrNotAllowed)
		}
	}
	return nil
}

// LocalName reports whether host is a name only the user's own machine or
// network answers for, never public DNS: a single label (a Docker service
// such as "rsshub", a name in /etc/hosts) or a name under a domain public
// DNS does not delegate (localhost, local, internal, lan, home.arpa).
func LocalName(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "" || strings.ContainsAny(h, ":%") {
		return false
	}
	if !strings.Contains(h, ".") {
		return true
	}
	for _, d := range []string{"localhost", "local", "internal", "lan", "home.arpa"} {
		if strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// ownChoice reports whether a host the user wrote names this machine or
// the local network on purpose: an IP address, or a local name.
func ownChoice(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil || LocalName(host)
}

// guardedTransport is the transport for URLs the user configured (feeds,
// webhooks). Each dial is decided on what the user wrote, and checked on
// the address actually dialled:
//   - a proxy (from proxy) is dialled as it is: the user's own, maybe on
//     loopback;
//   - a configured address (configured reports it) whose host is an IP
//     address or a local name (LocalName) is dialled as written;
//   - anything else (a public-looking name, a redirect target) may only
//     reach public addresses: the check runs in the dialer's Control, after
//     DNS, so a name that resolves (or is re-bound) to 127.0.0.1 or
//     169.254.169.254 is refused, whatever it resolved to before.
func guardedTransport(connectTimeout time.Duration, proxy func(*http.Request) (*url.URL, error), res *net.Resolver, configured func(addr string) bool) *http.Transport {
	if proxy == nil {
		proxy = proxyFromEnvironment()
	}
	var proxies sync.Map // dial address (host:port) → true
	plain := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second, Resolver: res}
	return &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			pu, err := proxy(r)
			if pu != nil {
				proxies.Store(dialAddr(pu), true)
			}
			return pu, err
		},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			a := strings.ToLower(addr)
			host, _, err := net.SplitHostPort(a)
			if err != nil {
				return nil, fmt.Errorf("address %q: %w", addr, ErrNotAllowed)
			}
			if _, ok := proxies.Load(a); ok || (configured(a) && ownChoice(host)) {
				return plain.DialContext(ctx, network, addr)
			}
			hint := ""
			if configured(a) {
				hint = " (for a server on this machine or the local network, write its IP address, localhost or a local name in the URL)"
			}
			public := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second, Resolver: res,
				Control: func(network, address string, c syscall.RawConn) error {
					if err := guardControl(network, address, c); err != nil {
						return fmt.Errorf("host %s: %w%s", host, err, hint)
					}
					return nil
				}}
			return public.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   connectTimeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          8,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// DestConfig configures NewDestTransport.
type DestConfig struct {
	ConnectTimeout time.Duration // default 10s
	// Proxy chooses the proxy of a request; nil: HTTPS_PROXY, HTTP_PROXY
	// and NO_PROXY from the environment.
	Proxy func(*http.Request) (*url.URL, error)
	// Resolver resolves names; nil: net.DefaultResolver.
	Resolver *net.Resolver
}

// NewDestTransport is the transport for destinations the user configured
// that are not followed anywhere else (webhooks): a URL with an IP address
// or a local name (LocalName) reaches it; a public-looking name must
// resolve to public addresses, checked on the address dialled (DNS
// rebinding cannot turn it into a request to this machine).
func NewDestTransport(cfg DestConfig) *http.Transport {
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	return guardedTransport(cfg.ConnectTimeout, cfg.Proxy, cfg.Resolver, func(string) bool { return true })
}

// OpenConfig configures NewOpenClient.
type OpenConfig struct {
	// Trusted are the URLs the user configured (feeds): their origins
	// (scheme, host, port) may be on this machine or the local network,
	// like a self-hosted RSSHub on 127.0.0.1:1200, when written as an IP
	// address or a local name (LocalName); a public-looking name must
	// resolve to public addresses.
	Trusted        []string
	Timeout        time.Duration // whole request, body included; default 30s
	ConnectTimeout time.Duration // default 10s
	// Proxy chooses the proxy of a request; nil: HTTPS_PROXY, HTTP_PROXY
	// and NO_PROXY from the environment.
	Proxy func(*http.Request) (*url.URL, error)
	// Resolver resolves names, and checks redirect targets; nil:
	// net.DefaultResolver.
	Resolver *net.Resolver
}

// NewOpenClient is an HTTP client for URLs on any host that the user
// configured (feeds), with the address guard of the page client on
// everything the user did not write: a redirect to another origin must be
// http(s) and resolve to public addresses only (checked before it is
// followed, and again on the address dialled), so a feed server cannot make
// the tool request an internal address. Redirects within the configured
// origin are followed as they are; at most MaxRedirects. See
// guardedTransport for what each dial may reach.
func NewOpenClient(cfg OpenConfig) *http.Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	res := cfg.Resolver
	if res == nil {
		res = net.DefaultResolver
	}
	trusted := map[string]bool{} // dial address (host:port) of the configured origins
	for _, raw := range cfg.Trusted {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			trusted[dialAddr(u)] = true
		}
	}
	tr := guardedTransport(cfg.ConnectTimeout, cfg.Proxy, cfg.Resolver, func(a string) bool { return trusted[a] })
	return &http.Client{
		Timeout:   cfg.Timeout,
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			from := via[0].URL
			if len(via) >= MaxRedirects {
				return fmt.Errorf("fetcher: %s: more than %d redirects", from, MaxRedirects)
			}
			u := req.URL
			if u.Scheme != "http" && u.Scheme != "https" {
				return fmt.Errorf("fetcher: %s: redirect to %s: scheme %q %w", from, u, u.Scheme, ErrNotAllowed)
			}
			if u.User != nil {
				return fmt.Errorf("fetcher: %s: redirect to %s: user info in url %w", from, u, ErrNotAllowed)
			}
			if u.Scheme == from.Scheme && dialAddr(u) == dialAddr(from) {
				return nil // the origin the user configured
			}
			if err := checkPublicHost(req.Context(), res, u.Hostname()); err != nil {
				return fmt.Errorf("fetcher: %s: redirect to %s: %w", from, u, err)
			}
			return nil
		},
	}
}

// dialAddr is the host:port a request to u dials (lower case, default port).
func dialAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// IsNotAllowed reports whether err is a refusal of the address guard or
// the allow-list.
func IsNotAllowed(err error) bool { return errors.Is(err, ErrNotAllowed) }
