package archive

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"wxarchive/model"
)

// Record stores one capture; the caller holds the Lock.
//
// The outcome: failed when in.Err is set or nothing usable came back;
// model.OutcomeOf(state) for a state page (deleted, violation, blocked…),
// which never creates a version nor touches the latest Markdown; for an
// article, created (first version), updated (content changed) or unchanged.
// A blocked or failed capture does not change the article's current state.
//
// Write order (a crash at any instant leaves a consistent archive): raw
// snapshot, version objects, capture record, then the head (the commit),
// then the derived readable file and index line; the intent journal lets
// the next Lock finish these last two.
func (a *Archive) Record(in Input) (Result, error) {
	key, short, err := identify(in)
	if err != nil {
		return Result{}, err
	}
	// A deleted page fetched through an already joined short link belongs
	// to the article.
	if key == short {
		if ah, err := a.loadHead(short); err != nil {
			return Result{}, err
		} else if ah != nil && ah.AliasOf != "" {
			key, short = ah.AliasOf, ""
		}
	}
	h, err := a.loadHead(key)
	if err != nil {
		return Result{}, err
	}
	if h == nil {
		h = &head{Info: Info{Key: key}}
	} else if h.AliasOf != "" {
		return Result{}, fmt.Errorf("archive: record %s: key is an alias of %s", key, h.AliasOf)
	}
	var alias *head
	readable := false // rewrite the readable file
	if short != "" && short != key {
		if alias, readable, err = a.join(h, short); err != nil {
			return Result{}, err
		}
	}

	at := in.Capture.FetchedAt
	if at.IsZero() {
		at = time.Now()
	}
	rec := CaptureRecord{
		Key: key, Time: at.UTC(), Target: in.Capture.Target, Link: in.Link,
		SourceURL: in.Capture.SourceURL, FinalURL: in.Capture.FinalURL,
		HTTPStatus: in.Capture.HTTPStatus, Stripped: in.Stripped, ImageErrors: in.ImageErrors,
		Hint: in.Hint,
	}
	if len(in.Capture.Raw) > 0 {
		if rec.RawSHA, err = a.putRaw(in.Capture.Raw); err != nil {
			return Result{}, err
		}
	}
	if in.Doc != nil {
		rec.State, rec.Reason = in.Doc.State, in.Doc.Reason
		if h.Biz == "" {
			h.Biz = in.Doc.ID.Biz
		}
	}
	if h.URL == "" {
		h.URL = canonURL(in)
	}

	switch {
	case in.Err != nil:
		rec.Outcome, rec.Error = model.OutcomeFailed, in.Err.Error()
	case in.Doc == nil:
		rec.Outcome, rec.Error = model.OutcomeFailed, "no document extracted"
	case in.Doc.State != model.StateArticle:
		rec.Outcome = model.OutcomeOf(in.Doc.State)
	case in.Doc.Article == nil || len(in.Markdown) == 0:
		rec.Outcome, rec.Error = model.OutcomeFailed, "article without Markdown"
	default:
		// Images known from earlier captures stay linked (a re-extraction
		// passes none).
		for u, ref := range in.Images {
			if h.Images == nil {
				h.Images = map[string]string{}
			}
			if h.Images[u] != ref {
				h.Images[u] = ref
				readable = true
			}
		}
		rec.ContentHash = contentHash(in.Markdown)
		if last := h.last(); last != nil && last.SHA == rec.ContentHash {
			rec.Outcome, rec.Version = model.OutcomeUnchanged, last.N
		} else {
			rec.Outcome = model.OutcomeUpdated
			if last == nil {
				rec.Outcome = model.OutcomeCreated
			}
			v, err := a.putVersion(key, len(h.History)+1, in.Markdown, rec.ContentHash, h.Images, rec.Time)
			if err != nil {
				return Result{}, err
			}
			h.History = append(h.History, v)
			rec.Version = v.N
			readable = true
		}
		setMeta(h, in.Doc, at)
		if h.Path == "" {
			if h.Path, err = a.choosePath(readableName(h.Account, h.Title, dateOf(h, at), key), key); err != nil {
				return Result{}, err
			}
			readable = true
		}
	}
	if rec.Outcome != model.OutcomeFailed && rec.Outcome != model.OutcomeBlocked {
		h.State = in.Doc.State
	}
	applyHint(h, in.Hint)
	h.LastCapture, h.LastOutcome = rec.Time, rec.Outcome
	h.Captures++

	if err := a.putCapture(&rec); err != nil {
		return Result{}, err
	}
	keys := []model.Key{key}
	if alias != nil {
		keys = append(keys, alias.Key)
	}
	if err := a.putIntent(keys); err != nil {
		return Result{}, err
	}
	if err := a.putHead(h); err != nil {
		return Result{}, err
	}
	if alias != nil {
		if err := a.putHead(alias); err != nil {
			return Result{}, err
		}
	}
	if readable {
		if err := a.writeReadable(h); err != nil {
			return Result{}, err
		}
	}
	if err := a.appendIndex(h, alias); err != nil {
		return Result{}, err
	}
	if err := a.store.Delete(intentName); err != nil {
		return Result{}, err
	}
	return Result{Key: key, Outcome: rec.Outcome, Version: len(h.History), Path: h.Path, Title: h.Title}, nil
}

// identify returns the article's key and, when the capture came through a
// short link, that link's key.
func identify(in Input) (key, short model.Key, err error) {
	var linkKey model.Key
	for _, u := range []string{in.Link, in.Capture.SourceURL} {
		if u == "" {
			continue
		}
		if l, err := model.ParseLink(u); err == nil && l.Key() != "" {
			linkKey = l.Key()
			if l.Kind == model.KindShort {
				short = linkKey
			}
			break
		}
	}
	if in.Doc != nil && in.Doc.ID.Complete() {
		if short == "" && in.Doc.ShortLink != "" {
			// The page names its own short link: remember it as an alias,
			// so the article is found by either.
			if l, err := model.ParseLink(in.Doc.ShortLink); err == nil && l.Kind == model.KindShort {
				short = l.Key()
			}
		}
		return in.Doc.ID.Key(), short, nil
	}
	if linkKey != "" {
		return linkKey, short, nil
	}
	return "", "", fmt.Errorf("%w (link %q, source %q)", ErrNoIdentity, in.Link, in.Capture.SourceURL)
}

// join makes the short-link key an alias of h's article, carrying over
// what was recorded under it. It returns the alias head to write, or nil
// when the join was done before.
func (a *Archive) join(h *head, short model.Key) (alias *head, merged bool, err error) {
	ah, err := a.loadHead(short)
	if err != nil {
		return nil, false, err
	}
	if ah == nil {
		ah = &head{Info: Info{Key: short}}
	}
	if ah.AliasOf == h.Key {
		return nil, false, nil
	}
	if ah.AliasOf != "" {
		return nil, false, fmt.Errorf("archive: short link %s is already joined to %s, not %s", short, ah.AliasOf, h.Key)
	}
	if !slices.Contains(h.Aliases, short) {
		h.Aliases = append(h.Aliases, short)
	}
	h.Captures += ah.Captures
	switch {
	case len(ah.History) == 0:
	case len(h.History) == 0:
		// An article first keyed by its short link (page without ids).
		h.History, h.Path, h.Images = ah.History, ah.Path, ah.Images
		h.Title, h.Account, h.AccountID, h.Published = ah.Title, ah.Account, ah.AccountID, ah.Published
		ah.History, ah.Path, ah.Images = nil, "", nil
	default:
		// Both keys were read before they were known to be one article:
		// keep every distinct version of both, oldest first.
		h.History = mergeHistory(h.History, ah.History)
		for u, ref := range ah.Images {
			if _, ok := h.Images[u]; !ok {
				if h.Images == nil {
					h.Images = map[string]string{}
				}
				h.Images[u] = ref
			}
		}
		ah.History, ah.Path, ah.Images = nil, "", nil
		merged = true
	}
	if h.LastCapture.IsZero() || ah.LastCapture.After(h.LastCapture) {
		h.State = ah.State
	}
	ah.AliasOf = h.Key
	return ah, merged, nil
}

// mergeHistory interleaves two version histories of one article by time,
// drops a version identical to the one before it, and numbers the result.
// The version files stay where they were written; refs point at them.
func mergeHistory(a, b []versionRef) []versionRef {
	all := append(append([]versionRef(nil), a...), b...)
	slices.SortStableFunc(all, func(x, y versionRef) int { return x.Time.Compare(y.Time) })
	out := all[:0]
	for _, v := range all {
		if len(out) > 0 && out[len(out)-1].SHA == v.SHA {
			continue
		}
		v.N = len(out) + 1
		out = append(out, v)
	}
	return out
}

func canonURL(in Input) string {
	if in.Doc != nil && in.Doc.ID.Complete() {
		return in.Doc.ID.URL()
	}
	for _, u := range []string{in.Link, in.Capture.SourceURL} {
		if l, err := model.ParseLink(u); err == nil {
			return l.Canon
		}
	}
	return ""
}

func setMeta(h *head, d *model.Document, at time.Time) {
	m := d.Article.Meta
	h.Title, h.Account, h.AccountID, h.Related = m.Title, m.Account, m.AccountID, m.Related
	if d.ID.Complete() {
		h.URL = d.ID.URL()
	} else if m.URL != "" {
		h.URL = m.URL
	}
	if t, err := time.Parse(time.RFC3339, m.Published); err == nil {
		h.Published = t
	}
}

func dateOf(h *head, at time.Time) time.Time {
	if !h.Published.IsZero() {
		return h.Published
	}
	return at
}

// putVersion writes a new version: the Markdown as a content-addressed
// object, then the browsable version file with image links rewritten.
func (a *Archive) putVersion(key model.Key, n int, md []byte, sum string, images map[string]string, at time.Time) (versionRef, error) {
	if _, err := a.store.PutIfAbsent(mdName(sum), md); err != nil {
		return versionRef{}, err
	}
	file := fmt.Sprintf("%s%s/%04d.md", versionsDir, key, n)
	body := rewriteImages(md, images, file)
	// Put, not PutIfAbsent: a file under this name can only be the leftover
	// of a crashed Record that no head references.
	if err := a.store.Put(file, body); err != nil {
		return versionRef{}, err
	}
	return versionRef{N: n, SHA: sum, File: file, FileSHA: sha(body), Time: at}, nil
}

// readableContent is what the readable file of h must hold.
func (a *Archive) readableContent(h *head) ([]byte, error) {
	last := h.last()
	if last == nil || h.Path == "" {
		return nil, nil
	}
	md, err := a.store.Get(mdName(last.SHA))
	if err != nil {
		return nil, err
	}
	return rewriteImages(md, h.Images, h.Path), nil
}

func (a *Archive) writeReadable(h *head) error {
	b, err := a.readableContent(h)
	if err != nil || b == nil {
		return err
	}
	return a.store.Put(h.Path, b)
}

func (a *Archive) putCapture(rec *CaptureRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: encode capture: %w", err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	rec.Name = fmt.Sprintf("%s%s/%s-%s.json", capturesDir, rec.Key, time.Now().UTC().Format("20060102T150405.000000000Z"), hex.EncodeToString(rnd[:]))
	created, err := a.store.PutIfAbsent(rec.Name, append(b, '\n'))
	if err == nil && !created {
		err = errors.New("name taken")
	}
	if err != nil {
		return fmt.Errorf("archive: write capture %s: %w", rec.Name, err)
	}
	return nil
}

type intent struct {
	Keys []model.Key `json:"keys"`
}

func (a *Archive) putIntent(keys []model.Key) error {
	b, _ := json.Marshal(intent{Keys: keys})
	return a.store.Put(intentName, b)
}

// recover finishes what a crashed writer left: the readable files and
// index lines of the heads named by the intent journal, the alias pointers
// of joined short links; and rebuilds a missing index. Idempotent.
func (a *Archive) recover() error {
	b, err := a.store.Get(intentName)
	if err == nil {
		var it intent
		if err := json.Unmarshal(b, &it); err != nil {
			return fmt.Errorf("archive: recover: read %s: %w", intentName, err)
		}
		for _, k := range it.Keys {
			h, err := a.loadHead(k)
			if err != nil {
				return fmt.Errorf("archive: recover %s: %w", k, err)
			}
			if h == nil {
				continue
			}
			for _, ak := range h.Aliases {
				ah, err := a.loadHead(ak)
				if err != nil {
					return err
				}
				if ah == nil {
					ah = &head{Info: Info{Key: ak}}
				}
				if ah.AliasOf != k {
					ah.AliasOf = k
					if err := a.putHead(ah); err != nil {
						return err
					}
					if err := a.appendIndex(ah, nil); err != nil {
						return err
					}
				}
			}
			if err := a.writeReadable(h); err != nil {
				return fmt.Errorf("archive: recover %s: %w", k, err)
			}
			if err := a.appendIndex(h, nil); err != nil {
				return err
			}
		}
		a.log.Info("archive: finished an interrupted write", "keys", it.Keys)
		if err := a.store.Delete(intentName); err != nil {
			return err
		}
	}
	return a.maintainIndex()
}
