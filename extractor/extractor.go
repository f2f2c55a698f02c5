package extractor

import (
	"errors"

	"wxarchive/model"
)

// Options tune one extraction.
type Options struct {
	// SourceURL is the URL the page was fetched from or named by the user;
	// used when the page does not carry its own identity.
	SourceURL string
	// Rules are the promotional-block rules; nil means DefaultRules().
	Rules []Rule
}

// Extract turns one page into a Document: an Article, or a page state.
// It returns an error only for input that is not a page at all.
func Extract(raw []byte, opts Options) (*model.Document, error) {
	return nil, errors.New("extractor: not implemented yet")
}

// Render writes the article as Markdown with YAML front matter.
func Render(a *model.Article) []byte { return nil }
