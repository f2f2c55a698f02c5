package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"wxarchive/config"
	"wxarchive/fetcher"
	"wxarchive/model"
)

// discover queues the articles of every configured source. A source that
// fails is logged and counted; the others go on.
func (ps *pass) discover(ctx context.Context) {
	src := ps.p.Config.Sources
	for _, u := range src.URLs {
		if l, err := model.ParseLink(u); err == nil {
			ps.enqueue(l, 0, "urls")
		}
	}
	for _, f := range src.URLFiles {
		data, err := os.ReadFile(ps.path(f))
		if err != nil {
			ps.sourceErr("url_file", f, fmt.Errorf("pipeline: url file: %w", err))
			continue
		}
		for _, l := range textFileLinks(f, data) {
			ps.enqueue(l, 0, "url_file:"+f)
		}
	}
	hc := ps.p.HTTP
	if hc == nil && len(src.Feeds) > 0 {
		// One client for the pass, its idle connections closed after:
		// a daemon must not keep a pool per pass open for weeks.
		hc = NewFeedClient(ps.p.Config.Fetch, src.Feeds)
		defer hc.CloseIdleConnections()
	}
	for _, f := range src.Feeds {
		if ctx.Err() != nil {
			return
		}
		links, err := ps.feedLinks(ctx, hc, f)
		if err != nil {
			ps.sourceErr("feed", f, err)
			continue
		}
		for _, l := range links {
			ps.enqueue(l, 0, "feed:"+f)
		}
	}
	for _, a := range src.Albums {
		if ctx.Err() != nil {
			return
		}
		ps.album(ctx, a)
	}
	ps.followAccounts(ctx)
}

func (ps *pass) sourceErr(kind, name string, err error) {
	ps.sum.SourceErrs++
	ps.log.Warn("source failed", "kind", kind, "source", name, "err", err)
}

// path resolves a relative source path against the configuration's folder.
func (ps *pass) path(p string) string { return ps.p.Config.Resolve(p) }

// album queues the articles an album page lists.
func (ps *pass) album(ctx context.Context, raw string) {
	if ps.p.Pages == nil {
		ps.log.Warn("albums need a page fetcher; skipped", "album", raw)
		return
	}
	l, err := model.ParseLink(raw)
	if err != nil {
		ps.sourceErr("album", raw, err)
		return
	}
	if ps.stopped[hostOf(l.Canon)] {
		ps.sum.Skipped++
		return
	}
	c, err := ps.p.Pages.Page(ctx, l.Canon)
	if err != nil {
		if ps.p.CoolingDown != nil && ps.p.CoolingDown(err) {
			ps.stopped[hostOf(l.Canon)] = true
			ps.sum.Skipped++
			ps.log.Warn("host cooling down: no more fetches from it this run", "host", hostOf(l.Canon), "url", l.Canon)
			return
		}
		ps.sourceErr("album", raw, err)
		return
	}
	first := parseAlbumHTML(c.Raw)
	if len(first.Links) == 0 {
		ps.log.Warn("album lists no articles", "album", raw)
	}
	for _, al := range first.Links {
		ps.enqueue(al, 0, "album:"+l.Album)
	}
	ps.albumRest(ctx, l, first)
}

// albumRest reads the pages of a long album that its HTML does not hold,
// through the paged JSON listing, from where the last pass stopped, at most
// MaxAlbumPages a pass.
func (ps *pass) albumRest(ctx context.Context, l model.Link, first albumPage) {
	cur, seen := ps.q.Albums[l.Album]
	if !seen {
		cur = first.Last
	}
	more := first.More && cur.MsgID != ""
	for n := 0; more && n < MaxAlbumPages && ctx.Err() == nil; n++ {
		u := albumListingURL(l.ID.Biz, l.Album, cur)
		c, err := ps.p.Pages.Page(ctx, u)
		if err != nil {
			if ps.p.CoolingDown != nil && ps.p.CoolingDown(err) {
				ps.stopped[hostOf(u)] = true
				ps.sum.Skipped++
				return
			}
			ps.sourceErr("album", l.Canon, err)
			return
		}
		page, err := parseAlbumJSON(c.Raw)
		if err != nil {
			ps.sourceErr("album", l.Canon, err)
			return
		}
		for _, al := range page.Links {
			ps.enqueue(al, 0, "album:"+l.Album)
		}
		if page.Last.MsgID != "" {
			cur = page.Last
		}
		more = page.More && page.Last.MsgID != ""
		ps.q.Albums[l.Album] = cur
	}
}

// feedLinks reads a feed (URL or local file) and returns the article links
// of its items: item links and links inside item content.
func (ps *pass) feedLinks(ctx context.Context, hc *http.Client, src string) ([]model.Link, error) {
	var data []byte
	var err error
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		data, err = FetchFeed(ctx, hc, src, ps.p.Config.Fetch.UserAgent, maxFeed(ps.p.Config.Fetch))
	} else if data, err = os.ReadFile(ps.path(src)); err != nil {
		err = fmt.Errorf("pipeline: feed file: %w", err)
	}
	if err != nil {
		return nil, err
	}
	links, err := FeedLinks(data)
	if err != nil {
		return nil, fmt.Errorf("pipeline: feed %s: %w", src, err)
	}
	return links, nil
}

func maxFeed(f config.Fetch) int64 {
	if f.MaxBody > 0 {
		return f.MaxBody
	}
	return 10 << 20
}

// NewFeedClient is the HTTP client for feeds, which come from any host
// (RSSHub and the like, often self-hosted on this machine): the configured
// timeout (default 30s), proxies from the environment, and the fetcher's
// address guard on every redirect to another origin than the feed's own, so
// a feed server cannot make the pipeline request an internal address.
func NewFeedClient(f config.Fetch, feeds []string) *http.Client {
	return fetcher.NewOpenClient(fetcher.OpenConfig{Trusted: feeds, Timeout: time.Duration(f.Timeout)})
}

// ErrTooLarge is returned for a feed larger than the size cap.
var ErrTooLarge = errors.New("larger than fetch.max_body")

// FetchFeed GETs a feed, refusing bodies over max bytes.
func FetchFeed(ctx context.Context, hc *http.Client, u, userAgent string, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("pipeline: feed %s: %w", u, err)
	}
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, */*;q=0.8")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pipeline: feed %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("pipeline: feed %s: HTTP %d", u, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("pipeline: read feed %s: %w", u, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("pipeline: feed %s: %w (%d bytes)", u, ErrTooLarge, max)
	}
	return data, nil
}

// FeedLinks parses an RSS, Atom or JSON feed and returns the WeChat article
// links of its items (item links first, then links in content), unique.
// Its error names no source: callers wrap it with the feed's name.
func FeedLinks(data []byte) ([]model.Link, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an RSS, Atom or JSON feed: %w", err)
	}
	var b strings.Builder
	for _, it := range f.Items {
		b.WriteString(it.Link + "\n")
		for _, l := range it.Links {
			b.WriteString(l + "\n")
		}
		b.WriteString(it.GUID + "\n" + it.Description + "\n" + it.Content + "\n")
	}
	return ExtractLinks(b.String()), nil
}
