package fetcher

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"wxarchive/config"
)

// Environment variables read by ConfigFromEnv: testing and debugging aids,
// like curl --resolve and --cacert, that point the real code path at a fake
// server without touching the host allow-list.
const (
	// EnvResolve: "host:port=addr:port,…", e.g.
	// "mp.weixin.qq.com:443=127.0.0.1:1234,mmbiz.qpic.cn:443=127.0.0.1:1234".
	EnvResolve = "WXARCHIVE_RESOLVE"
	// EnvCAFile: a PEM file of extra CAs trusted besides the system store.
	EnvCAFile = "WXARCHIVE_CA_FILE"
)

// ConfigFromEnv reads WXARCHIVE_RESOLVE into cfg.Resolve and
// WXARCHIVE_CA_FILE into cfg.RootCAs (system store plus the file). Unset
// variables leave cfg as it is.
func ConfigFromEnv(cfg *Config) error {
	if v := strings.TrimSpace(os.Getenv(EnvResolve)); v != "" {
		m, err := parseResolve(v)
		if err != nil {
			return fmt.Errorf("fetcher: %s: %w", EnvResolve, err)
		}
		if cfg.Resolve == nil {
			cfg.Resolve = map[string]string{}
		}
		for k, a := range m {
			cfg.Resolve[k] = a
		}
	}
	if f := strings.TrimSpace(os.Getenv(EnvCAFile)); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("fetcher: %s: %w", EnvCAFile, err)
		}
		pool := cfg.RootCAs
		if pool != nil {
			pool = pool.Clone()
		} else if pool, err = x509.SystemCertPool(); err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("fetcher: %s: no certificate in %s", EnvCAFile, f)
		}
		cfg.RootCAs = pool
	}
	return nil
}

func parseResolve(v string) (map[string]string, error) {
	m := map[string]string{}
	for _, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		from, to, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("entry %q: want host:port=addr:port", entry)
		}
		for _, hp := range []string{from, to} {
			if h, p, err := net.SplitHostPort(hp); err != nil || h == "" || p == "" {
				return nil, fmt.Errorf("entry %q: %q is not host:port", entry, hp)
			}
		}
		m[strings.ToLower(from)] = to
	}
	return m, nil
}

// ConfigFromFetch maps the fetch section of pipeline.yaml onto a Config;
// zero values keep the defaults. A host entry that sets only some fields
// (say only interval) takes the others from the defaults for that host: the
// built-in rule of a host DefaultHosts names, else the "default" entry (as
// configured, over the built-in one). So "interval: 5s" alone never means
// no retries or no jitter.
func ConfigFromFetch(f config.Fetch) Config {
	cfg := Config{UserAgent: f.UserAgent, Timeout: time.Duration(f.Timeout), MaxBody: f.MaxBody}
	if len(f.Hosts) == 0 {
		return cfg
	}
	builtin := DefaultHosts()
	fallback := builtin["default"]
	if p, ok := f.Hosts["default"]; ok {
		fallback = inherit(p, fallback)
	}
	cfg.Hosts = make(map[string]Polite, len(f.Hosts))
	for h, p := range f.Hosts {
		if h != "default" {
			h = normHost(h)
		}
		base, ok := builtin[h]
		if !ok {
			base = fallback
		}
		cfg.Hosts[h] = inherit(p, base)
	}
	return cfg
}

// inherit is the rule p of pipeline.yaml with the fields it leaves out taken
// from base. A field written as 0 stays 0 (concurrency 0 is read as 1).
func inherit(p config.Polite, base Polite) Polite {
	r := base
	if p.Interval != nil {
		r.Interval = time.Duration(*p.Interval)
	}
	if p.Jitter != nil {
		r.Jitter = time.Duration(*p.Jitter)
	}
	if p.Concurrency != nil {
		r.Concurrency = max(*p.Concurrency, 1)
	}
	if p.Retries != nil {
		r.Retries = *p.Retries
	}
	if p.DailyCap != nil {
		r.DailyCap = *p.DailyCap
	}
	return r
}
