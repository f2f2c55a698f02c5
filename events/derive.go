package events

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"wxarchive/archive"
	"wxarchive/internal/mdtext"
	"wxarchive/model"
)

// outcomeRerendered is the outcome the archive records when a newer
// extractor renders an unchanged page differently (issue 8 §4): not an
// edit. Named here until model carries it.
const outcomeRerendered model.Outcome = "rerendered"

// MarkdownFunc reads a version's Markdown by its content hash
// (archive.Archive.Markdown).
type MarkdownFunc func(sum string) ([]byte, error)

// Derive returns the events of one article from its captures, given in the
// order they were recorded (as archive.Archive.Captures returns them). md
// reads versions for the edit summaries.
//
// A readable capture is new the first time, edited when the archive made a
// new version of different content, restored when the article had been
// deleted, removed or unavailable; a deleted, violation or unavailable
// page is an event when the article was not already in that state. An
// unchanged page, a re-rendering, and failed, blocked or expired captures
// make no event.
func Derive(info archive.Info, caps []archive.CaptureRecord, md MarkdownFunc) ([]Event, error) {
	var out []Event
	var gone Kind // the state the article is in, "" while readable or unknown
	lastSHA, lastVersion := "", 0
	var stateAt time.Time // time of the observation the state comes from
	for _, c := range caps {
		// A saved copy of unknown date, or one dated before the newest
		// observation, says nothing about whether the article is gone now
		// (the archive's state follows the newest observation by time).
		observes := !c.Undated && (stateAt.IsZero() || !c.Time.Before(stateAt))
		rec := path.Base(c.Name)
		if c.Name == "" {
			rec = c.Time.UTC().Format(time.RFC3339Nano)
		}
		emit := func(k Kind, edit *Edit) {
			ev := Event{
				ID: makeID("capture", string(k), string(c.Key), rec), Kind: k, Time: c.Time,
				Key: info.Key, Title: info.Title, Account: info.Account, URL: info.URL,
				Version: c.Version, State: c.State, Edit: edit,
			}
			if !readable(c.Outcome) {
				ev.Reason = cleanLine(c.Reason, 200)
			}
			summarise(&ev)
			out = append(out, ev)
		}
		switch {
		case readable(c.Outcome) && c.ContentHash != "":
			if gone != "" && lastSHA != "" && observes {
				emit(model.EventRestored, nil)
			}
			switch {
			case lastSHA == "":
				emit(model.EventNew, nil)
			case c.ContentHash != lastSHA && (c.Outcome == model.OutcomeUpdated || c.Outcome == model.OutcomeCreated):
				e, err := editOf(md, lastSHA, c.ContentHash)
				if err != nil {
					return out, fmt.Errorf("events: %s: edit of capture %s: %w", info.Key, rec, err)
				}
				e.From, e.To = lastVersion, c.Version
				emit(model.EventEdited, e)
			}
			if observes {
				gone, stateAt = "", c.Time
			}
			lastSHA, lastVersion = c.ContentHash, c.Version
		default:
			k := goneKind(c.Outcome)
			if k == "" || k == gone || !observes {
				continue
			}
			emit(k, nil)
			gone, stateAt = k, c.Time
		}
	}
	return out, nil
}

// readable reports whether a capture found the article readable.
func readable(o model.Outcome) bool {
	switch o {
	case model.OutcomeCreated, model.OutcomeUpdated, model.OutcomeUnchanged, outcomeRerendered:
		return true
	}
	return false
}

// goneKind is the event of a capture that found the article taken down,
// "" for captures that say nothing about it (failed, blocked, expired).
func goneKind(o model.Outcome) Kind {
	switch o {
	case model.OutcomeDeleted:
		return model.EventDeleted
	case model.OutcomeViolation:
		return model.EventViolation
	case model.OutcomeUnavailable:
		return model.EventUnavailable
	}
	return ""
}

// editOf compares two versions' text, character by character.
func editOf(md MarkdownFunc, fromSHA, toSHA string) (*Edit, error) {
	a, err := md(fromSHA)
	if err != nil {
		return nil, err
	}
	b, err := md(toSHA)
	if err != nil {
		return nil, err
	}
	fa, ba := splitFrontMatter(string(a))
	fb, bb := splitFrontMatter(string(b))
	e := bodyEdit(ba, bb)
	if e.Changed == 0 {
		// Only the front matter differs (a description, a date).
		e = diffText(fa, fb, false)
	}
	return e, nil
}

// bodyEdit compares two Markdown bodies as a reader reads them: the
// characters of the text (no link targets, image URLs, escapes or entity
// references; "&lt;" is one character and its ";" ends no sentence). A
// change the text does not show (a link's target, an image) is counted in
// the Markdown.
func bodyEdit(a, b string) *Edit {
	e := diffText(mdtext.PlainText([]byte(a)), mdtext.PlainText([]byte(b)), false)
	if e.Changed == 0 && a != b {
		e = diffText(a, b, true)
	}
	return e
}

// splitFrontMatter separates a Markdown document's YAML front matter from
// its body (the title heading and the text).
func splitFrontMatter(s string) (front, body string) {
	if rest, ok := strings.CutPrefix(s, "---\n"); ok {
		if i := strings.Index(rest, "\n---\n"); i >= 0 {
			return rest[:i], rest[i+len("\n---\n"):]
		}
	}
	return "", s
}

// diffText counts the characters changed from a to b and finds the first
// changed sentence; md says a and b are Markdown (the sentence is then
// read as text).
func diffText(a, b string, md bool) *Edit {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 2 * time.Second
	ra, rb := []rune(a), []rune(b)
	diffs := dmp.DiffMainRunes(ra, rb, true)
	e := &Edit{}
	pa, pb := 0, 0 // positions in ra and rb, in runes
	found := false
	for i, d := range diffs {
		n := len([]rune(d.Text))
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			pa += n
			pb += n
			continue
		case diffmatchpatch.DiffInsert:
			e.Inserted += n
			if !found {
				e.Sentence, found = sentenceAt(rb, pb, n, md), true
			}
			pb += n
		case diffmatchpatch.DiffDelete:
			e.Deleted += n
			if !found {
				if i+1 < len(diffs) && diffs[i+1].Type == diffmatchpatch.DiffInsert {
					e.Sentence = sentenceAt(rb, pb, len([]rune(diffs[i+1].Text)), md)
				} else {
					e.Sentence, e.Removed = sentenceAt(ra, pa, n, md), true
				}
				found = true
			}
			pa += n
		}
	}
	e.Changed = e.Inserted + e.Deleted
	return e
}

// sentenceAt returns the sentence of text around the change at [pos,
// pos+n), cleaned of Markdown marks; a long sentence is cut to a window
// that shows the change.
func sentenceAt(text []rune, pos, n int, md bool) string {
	start := pos
	for start > 0 && !endsSentence(text[start-1]) {
		start--
	}
	end := min(pos+n, len(text))
	if n == 0 || end == 0 || !endsSentence(text[end-1]) {
		for end < len(text) {
			r := text[end]
			end++
			if endsSentence(r) {
				break
			}
		}
	}
	const window = 120
	lead := ""
	if pos-start > window/2 && end-start > window {
		start, lead = max(start, pos-window/3), "…"
	}
	s := string(text[start:end])
	if md {
		// As a reader sees it: no link targets or image URLs, escapes
		// and entity references read as their characters.
		s = strings.TrimFunc(mdtext.PlainText([]byte(s)), func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("#>*_-`|", r)
		})
	}
	return cleanLine(lead+strings.TrimSpace(s), window)
}

func endsSentence(r rune) bool {
	return strings.ContainsRune("。！？!?；;\n", r)
}
