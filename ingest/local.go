package ingest

import (
	"bytes"
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
	"path/filepath"
	"strings"

	"wxarchive/internal/dataurl"
	"wxarchive/internal/savedpage"
)

// maxImage caps one local image (a file of a saved page, a data: URI).
const maxImage = dataurl.MaxBytes

// localImages are the copies of body images a saved page carries: the
// files of a "Save page, complete" (<name>_files/, next to the page) and
// the data: URIs of a SingleFile page. Each is found by the WeChat CDN URL
// of the same <img> (data-src), which is what the extractor lists.
type localImages struct {
	dir   string            // folder of the saved page; "" (stdin): no files
	bySrc map[string]string // imageKey(CDN URL) → relative file path or data: URI
	// inline are the data: URIs of <img> tags, where the extractor finds
	// an image a page has only inline: it names each by its content
	// (dataurl.Ref), which byRef resolves on first need.
	inline []string
	byRef  map[string]string // dataurl.Ref → data: URI, of inline decoded so far
	next   int               // inline[:next] are decoded
}

// scanLocalImages reads the <img> tags of a saved page. dir is the folder
// the page was read from ("" when it came from stdin).
func scanLocalImages(raw []byte, dir string) *localImages {
	l := &localImages{dir: dir, bySrc: map[string]string{}}
	savedpage.Images(raw, func(attrs map[string]string) {
		for _, k := range []string{"data-src", "data-original", "data-backsrc", "src"} {
			if v := strings.TrimSpace(attrs[k]); strings.HasPrefix(v, "data:image/") && len(v) >= 256 {
				l.inline = append(l.inline, v)
			}
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
			return
		}
		if strings.HasPrefix(src, "data:") || (dir != "" && savedpage.LocalPath(src) != "") {
			if k := imageKey(remote); k != "" {
				l.bySrc[k] = src
			}
		}
	})
	return l
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
	if dataurl.IsRef(u) {
		return l.inlineImage(u)
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
		data, err = readLocalImage(filepath.Join(l.dir, filepath.FromSlash(savedpage.LocalPath(src))))
	}
	if err == nil && placeholder(data) {
		return nil, errNotLocal
	}
	return data, err
}

// inlineImage returns the inline image of the page named ref (see
// dataurl.Ref), errNotLocal when none of its data: URIs decodes to it.
// The URIs are decoded once each, in order, as far as needed.
func (l *localImages) inlineImage(ref string) ([]byte, error) {
	if l.byRef == nil {
		l.byRef = map[string]string{}
	}
	if u, ok := l.byRef[ref]; ok {
		return decodeDataImage(u)
	}
	for l.next < len(l.inline) {
		u := l.inline[l.next]
		l.next++
		data, err := decodeDataImage(u)
		if err != nil {
			continue
		}
		r := dataurl.Ref(data)
		if _, seen := l.byRef[r]; !seen {
			l.byRef[r] = u
		}
		if r == ref {
			return data, nil
		}
	}
	return nil, errNotLocal
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
// percent-encoded, see dataurl.Decode), refusing what is not a raster
// image.
func decodeDataImage(u string) ([]byte, error) {
	data, err := dataurl.Decode(u)
	if err != nil {
		return nil, err
	}
	if !isImage(data) {
		return nil, fmt.Errorf("data: URI is not an image (%s)", http.DetectContentType(data))
	}
	return data, nil
}

// isImage reports a raster image (JPEG, PNG, GIF, WebP, BMP): never SVG or
// HTML, which can carry scripts.
func isImage(data []byte) bool { return dataurl.IsRaster(data) }

// placeholder reports a lazy-loading stand-in: a browser saves an image it
// had not loaded yet with the page's 1×1 placeholder (a data: URI) as src.
// Such a copy is not the image: the image is fetched instead.
func placeholder(data []byte) bool {
	c, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && c.Width <= 2 && c.Height <= 2
}
