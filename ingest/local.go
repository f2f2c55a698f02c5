package ingest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig of the formats pages use
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxImage caps one local image (a file of a saved page, a data: URI).
const maxImage = 32 << 20

// localImages are the copies of body images a saved page carries: the
// files of a "Save page, complete" (<name>_files/, next to the page) and
// the data: URIs of a SingleFile page. Each is found by the WeChat CDN URL
// of the same <img> (data-src), which is what the extractor lists.
type localImages struct {
	dir   string            // folder of the saved page; "" (stdin): no files
	bySrc map[string]string // imageKey(CDN URL) → relative file path or data: URI
}

// scanLocalImages reads the <img> tags of a saved page. dir is the folder
// the page was read from ("" when it came from stdin).
func scanLocalImages(raw []byte, dir string) *localImages {
	l := &localImages{dir: dir, bySrc: map[string]string{}}
	// Only the <img> tags are read, each with a tokenizer of its own: a
	// saved page is mostly scripts, styles and inline data, not worth
	// tokenizing whole. A tag found inside a comment or script only adds
	// an entry no extracted image asks for.
	for i := 0; i < len(raw); {
		j := indexFoldImg(raw[i:])
		if j < 0 {
			break
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
		remote := ""
		for _, k := range []string{"data-src", "data-original", "data-backsrc"} {
			if v := strings.TrimSpace(attrs[k]); strings.HasPrefix(v, "http") || strings.HasPrefix(v, "//") {
				remote = v
				break
			}
		}
		src := strings.TrimSpace(attrs["src"])
		if remote == "" || src == "" {
			continue
		}
		if strings.HasPrefix(src, "data:") || (dir != "" && localPath(src) != "") {
			if k := imageKey(remote); k != "" {
				l.bySrc[k] = src
			}
		}
	}
	return l
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

// imageKey names an image URL whatever its scheme, escaping and display
// parameters: on WeChat's image CDN the host and path (which name the
// image; the query only says how to show it: wx_fmt, tp, wxfrom, …),
// elsewhere host, path and the sorted, decoded query. "" for a URL that
// does not parse.
func imageKey(raw string) string {
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	u, err := url.Parse(strings.ReplaceAll(raw, "&amp;", "&"))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasSuffix(host, ".qpic.cn") || strings.HasSuffix(host, ".qlogo.cn") {
		return host + u.Path
	}
	q, _ := url.ParseQuery(u.RawQuery)
	return host + u.Path + "?" + q.Encode()
}

// localPath turns the src of a saved page's image into a path relative to
// the page's folder, inside a "<name>_files" folder as browsers save them;
// "" for anything else (a URL, an absolute path, a way out with "..").
func localPath(src string) string {
	if strings.Contains(src, ":") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, `\`) {
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

// errNotLocal says a saved page has no local copy of an image.
var errNotLocal = errors.New("no local copy")

// load returns the local copy of the image u (an image URL of the article,
// or a data: URI itself), errNotLocal when there is none.
func (l *localImages) load(u string) ([]byte, error) {
	if strings.HasPrefix(u, "data:") {
		return decodeDataImage(u)
	}
	if l == nil {
		return nil, errNotLocal
	}
	src, ok := l.bySrc[imageKey(u)]
	if !ok {
		return nil, errNotLocal
	}
	var data []byte
	var err error
	if strings.HasPrefix(src, "data:") {
		data, err = decodeDataImage(src)
	} else {
		data, err = readLocalImage(filepath.Join(l.dir, filepath.FromSlash(localPath(src))))
	}
	if err == nil && placeholder(data) {
		return nil, errNotLocal
	}
	return data, err
}

// readLocalImage reads a regular file (not a link) of at most maxImage
// bytes that is an image.
func readLocalImage(name string) ([]byte, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, fmt.Errorf("local copy: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("local copy %s: not a regular file", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("local copy: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImage+1))
	if err != nil {
		return nil, fmt.Errorf("local copy %s: %w", name, err)
	}
	if len(data) > maxImage {
		return nil, fmt.Errorf("local copy %s: larger than %d MiB", name, maxImage>>20)
	}
	if !isImage(data) {
		return nil, fmt.Errorf("local copy %s: not an image", name)
	}
	return data, nil
}

// decodeDataImage decodes a data: URI of an image (base64 or
// percent-encoded), refusing what is not a raster image.
func decodeDataImage(u string) ([]byte, error) {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
	if !ok {
		return nil, errors.New("data: URI without a comma")
	}
	if len(payload) > maxImage*4/3+4 {
		return nil, fmt.Errorf("data: URI larger than %d MiB", maxImage>>20)
	}
	var data []byte
	var err error
	if strings.HasSuffix(strings.ToLower(meta), ";base64") {
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, payload)
		if s, uerr := url.PathUnescape(clean); uerr == nil {
			clean = s
		}
		clean = strings.TrimRight(clean, "=")
		data, err = base64.RawStdEncoding.DecodeString(clean)
		if err != nil {
			data, err = base64.RawURLEncoding.DecodeString(clean)
		}
	} else {
		var s string
		s, err = url.PathUnescape(payload)
		data = []byte(s)
	}
	if err != nil {
		return nil, fmt.Errorf("data: URI: %w", err)
	}
	if !isImage(data) {
		return nil, fmt.Errorf("data: URI is not an image (%s)", http.DetectContentType(data))
	}
	return data, nil
}

// isImage reports a raster image (JPEG, PNG, GIF, WebP, BMP): never SVG or
// HTML, which can carry scripts.
func isImage(data []byte) bool {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// placeholder reports a lazy-loading stand-in: a browser saves an image it
// had not loaded yet with the page's 1×1 placeholder (a data: URI) as src.
// Such a copy is not the image: the image is fetched instead.
func placeholder(data []byte) bool {
	c, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && c.Width <= 2 && c.Height <= 2
}
