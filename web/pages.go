package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"wxarchive/archive"
	"wxarchive/model"
	"wxarchive/search"
)

var pageNames = []string{"home", "account", "article", "versions", "diff", "search", "error"}

// cst is the time zone WeChat dates are shown in.
var cst = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04")
	},
	"stamp": func(s string) string { // an RFC 3339 front matter date, for a reader
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.In(cst).Format("2006-01-02 15:04")
	},
	"articleURL": func(k model.Key) string { return articlePath(k) },
	"accountURL": func(biz string) string { return accountPath(biz) },
	"stateLabel": func(s any) string { return stateLabel(model.State(fmt.Sprint(s))) },
	"short":      func(s string) string { return s[:min(len(s), 12)] },
	"add":        func(a, b int) int { return a + b },
	"query":      query,
}

// query encodes pairs of names and values (empty values left out) as a
// query string. It is a template.URL: a plain string after "?" in an href
// would be escaped again by html/template ("v%3d1"), and every link with
// parameters would lose them. url.Values.Encode escapes every value, so
// what it returns is safe to place after "?".
func query(kv ...string) template.URL {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return template.URL(q.Encode())
}

func accountPath(biz string) string {
	if biz == "" {
		biz = "-"
	}
	return "/accounts/" + url.PathEscape(biz)
}

// stateLabel names a state for a reader.
func stateLabel(s model.State) string {
	switch s {
	case model.StateArticle, "":
		return "live"
	case model.StateDeleted:
		return "deleted"
	case model.StateViolation:
		return "censored"
	case model.StateAccountGone:
		return "account gone"
	case model.StateUnavailable, model.StateParamError, model.StateNotArticle:
		return "unavailable"
	case model.StateExpired:
		return "link expired"
	}
	return string(s)
}

func parseTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, p := range pageNames {
		t, err := template.New(p).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		out[p] = t
	}
	return out, nil
}

// render executes a page into a buffer first, so a template error is a
// clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render", "page", page, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorPage struct {
	Title   string
	Message string
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, title := http.StatusInternalServerError, "Something went wrong"
	var bad badRequest
	switch {
	case errors.Is(err, archive.ErrNotFound):
		status, title = http.StatusNotFound, "Not in the archive"
	case errors.As(err, &bad):
		status, title = http.StatusBadRequest, "Bad request"
	default:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", errorPage{Title: title, Message: err.Error()})
}

type badRequest string

func (b badRequest) Error() string { return string(b) }

// home: recent changes first, then the accounts.
type homePage struct {
	Title    string
	Changes  []search.RecentChange
	Accounts []search.Account
	Total    int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var p homePage
	var err error
	p.Title = "Archive"
	if p.Changes, err = s.ix.Recent(ctx, 50); err == nil {
		if p.Accounts, err = s.ix.Accounts(ctx); err == nil {
			p.Total, err = s.ix.Count(ctx)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", p)
}

// account: its articles newest first, filtered by state.
type accountPage struct {
	Title    string
	Account  search.Account
	State    string
	States   []string
	Docs     []search.Doc
	Page     int
	PrevPage int
	NextPage int
}

// Page sizes of the account and search pages (Server fields, so a test can
// page through a small archive).
const (
	accountPageSize = 100
	searchPageSize  = 20
)

var stateFilters = []string{"", string(model.StateArticle), string(model.StateDeleted), string(model.StateViolation), string(model.StateUnavailable)}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	biz := r.PathValue("biz")
	if biz == "-" {
		biz = ""
	}
	state := r.URL.Query().Get("state")
	if !validState(state) {
		s.fail(w, r, badRequest(fmt.Sprintf("unknown state %q", state)))
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	p := accountPage{State: state, States: stateFilters, Page: pg}
	var found bool
	var err error
	if p.Account, found, err = s.ix.Account(r.Context(), biz); err != nil {
		s.fail(w, r, err)
		return
	}
	if !found {
		s.fail(w, r, fmt.Errorf("web: account %q: %w", biz, archive.ErrNotFound))
		return
	}
	p.Title = p.Account.Name
	per := s.accountPageSize
	docs, err := s.ix.Articles(r.Context(), biz, model.State(state), per+1, (pg-1)*per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(docs) > per {
		docs, p.NextPage = docs[:per], pg+1
	}
	if pg > 1 {
		p.PrevPage = pg - 1
	}
	p.Docs = docs
	s.render(w, r, http.StatusOK, "account", p)
}

func validState(s string) bool {
	if s == "" {
		return true
	}
	switch model.State(s) {
	case model.StateArticle, model.StateDeleted, model.StateViolation, model.StateAccountGone,
		model.StateUnavailable, model.StateExpired, model.StateParamError, model.StateNotArticle:
		return true
	}
	return false
}

// resolve finds the article of a {key}, redirecting an alias to its key.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request) (*archive.Info, bool) {
	k := r.PathValue("key")
	if k == "" || strings.ContainsAny(k, "/?\\\x00") {
		s.fail(w, r, fmt.Errorf("web: article %q: %w", k, archive.ErrNotFound))
		return nil, false
	}
	key, err := s.a.Resolve(k)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if string(key) != k {
		localRedirect(w, r, strings.Replace(r.URL.Path, "/a/"+k, "/a/"+string(key), 1), r.URL.RawQuery, http.StatusMovedPermanently)
		return nil, false
	}
	info, err := s.a.Info(key)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return info, true
}

// banner says an article is no longer live, and since when.
type banner struct {
	State model.State
	Label string
	Since time.Time // first seen in this state
	Alive time.Time // last seen alive
}

// article: rendered body, front matter panel, banner.
type articlePage struct {
	Title      string
	Info       *archive.Info
	Version    int // shown
	Latest     bool
	Meta       *frontMatter
	MetaError  string
	Body       template.HTML
	Banner     *banner
	Related    []relatedLink
	Images     int
	Missing    int
	AccountURL string
}

type relatedLink struct {
	Title    string
	Original string
	Archived string // viewer path when archived
}

func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	info, ok := s.resolve(w, r)
	if !ok {
		return
	}
	p := articlePage{Title: info.Title, Info: info, Version: info.Versions, Latest: true, AccountURL: accountPath(info.Biz)}
	if p.Title == "" {
		p.Title = string(info.Key)
	}
	if v := r.URL.Query().Get("v"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > info.Versions {
			s.fail(w, r, badRequest(fmt.Sprintf("version %q: %s has %d version(s)", v, info.Key, info.Versions)))
			return
		}
		p.Version, p.Latest = n, n == info.Versions
	}
	caps, err := s.a.Captures(info.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if info.State != model.StateArticle && info.State != "" {
		_, alive, since := search.History(caps)
		p.Banner = &banner{State: info.State, Label: stateLabel(info.State), Since: since, Alive: alive}
	}
	if info.Versions > 0 {
		raw, err := s.a.Version(info.Key, p.Version)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fmb, body := search.SplitFrontMatter(raw)
		fm, err := parseFrontMatter(fmb)
		if err != nil {
			p.MetaError = err.Error()
		}
		p.Meta = fm
		if fm.Title != "" {
			p.Title = fm.Title
		}
		images, err := s.a.ImageRefs(info.Key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Body, err = renderBody(body, linker{images: images, archive: s.archived}); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Images = strings.Count(string(p.Body), `src="/blob/`)
		p.Missing = strings.Count(string(p.Body), `class="missing-image"`)
		for _, rel := range fm.Related {
			l := relatedLink{Title: rel.Title, Original: safeURL(rel.URL)}
			if k, ok := s.archived(rel.URL); ok {
				l.Archived = articlePath(k)
			}
			if l.Title == "" {
				l.Title = rel.URL
			}
			p.Related = append(p.Related, l)
		}
	}
	s.render(w, r, http.StatusOK, "article", p)
}

// archived returns the key of the archived copy of a WeChat link.
func (s *Server) archived(u string) (model.Key, bool) {
	l, err := model.ParseLink(u)
	if err != nil || l.Key() == "" {
		return "", false
	}
	k, err := s.a.Resolve(string(l.Key()))
	return k, err == nil
}

// versions: versions and captures as a timeline.
type versionsPage struct {
	Title    string
	Info     *archive.Info
	Versions []archive.VersionInfo
	Captures []captureRow
}

type captureRow struct {
	archive.CaptureRecord
	Label       string
	ImageErrors int
	Stripped    int
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	info, ok := s.resolve(w, r)
	if !ok {
		return
	}
	vs, err := s.a.Versions(info.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	caps, err := s.a.Captures(info.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := versionsPage{Title: "History of " + titleOf(info), Info: info, Versions: vs}
	for i := len(caps) - 1; i >= 0; i-- { // newest first
		c := caps[i]
		p.Captures = append(p.Captures, captureRow{CaptureRecord: c, Label: outcomeLabel(c.Outcome), ImageErrors: len(c.ImageErrors), Stripped: len(c.Stripped)})
	}
	s.render(w, r, http.StatusOK, "versions", p)
}

func titleOf(info *archive.Info) string {
	if info.Title != "" {
		return info.Title
	}
	return string(info.Key)
}

func outcomeLabel(o model.Outcome) string {
	switch o {
	case model.OutcomeCreated:
		return "first version"
	case model.OutcomeUpdated:
		return "edited: new version"
	case model.OutcomeUnchanged:
		return "unchanged"
	case model.OutcomeViolation:
		return "censored"
	}
	return string(o)
}

// diff: side by side.
type diffPage struct {
	Title    string
	Info     *archive.Info
	From, To int
	FromTime time.Time
	ToTime   time.Time
	Fields   []fieldChange
	Rows     []row
	Changed  int
	Versions []archive.VersionInfo
	// Coarse and Unmarked: the diff's work limits were reached (bodyDiff).
	Coarse   bool
	Unmarked int
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	info, ok := s.resolve(w, r)
	if !ok {
		return
	}
	p := diffPage{Title: "Changes to " + titleOf(info), Info: info, From: info.Versions - 1, To: info.Versions}
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		n    *int
	}{{"from", &p.From}, {"to", &p.To}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
			if err != nil || n < 1 || n > info.Versions {
				s.fail(w, r, badRequest(fmt.Sprintf("%s=%s: %s has %d version(s)", f.name, v, info.Key, info.Versions)))
				return
			}
			*f.n = n
		}
	}
	if info.Versions < 2 && q.Get("from") == "" {
		s.fail(w, r, badRequest(fmt.Sprintf("%s has %d version(s): nothing to compare", info.Key, info.Versions)))
		return
	}
	vs, err := s.a.Versions(info.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Versions = vs
	p.FromTime, p.ToTime = vs[p.From-1].Time, vs[p.To-1].Time
	oldMD, err := s.a.Version(info.Key, p.From)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	newMD, err := s.a.Version(info.Key, p.To)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ofm, obody := search.SplitFrontMatter(oldMD)
	nfm, nbody := search.SplitFrontMatter(newMD)
	om, _ := parseFrontMatter(ofm)
	nm, _ := parseFrontMatter(nfm)
	p.Fields = frontMatterChanges(om, nm)
	d := diffBodies(string(obody), string(nbody))
	p.Rows, p.Coarse, p.Unmarked = d.Rows, d.Coarse, d.Unmarked
	for _, rw := range p.Rows {
		if rw.Kind != rowSame && rw.Kind != rowSkip {
			p.Changed++
		}
	}
	s.render(w, r, http.StatusOK, "diff", p)
}

// search: full text.
type searchPage struct {
	Title    string
	Q        string
	Biz      string
	State    string
	States   []string
	Accounts []search.Account
	Results  *search.Results
	Error    string
	Page     int
	PrevPage int
	NextPage int
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := searchPage{Title: "Search", Q: q.Get("q"), Biz: q.Get("account"), State: q.Get("state"), States: stateFilters}
	if !validState(p.State) {
		s.fail(w, r, badRequest(fmt.Sprintf("unknown state %q", p.State)))
		return
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	p.Page = max(pg, 1)
	var err error
	if p.Accounts, err = s.ix.Accounts(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.TrimSpace(p.Q) != "" {
		p.Title = p.Q + " - search"
		n := s.searchPageSize
		res, err := s.ix.Search(r.Context(), search.Query{Text: p.Q, Biz: p.Biz, State: model.State(p.State), Limit: n, Offset: (p.Page - 1) * n})
		switch {
		case errors.Is(err, search.ErrEmptyQuery):
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			p.Results = res
			if p.Page*n < res.Total {
				p.NextPage = p.Page + 1
			}
			if p.Page > 1 {
				p.PrevPage = p.Page - 1
			}
		}
	}
	s.render(w, r, http.StatusOK, "search", p)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	n, err := s.ix.Count(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]any{"status": "error", "error": err.Error()})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "articles": n})
}

// blobName is the last element of a blob ref: a SHA-256 and an image
// extension.
var blobName = regexp.MustCompile(`^([0-9a-f]{64})\.(jpg|png|gif|webp|bmp|svg)$`)

var blobTypes = map[string]string{
	"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
	"webp": "image/webp", "bmp": "image/bmp", "svg": "image/svg+xml",
}

// blob serves a stored image. Only content-addressed image objects can be
// served: the name must be clean, end in <sha256>.<image ext>, and the
// bytes must hash to that name, so no other file of the archive (or of
// the machine) is reachable whatever the path says.
func (s *Server) blob(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	m := blobName.FindStringSubmatch(path.Base(ref))
	if m == nil || ref != path.Clean(ref) || strings.HasPrefix(ref, "/") || strings.Contains(ref, "..") ||
		strings.ContainsAny(ref, "\\\x00") {
		http.NotFound(w, r)
		return
	}
	data, err := s.a.Store().Get(ref)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != m[1] {
		s.log.Warn("blob does not match its name", "ref", ref)
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", blobTypes[m[2]])
	h.Set("Content-Security-Policy", blobCSP)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+m[1]+`"`)
	if r.Header.Get("If-None-Match") == `"`+m[1]+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
