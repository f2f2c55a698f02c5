package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"wxarchive/fetcher"
	"wxarchive/internal/dataurl"
	"wxarchive/model"
)

// MaxHostFailures is how many consecutive network failures to one image
// host a command tolerates; after them the remaining images of that host
// are not requested (recorded as pending, fetched by the next ingest or
// recheck). An offline page of 50 images ends in seconds, not minutes. A
// connect timeout (packets dropped) counts as all of them at once: each
// further try would cost the whole timeout again.
const MaxHostFailures = 3

// HostDownFor is how long a host stays given up: after it, one request is
// tried again (a daemon is not cut off from a host for good).
const HostDownFor = 5 * time.Minute

// hostHealth counts consecutive network failures per host, for the life of
// a Service (one command, or a daemon).
type hostHealth struct {
	mu    sync.Mutex
	fails map[string]int
	why   map[string]string
	since map[string]time.Time // when the host was given up
}

// down reports whether host is given up at now, and why.
func (h *hostHealth) down(host string, now time.Time) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fails[host] < MaxHostFailures {
		return "", false
	}
	if now.Sub(h.since[host]) >= HostDownFor {
		// One more try: a failure gives the host up again at once.
		h.fails[host] = MaxHostFailures - 1
		return "", false
	}
	return h.why[host], true
}

func (h *hostHealth) report(host string, err error, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fails == nil {
		h.fails, h.why, h.since = map[string]int{}, map[string]string{}, map[string]time.Time{}
	}
	if err == nil {
		delete(h.fails, host)
		return
	}
	r := fetcher.NetReason(err)
	if r == "" {
		return
	}
	h.fails[host]++
	if errors.Is(err, fetcher.ErrConnectTimeout) {
		h.fails[host] = max(h.fails[host], MaxHostFailures)
	}
	h.why[host] = r
	if h.fails[host] == MaxHostFailures {
		h.since[host] = now
	}
}

// Progress is what a capture is doing, for a display on a terminal.
type Progress struct {
	Target string
	Stage  string // "page": fetching the page (URL); "images": Done of Total images handled
	URL    string
	Done   int
	Total  int
}

func (s *Service) progress(p Progress) {
	if s.Progress != nil {
		s.Progress(p)
	}
}

// imageOutcome is what became of the images of one capture.
type imageOutcome struct {
	refs    map[string]string // image URL → blob ref
	errs    map[string]string // image URL → why it is not saved (pending)
	total   int
	network bool // some were not saved because a host was unreachable
	off     int  // not requested: downloading is off (or there is no fetcher)
}

// images stores each image of an article, once: images an earlier capture
// stored are reused, local copies of a saved page (files, data: URIs) are
// read from disk, the rest are downloaded (when enabled). A failed image is
// recorded as pending, never fatal; the caller logs one summary line.
func (s *Service) images(ctx context.Context, target string, key model.Key, urls []string, local *localImages) imageOutcome {
	out := imageOutcome{refs: map[string]string{}, total: len(urls)}
	known, err := s.Archive.ImageRefs(key)
	if err != nil {
		s.log().Warn("stored images unknown; reading all", "key", key, "err", err)
	}
	fail := func(u, why string) {
		if out.errs == nil {
			out.errs = map[string]string{}
		}
		out.errs[u] = why
		s.log().Debug("image not saved", "url", shortURL(u), "err", why)
	}
	for i, u := range urls {
		s.progress(Progress{Target: target, Stage: "images", URL: u, Done: i, Total: len(urls)})
		if ref, ok := known[u]; ok {
			out.refs[u] = ref
			continue
		}
		data, err := local.load(u)
		if err == nil {
			if ref, perr := s.Archive.PutBlob(data); perr == nil {
				out.refs[u] = ref
			} else {
				fail(u, perr.Error())
			}
			continue
		}
		if !errors.Is(err, errNotLocal) {
			s.log().Debug("local copy of image unusable", "url", shortURL(u), "err", err)
		}
		if strings.HasPrefix(u, "data:") || dataurl.IsRef(u) {
			fail(u, err.Error()) // an inline image: nothing to fetch
			continue
		}
		if !s.Images || s.Fetcher == nil {
			out.off++
			continue
		}
		if fetcher.Stopping(ctx) {
			fail(u, "not fetched: stopping")
			continue
		}
		host := hostOf(u)
		if why, down := s.health.down(host, s.now()); down {
			fail(u, fmt.Sprintf("not fetched: %s unreachable (%s)", host, why))
			out.network = true
			continue
		}
		data, _, err = s.Fetcher.Image(ctx, u)
		s.health.report(host, err, s.now())
		if err == nil {
			var ref string
			if ref, err = s.Archive.PutBlob(data); err == nil {
				out.refs[u] = ref
				continue
			}
		}
		if fetcher.NetReason(err) != "" {
			out.network = true
		}
		fail(u, err.Error())
	}
	s.progress(Progress{Target: target, Stage: "images", Done: len(urls), Total: len(urls)})
	return out
}

// saidImagesOff tells the user that images are not copied and why: once
// (INFO) for the life of the Service, it is a choice of the configuration or
// the command line, not news of each page; each page at DEBUG.
func (s *Service) saidImagesOff(target string, n, total int) {
	why := cmp.Or(s.ImagesOff, "downloading images is off")
	if s.Images {
		why = "no fetcher: fetching is not enabled"
	}
	if s.offSaid.CompareAndSwap(false, true) {
		s.log().Info("images are not copied into the archive: "+why+"; the readable copies keep the links to WeChat's image server", "target", target)
	}
	s.log().Debug("images not copied", "target", target, "images", n, "of", total, "why", why)
}

// summary is the one line said about the images not saved, "" when all were.
func (o imageOutcome) summary() string {
	if len(o.errs) == 0 {
		return ""
	}
	why := map[string]int{}
	for _, e := range o.errs {
		why[reasonOf(e)]++
	}
	reasons := slices.SortedFunc(maps.Keys(why), func(a, b string) int { return cmp.Or(why[b]-why[a], strings.Compare(a, b)) })
	if len(reasons) == 1 && strings.HasPrefix(reasons[0], "refused") {
		return fmt.Sprintf("%d of %d images not saved: %s", len(o.errs), o.total, reasons[0])
	}
	return fmt.Sprintf("%d of %d images not saved: %s; they are fetched again by the next ingest or recheck",
		len(o.errs), o.total, strings.Join(reasons, ", "))
}

// reasonOf shortens an image error to what a person needs to know.
func reasonOf(e string) string {
	if strings.Contains(e, " "+fetcher.ErrNotAllowed.Error()) { // the fetcher's allow-list
		return "refused: not on WeChat's image server"
	}
	for _, r := range []string{"host not found", "name lookup failed", "connection refused", "network unreachable",
		"host unreachable", "connect timed out", "timed out", "connection reset", "stopping", "unreachable", "cooling down", "not an image",
		"status 404", "status 403", "larger than"} {
		if strings.Contains(e, r) {
			switch r {
			case "host not found", "name lookup failed", "network unreachable", "host unreachable", "unreachable":
				return "network unreachable"
			case "stopping":
				return "stopped before fetching them"
			}
			return r
		}
	}
	return "fetch failed (details: WXARCHIVE_LOG=debug)"
}

// shortURL keeps a data: URI from filling a log line.
func shortURL(u string) string {
	if len(u) > 120 && strings.HasPrefix(u, "data:") {
		return u[:60] + "…"
	}
	if pu, err := url.Parse(u); err == nil && len(u) > 200 {
		return pu.Host + pu.Path
	}
	return u
}
