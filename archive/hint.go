package archive

import "wxarchive/model"

// applyHint gives an article never read as an article (no version yet)
// the title and publication time a listing gave (Input.Hint), so that a
// deleted or unavailable article is listed by its title rather than as a
// bare link. A capture of the article itself replaces them (setMeta).
func applyHint(h *head, hint *model.Hint) {
	if hint == nil || len(h.History) > 0 {
		return
	}
	if h.Title == "" {
		h.Title = hint.Title
	}
	if h.Published.IsZero() {
		h.Published = hint.Published
	}
}
