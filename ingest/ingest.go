package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/fetcher"
	"wxarchive/model"
)

// MaxFileSize caps a saved page read from a file or stdin: the one page
// size limit, model.MaxPageSize.
const MaxFileSize = model.MaxPageSize

// Service captures targets into an archive. The caller holds the archive's
// writer lock for as long as it calls Ingest.
type Service struct {
	Archive *archive.Archive
	Fetcher *fetcher.Client // nil: URL targets fail with a clear error
	Images  bool            // download body images into the archive
	// ImagesOff says why Images is false, for the line that tells the user
	// images are not copied ("archive.images is false in pipeline.yaml",
	// "--no-images"); "": "downloading images is off".
	ImagesOff string
	Rules     []extractor.Rule
	Stdin     io.Reader // for the target "-"
	Log       *slog.Logger
	Now       func() time.Time // nil: time.Now
	// Grace bounds how long a capture goes on after its context is
	// cancelled (a stop): the request in flight may finish, no new one
	// starts, and what was read is recorded. 0: fetcher.DefaultGrace.
	Grace time.Duration
	// Progress, when set, hears what a capture is doing (a terminal
	// display); it must return quickly.
	Progress func(Progress)

	health  hostHealth
	offSaid atomic.Bool // the images-off line was said
}

// Options name the article behind a saved page that lacks its identity,
// and when a saved page was captured.
type Options struct {
	URL string
	// Captured is when a saved page was captured: a time (see
	// ParseCaptured) or CapturedFileTime. Empty: the page's own SingleFile
	// "saved date", else unknown (the page's content is kept, the article's
	// state is left alone).
	Captured string
	// Hint is what a listing said of the article (title, time…): recorded
	// with the capture, shown for an article that turns out deleted or
	// unavailable.
	Hint *model.Hint
	// Pre is the extraction of this saved page done ahead (Preextract),
	// used when the page Ingest reads is the one extracted.
	Pre *Preextracted
}

// Result is what became of one target.
type Result struct {
	Target      string
	Key         model.Key
	Outcome     model.Outcome
	Version     int
	Path        string
	Title       string
	Related     []model.Related
	Biz         string
	Err         error
	CoolingDown bool // not fetched: the host is cooling down after a block
	NotPage     bool // the input is not a WeChat article page at all (a saved file of something else)
	Images      int  // body images of the article
	// ImagesMissing are images not saved (pending: the next ingest or
	// recheck fetches them).
	ImagesMissing int
	// Notes say what became of the readable file when it is not simply
	// (re)written (edited or deleted by hand); Warnings are failures after
	// the capture was committed (the next writer finishes them).
	Notes, Warnings []string
}

// IsURL reports whether a target names a page on the web rather than a file.
func IsURL(target string) bool {
	t := strings.ToLower(strings.TrimSpace(target))
	return strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") ||
		strings.HasPrefix(t, model.Host+"/") || strings.HasPrefix(t, model.Host+":") || strings.HasPrefix(t, "//"+model.Host+"/")
}

// Ingest captures one target: a URL, a file path or "-". It never panics on
// bad input; every outcome, failures included, comes back in the Result.
func (s *Service) Ingest(ctx context.Context, target string, opt Options) Result {
	ctx, finish := fetcher.Finish(ctx, s.Grace)
	defer finish()
	res := Result{Target: target}
	in, err := s.read(ctx, target, opt)
	if in != nil {
		in.Hint = opt.Hint
	}
	if err != nil {
		res.Err = err
		res.Outcome = model.OutcomeFailed
		var fe *fetcher.Error
		if errors.As(err, &fe) {
			switch fe.Kind {
			case fetcher.KindCoolingDown:
				res.Outcome, res.CoolingDown = model.OutcomeBlocked, true
				return res // nothing was attempted, nothing to record
			case fetcher.KindRefused, fetcher.KindCanceled:
				return res
			case fetcher.KindBlocked:
				res.Outcome = model.OutcomeBlocked
				in.Err = nil
				in.Doc = &model.Document{State: model.StateVerify, Reason: fe.Error()}
			}
		}
		if in == nil || !s.recordable(in) {
			return res
		}
		if in.Doc == nil {
			in.Err = err
		}
		return s.record(in, res)
	}

	in.ExtractURL = firstNonEmpty(opt.URL, in.Capture.FinalURL, in.Capture.SourceURL)
	in.Renderer = Renderer{Rules: s.Rules}
	eopts := s.extractOptions(in)
	var doc *model.Document
	var md []byte
	if pre := opt.Pre; pre.usable(in.Capture.Raw, eopts) {
		doc, md, err = pre.doc, pre.md, pre.err
	} else {
		doc, err = extractor.Extract(in.Capture.Raw, eopts)
		if err == nil && doc.State == model.StateArticle && doc.Article != nil {
			md = extractor.Render(doc.Article)
		}
	}
	if err != nil {
		res.Err, res.Outcome = err, model.OutcomeFailed
		res.NotPage = errors.Is(err, extractor.ErrNotHTML) || errors.Is(err, extractor.ErrEmpty)
		in.Err = err
		if !s.recordable(in) {
			return res
		}
		return s.record(in, res)
	}
	in.Doc = doc
	if doc.State == model.StateTruncated {
		// A cut-off page is a failed capture, never a state of the article.
		in.Err = &StateError{State: doc.State, Reason: doc.Reason}
	}
	if doc.State.Blocked() && s.Fetcher != nil && IsURL(target) {
		s.Fetcher.ReportBlocked(hostOf(in.Capture.SourceURL), string(doc.State)+": "+doc.Reason)
	}
	if doc.State == model.StateArticle && doc.Article != nil {
		in.Markdown = md
		in.Stripped = doc.Article.Stripped
		res.Related = doc.Article.Meta.Related
		var local *localImages
		if !IsURL(target) {
			dir := ""
			if target != "-" {
				dir = filepath.Dir(target)
			}
			local = scanLocalImages(in.Capture.Raw, dir)
		}
		// The cover too: WeChat refuses hotlinks, the readable copy shows it
		// from assets/. A saved page's cover only when saved with it: a
		// saved page is read offline.
		urls, cover := doc.Article.Images, doc.Article.Meta.Cover
		extra := cover != "" && !slices.Contains(urls, cover)
		if extra && local != nil {
			if _, err := local.load(cover); err != nil {
				extra = false
			}
		}
		if extra {
			urls = append(slices.Clip(urls), cover)
		}
		imgs := s.images(ctx, target, articleKey(in), urls, local)
		in.Images, in.ImageErrors = imgs.refs, imgs.errs
		res.Images, res.ImagesMissing = len(doc.Article.Images), len(imgs.errs)
		if _, failed := imgs.errs[cover]; extra && failed {
			res.ImagesMissing--
		}
		if line := imgs.summary(); line != "" {
			s.log().Warn(line, "target", target)
		}
		if imgs.off > 0 {
			s.saidImagesOff(target, imgs.off, imgs.total)
		}
	}
	res.Biz = doc.ID.Biz
	return s.record(in, res)
}

// extractOptions are the options a capture is extracted with.
func (s *Service) extractOptions(in *archive.Input) extractor.Options {
	return extractor.Options{SourceURL: in.ExtractURL, Rules: s.Rules, ContentType: in.Capture.ContentType}
}

// Preextracted is a saved page read and extracted ahead of Ingest.
type Preextracted struct {
	raw  []byte
	opts extractor.Options
	doc  *model.Document
	md   []byte // extractor.Render of the article
	err  error
}

// Preextract reads the saved page target (a file: not a URL, not "-") and
// extracts and renders it as Ingest would, without touching the archive,
// the fetcher or the Service's state: it may run on any goroutine, any
// number at once, while Ingest runs. Passed to Ingest as Options.Pre, it
// spares Ingest the extraction when the file still holds the same page. It
// returns nil for a target it does not read ahead (a URL, stdin, a file it
// cannot read: Ingest reports that).
func (s *Service) Preextract(target string, opt Options) *Preextracted {
	if IsURL(target) || target == "-" {
		return nil
	}
	f, err := os.Open(target)
	if err != nil {
		return nil
	}
	defer f.Close()
	raw, err := ReadPage(f, target)
	if err != nil {
		return nil
	}
	// As Ingest: a saved page's extraction URL is the one the user gave.
	in := &archive.Input{Capture: model.Capture{Raw: raw, SourceURL: opt.URL}, ExtractURL: opt.URL}
	p := &Preextracted{raw: raw, opts: s.extractOptions(in)}
	p.doc, p.err = extractor.Extract(raw, p.opts)
	if p.err == nil && p.doc.State == model.StateArticle && p.doc.Article != nil {
		p.md = extractor.Render(p.doc.Article)
	}
	return p
}

// usable reports whether p extracted these bytes with these options.
func (p *Preextracted) usable(raw []byte, opts extractor.Options) bool {
	return p != nil && p.opts.SourceURL == opts.SourceURL && p.opts.ContentType == opts.ContentType &&
		sameRules(p.opts.Rules, opts.Rules) && bytes.Equal(p.raw, raw)
}

// sameRules reports whether two rule lists are the same list.
func sameRules(a, b []extractor.Rule) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// now is the Service's clock.
func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// read turns a target into an archive input holding the raw capture.
func (s *Service) read(ctx context.Context, target string, opt Options) (*archive.Input, error) {
	now := s.now
	if IsURL(target) {
		if opt.Captured != "" {
			return nil, fmt.Errorf("ingest: %s: --captured is for saved pages; a fetch is dated now", target)
		}
		if s.Fetcher == nil {
			return nil, fmt.Errorf("ingest: %s: fetching is not enabled", target)
		}
		link := firstNonEmpty(opt.URL, target)
		l, err := model.ParseLink(target)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		// The canonical link, not the argument: it has a scheme (https),
		// no tracking parameters and no fragment.
		s.progress(Progress{Target: target, Stage: "page", URL: l.Canon})
		capt, err := s.Fetcher.Page(ctx, l.Canon)
		if err != nil {
			return &archive.Input{Capture: model.Capture{Target: target, SourceURL: l.Canon, FetchedAt: now()}, Link: link}, err
		}
		capt.Target = target
		return &archive.Input{Capture: *capt, Link: link, TimeSource: "fetch"}, nil
	}
	var r io.Reader
	name := target
	if target == "-" {
		if s.Stdin == nil {
			return nil, errors.New("ingest: no standard input")
		}
		r, name = s.Stdin, "stdin"
	} else {
		f, err := os.Open(target)
		if err != nil {
			if scheme := urlScheme(target); scheme != "" && errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("ingest: a %s: link is neither an mp.weixin.qq.com page (https) nor a saved page's path", scheme)
			}
			return nil, fmt.Errorf("ingest: %w", err)
		}
		defer f.Close()
		r = f
	}
	raw, err := ReadPage(r, name)
	if err != nil {
		return nil, err
	}
	in := &archive.Input{
		Capture: model.Capture{Target: target, SourceURL: opt.URL, FetchedAt: now(), Raw: raw},
		Link:    opt.URL,
	}
	warn, err := dateSaved(in, opt.Captured, target)
	if err != nil {
		return nil, err
	}
	if warn != "" {
		s.log().Warn(warn, "target", target)
	}
	return in, nil
}

// ReadPage reads a saved page of at most MaxFileSize bytes from r (a file
// or stdin, named name in errors); a larger one is refused without being
// read whole.
func ReadPage(r io.Reader, name string) ([]byte, error) {
	var buf bytes.Buffer
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if fi.Size() > MaxFileSize {
				return nil, fmt.Errorf("ingest: %s: larger than %d MiB, not a saved page", name, MaxFileSize>>20)
			}
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, MaxFileSize+1)); err != nil {
		return nil, fmt.Errorf("ingest: read %s: %w", name, err)
	}
	if buf.Len() > MaxFileSize {
		return nil, fmt.Errorf("ingest: %s: larger than %d MiB, not a saved page", name, MaxFileSize>>20)
	}
	return buf.Bytes(), nil
}

// recordable reports whether a failed capture can be attributed to an
// article (otherwise there is nothing to record it under).
func (s *Service) recordable(in *archive.Input) bool { return articleKey(in) != "" }

func (s *Service) record(in *archive.Input, res Result) Result {
	r, err := s.Archive.Record(*in)
	if errors.Is(err, archive.ErrNoIdentity) {
		res.NotPage = true
		err = fmt.Errorf("%w; name the article with --url", err)
	}
	if err != nil {
		if res.Err == nil {
			res.Err = err
		} else {
			res.Err = fmt.Errorf("%w (and recording it failed: %v)", res.Err, err)
		}
		res.Outcome = model.OutcomeFailed
		return res
	}
	res.Key, res.Outcome, res.Version, res.Path, res.Title = r.Key, r.Outcome, r.Version, r.Path, r.Title
	res.Notes, res.Warnings = r.Notes, r.Warnings
	if res.Err == nil && in.Err != nil {
		res.Err = in.Err
	}
	if res.Err == nil && in.Doc != nil && in.Doc.State != model.StateArticle {
		res.Err = &StateError{State: in.Doc.State, Reason: in.Doc.Reason}
	}
	return res
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// StateError says a page was a state (deleted, verification, …), not an
// article.
type StateError struct {
	State  model.State
	Reason string
}

func (e *StateError) Error() string {
	if e.Reason == "" {
		return "page is " + string(e.State)
	}
	return "page is " + string(e.State) + ": " + e.Reason
}

// articleKey is the key the archive will file an input under, as far as it
// can be told before recording ("" when unknown).
func articleKey(in *archive.Input) model.Key {
	if in.Doc != nil && in.Doc.ID.Complete() {
		return in.Doc.ID.Key()
	}
	for _, u := range []string{in.Link, in.Capture.SourceURL} {
		if l, err := model.ParseLink(u); err == nil && l.Key() != "" {
			return l.Key()
		}
	}
	return ""
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return model.Host
	}
	return strings.ToLower(u.Hostname())
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// urlScheme is the scheme of a target that looks like a URL of another
// kind (javascript:, file:, ftp://): a letter, then letters, digits, "+",
// "-" or ".", then a colon; "" otherwise (a Windows drive letter is a path).
func urlScheme(target string) string {
	i := strings.IndexByte(target, ':')
	if i < 2 {
		return ""
	}
	for j, c := range target[:i] {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(target[:i])
}
