package archive

import (
	"fmt"
	"time"

	"wxarchive/model"
)

// ReextractResult is what Reextract did to one article.
type ReextractResult struct {
	Key     model.Key `json:"key"`
	Outcome string    `json:"outcome"` // rerendered, unchanged, derived, skipped
	Version int       `json:"version,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Path    string    `json:"path,omitempty"`
}

// Reextract renders the stored raw pages of an article again with r. It
// never changes what happened: no capture is added, the state, the last
// capture time and so the recheck schedule stay as they are.
//
//   - Each version whose raw page renders differently gets a rendering
//     (outcome rerendered): the same page, no edit. The readable file
//     shows the latest rendering of the latest version.
//   - An article without a version, whose newest stored raw page now
//     renders as an article (an extractor failed on it before), gets a
//     version derived from it (outcome derived), dated by that capture.
//
// dry only says what would be done. The caller holds the Lock unless dry.
func (a *Archive) Reextract(key model.Key, r Renderer, dry bool) (ReextractResult, error) {
	h, err := a.resolveHead(key)
	if err != nil {
		return ReextractResult{}, err
	}
	res := ReextractResult{Key: h.Key, Outcome: "unchanged", Version: len(h.History), Path: h.Path}
	caps, err := a.capturesOf(h)
	if err != nil {
		return res, err
	}
	now := time.Now().UTC()
	changed := 0
	for i := range h.History {
		v := &h.History[i]
		md, err := a.renderAgain(h, v, r)
		if err != nil {
			res.Detail = fmt.Sprintf("version %d: %v", v.N, err)
			continue
		}
		sum := contentHash(md)
		if cur, _ := v.current(); cur == sum {
			continue
		}
		if !dry {
			if _, err := a.store.PutIfAbsent(a.mdName(sum), md); err != nil {
				return res, err
			}
		}
		v.Renderings = append(v.Renderings, rendering{SHA: sum, Exact: sha(md), ID: identity(md), Extractor: r.Version(), Time: now})
		changed++
	}
	if changed > 0 {
		res.Outcome, res.Detail = "rerendered", fmt.Sprintf("%d of %d versions rendered anew", changed, len(h.History))
	}
	if len(h.History) == 0 {
		for i := len(caps) - 1; i >= 0; i-- {
			c := caps[i]
			if c.RawSHA == "" {
				continue
			}
			md, readErr, err := a.renderRaw(c.RawSHA, origin(&c), r)
			if readErr != nil {
				return res, readErr
			}
			if err != nil {
				continue
			}
			sum := contentHash(md)
			if !dry {
				if _, err := a.store.PutIfAbsent(a.mdName(sum), md); err != nil {
					return res, err
				}
			}
			h.History = append(h.History, versionRef{N: 1, SHA: sum, Exact: sha(md), Time: c.Time, ID: identity(md), Extractor: r.Version(),
				RawSHA: c.RawSHA, Derived: true, Undated: c.Undated})
			metaFromMarkdown(h, md)
			if h.Path == "" && !dry {
				if h.Path, err = a.choosePath(readableName(h.Account, h.Title, dateOf(h, c.Time), h.Key), h.Key); err != nil {
					return res, err
				}
			}
			res.Outcome, res.Version, res.Path = "derived", 1, h.Path
			res.Detail = fmt.Sprintf("version 1 derived from the raw page of the capture of %s", c.Time.Format(time.RFC3339))
			changed++
			break
		}
		if changed == 0 {
			res.Outcome, res.Detail = "skipped", "no stored raw page renders as an article"
		}
	}
	if dry || changed == 0 {
		return res, nil
	}
	plan, err := a.planReadable(h)
	if err != nil {
		return res, err
	}
	if err := a.putIntent(intent{Keys: []model.Key{h.Key}}); err != nil {
		return res, err
	}
	if err := a.putHead(h); err != nil {
		return res, err
	}
	if plan.path != "" {
		res.Path = plan.path
	}
	if w := a.afterCommit(h, nil, plan); len(w) > 0 {
		res.Detail += "; " + w[0]
	}
	return res, nil
}

// metaFromMarkdown fills the head's description of the article from a
// Markdown's front matter (for a version derived without a Document).
func metaFromMarkdown(h *head, md []byte) {
	h.Title = frontMatterValue(md, "title")
	h.Account = frontMatterValue(md, "account")
	h.AccountID = frontMatterValue(md, "account_id")
	if t, err := time.Parse(time.RFC3339, frontMatterValue(md, "published")); err == nil {
		h.Published = t
	}
}
