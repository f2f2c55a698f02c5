package events

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"wxarchive/model"
)

// atomDoc is the Atom structure (RFC 4287) as a reader parses it.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Author  []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"http://www.w3.org/2005/Atom category"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func feedArchive(t *testing.T) *testArchive {
	a := newArchive(t)
	r := a.capture(page(t, articlePage), "", day0)
	a.capture(editedPage(t), "", day0.Add(time.Hour))
	a.capture(page(t, "exporter-deleted-zh.html"), a.url(r.Key), day0.Add(2*time.Hour))
	if _, _, err := Record(a, Op{Kind: model.EventBlocked, Subject: "mp.weixin.qq.com", Reason: "verification page <b>", At: day0.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return a
}

func getFeed(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestFeedIsAtom(t *testing.T) {
	a := feedArchive(t)
	h := Feed(a, FeedOptions{})
	rec := getFeed(t, h, "http://127.0.0.1:8080/feed.atom")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	var doc atomDoc
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed Atom: %v\n%s", err, body)
	}
	isTime := func(s string) bool { _, err := time.Parse(time.RFC3339, s); return err == nil }
	if !strings.HasPrefix(doc.ID, "urn:uuid:") || doc.Title == "" || !isTime(doc.Updated) || len(doc.Author) == 0 || doc.Author[0].Name == "" {
		t.Errorf("feed lacks a required element: %+v", doc)
	}
	self := false
	for _, l := range doc.Links {
		self = self || (l.Rel == "self" && l.Href == "http://127.0.0.1:8080/feed.atom")
	}
	if !self {
		t.Errorf("no self link: %+v", doc.Links)
	}
	if len(doc.Entries) != 4 {
		t.Fatalf("%d entries, want 4 (new, edited, deleted, blocked)", len(doc.Entries))
	}
	ids := map[string]bool{}
	for _, e := range doc.Entries {
		if !strings.HasPrefix(e.ID, "urn:uuid:") || ids[e.ID] || e.Title == "" || !isTime(e.Updated) || e.Summary == "" {
			t.Errorf("entry lacks a required element or repeats an id: %+v", e)
		}
		ids[e.ID] = true
		alt := false
		for _, l := range e.Links {
			alt = alt || (l.Rel == "alternate" && strings.HasPrefix(l.Href, "http://127.0.0.1:8080/"))
		}
		if !alt {
			t.Errorf("entry %s has no alternate link: %+v", e.Title, e.Links)
		}
	}
	// Newest first; the edit links to the diff of its two versions.
	if doc.Entries[0].Category[0].Term != "blocked" || doc.Entries[2].Category[0].Term != "edited" {
		t.Errorf("order: %s, %s", doc.Entries[0].Category[0].Term, doc.Entries[2].Category[0].Term)
	}
	if href := doc.Entries[2].Links[0].Href; !strings.HasSuffix(href, "/diff?from=1&to=2") {
		t.Errorf("edit links to %s", href)
	}
	if strings.Contains(body, "<b>") {
		t.Error("markup from a reason reached the feed unescaped")
	}

	// A feed reader reads it.
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil || f.FeedType != "atom" || len(f.Items) != 4 {
		t.Fatalf("gofeed: %v %+v", err, f)
	}
	if f.Items[2].Link == "" || f.Items[2].GUID == "" {
		t.Errorf("gofeed item: %+v", f.Items[2])
	}

	// The same request gives the same ids (stable), the feed id too.
	var again atomDoc
	if err := xml.Unmarshal(getFeed(t, h, "http://127.0.0.1:8080/feed.atom").Body.Bytes(), &again); err != nil || again.ID != doc.ID || again.Entries[1].ID != doc.Entries[1].ID {
		t.Error("ids changed between two requests")
	}
}

func TestFeedFiltersAndRefuses(t *testing.T) {
	a := feedArchive(t)
	h := Feed(a, FeedOptions{BaseURL: "https://example.org/wx/"})
	var doc atomDoc
	rec := getFeed(t, h, "/feed.atom?kind=deleted,edited&limit=1")
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Entries) != 1 || doc.Entries[0].Category[0].Term != "deleted" || !strings.HasPrefix(doc.Entries[0].Links[0].Href, "https://example.org/wx/a/") {
		t.Errorf("filtered: %+v", doc.Entries)
	}
	doc = atomDoc{}
	if err := xml.Unmarshal(getFeed(t, h, "/feed.atom?token=t0ken&kind=new").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if href := doc.Links[0].Href; doc.Links[0].Rel != "self" || href != "https://example.org/wx/feed.atom?kind=new" {
		t.Errorf("self link %q keeps more than the feed's parameters", href)
	}
	for _, target := range []string{"/feed.atom?kind=nope", "/feed.atom?limit=-1"} {
		if rec := getFeed(t, h, target); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/feed.atom", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
	// A reader polling with the ETag gets 304 until something changes.
	first := getFeed(t, h, "/feed.atom")
	req := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
	req.Header.Set("If-None-Match", first.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if first.Header().Get("ETag") == "" || rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("conditional GET: %d %q", rec.Code, first.Header().Get("ETag"))
	}
	a.capture(page(t, articlePage), "", day0.Add(5*time.Hour)) // readable again: restored
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("conditional GET after a change: %d", rec.Code)
	}

	// An empty archive is a valid empty feed.
	empty := Feed(newArchive(t), FeedOptions{})
	doc = atomDoc{}
	if err := xml.Unmarshal(getFeed(t, empty, "/feed.atom").Body.Bytes(), &doc); err != nil || doc.Updated == "" || len(doc.Entries) != 0 {
		t.Errorf("empty feed: %v %+v", err, doc)
	}
}

// TestFeedHostileText: control characters, invalid UTF-8 and XML's
// forbidden characters in what an event carries (a reason, a subject) never
// make the feed ill-formed: a strict XML parser and a feed reader read it.
func TestFeedHostileText(t *testing.T) {
	a := feedArchive(t)
	for i, s := range []string{"a\x00b\x01c\x1b[31m", "bad \xff\xfe utf-8", "\ufffe\uffff ]]> <![CDATA[ & <x>", "\u202eevil\ud7ff"} {
		if _, _, err := Record(a, Op{Kind: model.EventBlocked, Subject: s, Reason: s, At: day0.Add(time.Duration(4+i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	body := getFeed(t, Feed(a, FeedOptions{}), "http://127.0.0.1:8080/feed.atom").Body.String()
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	var doc atomDoc
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed: %v\n%q", err, body)
	}
	if !utf8.ValidString(body) {
		t.Errorf("feed is not valid UTF-8")
	}
	if f, err := gofeed.NewParser().ParseString(body); err != nil || len(f.Items) < 8 {
		t.Fatalf("gofeed: %v", err)
	}
}
