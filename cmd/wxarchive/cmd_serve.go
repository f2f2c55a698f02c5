package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/events"
	"wxarchive/web"
)

type serveOptions struct {
	addr      string
	token     string
	tokenFile string
}

func newServeCmd(e *env) *cobra.Command {
	var o serveOptions
	c := &cobra.Command{
		Use:   "serve",
		Short: "Read and search the archive in a browser",
		Long: `Serve a read-only view of the archive: recent changes (new, edited, deleted,
censored), accounts, each article with its images, history and side-by-side diffs, and
full-text search. Nothing is loaded from the web and nothing can be changed.

It listens on loopback only, unless a token is given (--token-file, --token or the
WXARCHIVE_TOKEN environment variable): then any address is allowed and every request must
carry the token (open the printed URL with ?token=… once, or send Authorization: Bearer …).`,
		Example: `  wxarchive serve
  wxarchive serve --archive ~/wechat --addr 127.0.0.1:9000
  wxarchive serve --addr 0.0.0.0:8080 --token-file ~/.config/wxarchive/token`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runServe(cmd.Context(), o) }),
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (beyond loopback only with a token)")
	f.StringVar(&o.tokenFile, "token-file", "", "read the access token from `FILE`")
	f.StringVar(&o.token, "token", "", "access `TOKEN` required on every request (prefer --token-file: a flag shows in ps)")
	return c
}

func (e *env) runServe(ctx context.Context, o serveOptions) error {
	token, err := e.serveToken(o)
	if err != nil {
		return err
	}
	if err := web.CheckAddr(o.addr, token != ""); err != nil {
		return usageError(err)
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	ix, done, err := e.openSearch(ctx, a)
	if err != nil {
		return err
	}
	defer done()
	srv, err := web.New(web.Config{Archive: a, Index: ix, Token: token, Log: e.log})
	if err != nil {
		return err
	}
	srv.Handle("GET /feed.atom", events.Feed(a, events.FeedOptions{Log: e.log}))
	return srv.Serve(ctx, web.Options{Addr: o.addr, Ready: func(addr string) {
		hint := ""
		if token != "" {
			hint = " (add ?token=… once, or send Authorization: Bearer …)"
		}
		fmt.Fprintf(e.stderr, "serving %s at %s%s\n", a.Dir(), serveURL(addr), hint)
	}})
}

// serveURL is the URL to open for the address listened on: an unspecified
// address (0.0.0.0, ::) is every interface, opened here through loopback.
func serveURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", port) + "/ (listening on every interface: use this machine's name or address from elsewhere)"
	}
	return "http://" + addr + "/"
}

// serveToken is the token of --token-file, --token or WXARCHIVE_TOKEN.
func (e *env) serveToken(o serveOptions) (string, error) {
	if o.tokenFile != "" && o.token != "" {
		return "", usageErrorf("give --token or --token-file, not both")
	}
	tok := o.token
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return "", usageErrorf("--token-file: %v", err)
		}
		if tok = strings.TrimSpace(string(b)); tok == "" {
			return "", usageErrorf("--token-file %s is empty", o.tokenFile)
		}
	}
	if tok == "" {
		tok = strings.TrimSpace(e.getenv("WXARCHIVE_TOKEN"))
	}
	if tok != "" && len(tok) < 16 {
		return "", usageErrorf("the token is %d characters long: use at least 16 (e.g. openssl rand -hex 16)", len(tok))
	}
	return tok, nil
}
