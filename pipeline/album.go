package pipeline

import (
	"regexp"
	"strings"

	"wxarchive/model"
)

var (
	albumDataLink = regexp.MustCompile(`data-link="([^"]+)"`)
	albumJSURL    = regexp.MustCompile(`\burl:\s*'([^']*)'`)
)

// AlbumLinks returns the articles an album (合集) page lists: the url fields
// of cgiData's articleList and the data-link attributes of the rendered
// list, canonicalised and de-duplicated, in page order. A page of another
// shape falls back to every article link in it.
//
// Only the first page of an album is served in its HTML; longer albums load
// the rest by script (action=getalbum&begin_msgid=…), which is not followed.
func AlbumLinks(page []byte) []model.Link {
	s := string(page)
	var parts []string
	for _, m := range albumDataLink.FindAllStringSubmatch(s, -1) {
		parts = append(parts, m[1])
	}
	if i := strings.Index(s, "articleList"); i >= 0 {
		for _, m := range albumJSURL.FindAllStringSubmatch(s[i:], -1) {
			parts = append(parts, m[1])
		}
	}
	if len(parts) == 0 {
		return ExtractLinks(s)
	}
	return ExtractLinks(strings.Join(parts, "\n"))
}
