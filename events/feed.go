package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"wxarchive/model"
)

// FeedOptions configure the Atom feed.
type FeedOptions struct {
	Title string // default "wxarchive: changes"
	// ID is the feed's permanent id; default a UUID derived from the
	// archive folder (when the Reader has a Dir method).
	ID string
	// BaseURL is the server's root ("http://127.0.0.1:8080"); default from
	// the request. Entries link to BaseURL + "/a/{key}" (the serve UI).
	BaseURL string
	Limit   int // most entries; default 100, at most 1000 (?limit=)
	Log     *slog.Logger
	Now     func() time.Time // for an empty feed's updated; nil: time.Now
}

// Feed serves the events as an Atom feed (RFC 4287), newest first, for
// `serve` to mount at /feed.atom. Query: kind=edited,deleted (repeatable)
// keeps those kinds; limit=N. Read-only: GET and HEAD.
func Feed(st Reader, o FeedOptions) http.Handler {
	if o.Title == "" {
		o.Title = "wxarchive: changes"
	}
	if o.Limit <= 0 {
		o.Limit = 100
	}
	if o.ID == "" {
		seed := "wxarchive"
		if d, ok := st.(interface{ Dir() string }); ok {
			if abs, err := filepath.Abs(d.Dir()); err == nil {
				seed = abs
			}
		}
		o.ID = "urn:uuid:" + makeID("feed", seed)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &feedHandler{st: st, o: o}
}

type feedHandler struct {
	st Reader
	o  FeedOptions
}

// Atom document types (RFC 4287); only what the feed writes.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	want := map[Kind]bool{}
	for _, v := range q["kind"] {
		for _, k := range strings.Split(v, ",") {
			k := Kind(strings.TrimSpace(k))
			if !k.Valid() {
				http.Error(w, "unknown kind "+strconv.Quote(string(k)), http.StatusBadRequest)
				return
			}
			want[k] = true
		}
	}
	limit := h.o.Limit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			http.Error(w, "limit: want a positive number", http.StatusBadRequest)
			return
		}
		limit = min(n, 1000)
	}
	all, err := Load(h.st)
	if err != nil {
		h.o.Log.Error("events: feed", "err", err)
		http.Error(w, "the archive could not be read", http.StatusInternalServerError)
		return
	}
	var evs []Event
	for i := len(all) - 1; i >= 0 && len(evs) < limit; i-- {
		if len(want) == 0 || want[all[i].Kind] {
			evs = append(evs, all[i])
		}
	}
	base := h.base(r)
	// The self link keeps the feed's own parameters only: never an access
	// token the server may take in the query.
	self := base + r.URL.EscapedPath()
	keep := url.Values{}
	for _, p := range []string{"kind", "limit"} {
		if v, ok := q[p]; ok {
			keep[p] = v
		}
	}
	if len(keep) > 0 {
		self += "?" + keep.Encode()
	}
	f := atomFeed{
		ID:        h.o.ID,
		Title:     atomText{Type: "text", Text: h.o.Title},
		Author:    atomPerson{Name: "wxarchive"},
		Generator: "wxarchive",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/"},
		},
	}
	updated := h.o.Now()
	if len(evs) > 0 {
		updated = evs[0].Time
	}
	f.Updated = atomTime(updated)
	for _, ev := range evs {
		f.Entries = append(f.Entries, entryOf(ev, base))
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		h.o.Log.Error("events: feed: encode", "err", err)
		http.Error(w, "the feed could not be written", http.StatusInternalServerError)
		return
	}
	// Feed readers poll: an unchanged feed is answered 304 by its ETag.
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && (match == etag || match == "W/"+etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(buf.Bytes())
}

// base is the server's root URL: the option, else the request's scheme and
// host (a Host the server accepted; it is escaped as an XML attribute).
func (h *feedHandler) base(r *http.Request) string {
	if h.o.BaseURL != "" {
		return strings.TrimSuffix(h.o.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host}
	return u.String()
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func entryOf(ev Event, base string) atomEntry {
	title := ev.Title
	if title == "" {
		title = string(ev.Key)
	}
	if ev.Kind.Operational() {
		title = ev.Subject
	}
	e := atomEntry{
		ID:         "urn:uuid:" + ev.ID,
		Title:      atomText{Type: "text", Text: label(ev.Kind) + ": " + cleanLine(title, 200)},
		Updated:    atomTime(ev.Time),
		Published:  atomTime(ev.Time),
		Categories: []atomCategory{{Term: string(ev.Kind)}},
		Summary:    atomText{Type: "text", Text: ev.Summary},
	}
	if ev.Key != "" {
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + "/a/" + url.PathEscape(string(ev.Key))})
		if ev.Kind == model.EventEdited && ev.Edit != nil && ev.Edit.From > 0 && ev.Edit.To > 0 {
			e.Links[0].Href = base + "/a/" + url.PathEscape(string(ev.Key)) + "/diff?from=" + strconv.Itoa(ev.Edit.From) + "&to=" + strconv.Itoa(ev.Edit.To)
		}
	} else {
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + "/"})
	}
	if u, err := url.Parse(ev.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: ev.URL})
	}
	return e
}
