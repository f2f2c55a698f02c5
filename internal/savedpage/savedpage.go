// Package savedpage reads what a page saved from a browser points at
// beside it: its <img> tags and the local copies in its "<name>_files"
// folder. Shared by the ingest of a saved page and the inbox that watches
// for such pages.
package savedpage

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Images calls fn with the attributes of each <img> tag of raw, in order.
// Only the tags are tokenized, each with a tokenizer of its own: a saved
// page is mostly scripts, styles and inline data, not worth tokenizing
// whole. A tag inside a comment or script is reported too: callers only
// look up what the extracted article asks for.
func Images(raw []byte, fn func(attrs map[string]string)) {
	for i := 0; i < len(raw); {
		j := indexFoldImg(raw[i:])
		if j < 0 {
			return
		}
		i += j
		z := html.NewTokenizer(bytes.NewReader(raw[i:]))
		i += 4
		tt := z.Next()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if atom.Lookup(name) != atom.Img || !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		fn(attrs)
	}
}

// indexFoldImg is the index of the first "<img" in b, in any case.
func indexFoldImg(b []byte) int {
	for off := 0; ; {
		j := bytes.IndexByte(b[off:], '<')
		if j < 0 || off+j+4 > len(b) {
			return -1
		}
		k := off + j
		if bytes.EqualFold(b[k+1:k+4], []byte("img")) {
			return k
		}
		off = k + 1
	}
}

// LocalPath turns the src of a saved page's image into a path relative to
// the page's folder, inside a "<name>_files" folder as browsers save them;
// "" for anything else (a URL, an absolute path, a way out with "..").
func LocalPath(src string) string {
	src = strings.TrimSpace(src)
	if src == "" || strings.Contains(src, ":") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, `\`) {
		return ""
	}
	src, _, _ = strings.Cut(src, "?")
	src, _, _ = strings.Cut(src, "#")
	if strings.Contains(src, "%") {
		if s, err := url.PathUnescape(src); err == nil {
			src = s
		}
	}
	p := path.Clean(strings.TrimPrefix(src, "./"))
	if p == "." || strings.HasPrefix(p, "../") || p == ".." || strings.HasPrefix(p, "/") {
		return ""
	}
	first, _, ok := strings.Cut(p, "/")
	if !ok || !strings.HasSuffix(first, "_files") {
		return ""
	}
	return p
}
