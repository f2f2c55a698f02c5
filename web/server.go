package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"

	"wxarchive/archive"
	"wxarchive/search"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config is what the server needs.
type Config struct {
	Archive *archive.Archive
	Index   *search.Index // the archive's search index (Serve keeps it current)
	Token   string        // when set, every request must carry it
	Log     *slog.Logger
}

// Server is the read-only viewer of one archive.
type Server struct {
	a     *archive.Archive
	ix    *search.Index
	token [32]byte // SHA-256 of the token
	auth  bool
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux

	accountPageSize, searchPageSize int
}

// CSP allows the page's own styles, scripts and images, nothing inline and
// nothing remote.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// blobCSP is the policy of a served image: it can run nothing even when
// opened on its own (an SVG is a document).
const blobCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// tokenCookie carries the token after a first request with ?token=.
const tokenCookie = "wxarchive_token"

// New makes the server's handler.
func New(cfg Config) (*Server, error) {
	if cfg.Archive == nil || cfg.Index == nil {
		return nil, errors.New("web: an archive and its index are needed")
	}
	s := &Server{a: cfg.Archive, ix: cfg.Index, log: cfg.Log, mux: http.NewServeMux(),
		accountPageSize: accountPageSize, searchPageSize: searchPageSize}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Token != "" {
		s.auth, s.token = true, sha256.Sum256([]byte(cfg.Token))
	}
	var err error
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/favicon.svg"
		staticHandler(static).ServeHTTP(w, r)
	})
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /accounts/{biz}", s.account)
	s.mux.HandleFunc("GET /a/{key}", s.article)
	s.mux.HandleFunc("GET /a/{key}/versions", s.versions)
	s.mux.HandleFunc("GET /a/{key}/diff", s.diff)
	s.mux.HandleFunc("GET /search", s.search)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /blob/{ref...}", s.blob)
	return s, nil
}

// Handle adds a read-only route (a pattern such as "GET /feed.atom"): other
// views of the archive, the change feed of issue 14 for one, are served
// behind the same security rules as the pages.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP applies the security rules, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	if !s.auth && !loopbackHost(r.Host) {
		// Without a token only loopback names are served: a web page
		// cannot reach the archive by rebinding its own name to 127.0.0.1.
		http.Error(w, "forbidden: host "+r.Host+" is not a loopback name", http.StatusForbidden)
		return
	}
	if s.auth && !s.authorized(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authorized checks the token: an Authorization: Bearer header, the
// cookie, or ?token= (which sets the cookie and redirects to the URL
// without it, so the token stays out of history and logs).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") && s.tokenOK(strings.TrimSpace(v)) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.tokenOK(c.Value) {
		return true
	}
	q := r.URL.Query()
	if v := q.Get("token"); v != "" && s.tokenOK(v) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		q.Del("token")
		localRedirect(w, r, r.URL.Path, q.Encode(), http.StatusSeeOther)
		return false
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="wxarchive"`)
	http.Error(w, "unauthorized: this archive needs its token (open the URL printed by 'wxarchive serve', or send Authorization: Bearer TOKEN)", http.StatusUnauthorized)
	return false
}

// localRedirect redirects to a path of this site, taken from the request:
// the path is cleaned ("//evil.example/" is "/evil.example/") and the
// Location checked by isLocal; anything else goes to the home page. A
// redirect never leads to another site.
func localRedirect(w http.ResponseWriter, r *http.Request, p, rawQuery string, code int) {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	loc := (&url.URL{Path: clean, RawQuery: rawQuery}).String()
	if !isLocal(loc) {
		loc = "/"
	}
	http.Redirect(w, r, loc, code)
}

// isLocal reports whether a Location names a path of this site: it starts
// with one "/" (not "//" or "/\", which browsers read as another host), and
// holds no backslash, space or control character (browsers drop tabs and
// newlines, and read "\" as "/").
func isLocal(loc string) bool {
	if len(loc) == 0 || loc[0] != '/' || len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\') {
		return false
	}
	for i := 0; i < len(loc); i++ {
		if c := loc[i]; c <= ' ' || c == '\\' || c == 0x7f {
			return false
		}
	}
	return true
}

func (s *Server) tokenOK(v string) bool {
	sum := sha256.Sum256([]byte(v))
	return subtle.ConstantTimeCompare(sum[:], s.token[:]) == 1
}

// loopbackHost reports whether a Host header names this machine's loopback.
func loopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// CheckAddr refuses to listen beyond loopback without a token.
func CheckAddr(addr string, token bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("web: address %q: %w", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("web: address %q: the port is a number from 0 to 65535 (8080; 0 picks a free one)", addr)
	}
	if token {
		return nil
	}
	if host == "" {
		return fmt.Errorf("web: address %q listens on every interface: give --token (or --token-file), or listen on 127.0.0.1", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("web: address %q is not loopback: give --token (or --token-file), or listen on 127.0.0.1", addr)
	}
	return nil
}

// Options of Serve.
type Options struct {
	Addr    string
	Refresh time.Duration // how often the search index catches up (default 15s)
	// Ready, when set, receives the address listened on once listening.
	Ready func(addr string)
}

// Serve listens on opts.Addr and serves until ctx ends, keeping the search
// index current in the background (a catch-up costs one stat when nothing
// changed).
func (s *Server) Serve(ctx context.Context, opts Options) error {
	if err := CheckAddr(opts.Addr, s.auth); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("web: %s is in use (another wxarchive serve?): choose another port with --addr, e.g. --addr 127.0.0.1:8081: %w", opts.Addr, err)
	}
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	refresh := opts.Refresh
	if refresh <= 0 {
		refresh = 15 * time.Second
	}
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go s.keepIndexed(bg, refresh)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shut down: %w", err)
	}
	return nil
}

func (s *Server) keepIndexed(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		st, err := s.ix.Update(ctx, s.a)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("search index not updated", "err", err)
		case !st.Skipped:
			s.log.Info("search index updated", "indexed", st.Indexed, "removed", st.Removed, "docs", st.Docs, "took", st.Took.Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func staticHandler(static fs.FS) http.Handler {
	fsrv := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // files by name; no listing of the folder
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
