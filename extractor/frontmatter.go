package extractor

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// ErrNoFrontMatter is returned for Markdown that does not open with "---".
var ErrNoFrontMatter = errors.New("extractor: no front matter")

// ParseFrontMatter reads a Markdown file written by Render, by this version
// or an older one: the metadata (old key names such as url, source_url and
// type are read as aliases of source, read_original and format) and the
// Markdown after the front matter.
func ParseFrontMatter(md []byte) (model.Meta, []byte, error) {
	var m model.Meta
	md = bytes.TrimPrefix(md, []byte("\ufeff"))
	if !bytes.HasPrefix(md, []byte("---\n")) {
		return m, md, ErrNoFrontMatter
	}
	rest := md[4:]
	var fm, body []byte
	switch {
	case bytes.HasPrefix(rest, []byte("---\n")):
		body = rest[4:]
	default:
		i := bytes.Index(rest, []byte("\n---\n"))
		if i < 0 {
			if bytes.HasSuffix(rest, []byte("\n---")) {
				i = len(rest) - 4
			} else {
				return m, md, fmt.Errorf("%w: unterminated", ErrNoFrontMatter)
			}
		}
		fm = rest[:i+1]
		if i+5 <= len(rest) {
			body = rest[i+5:]
		}
	}
	if err := yaml.Unmarshal(fm, &m); err != nil {
		return m, body, fmt.Errorf("extractor: read front matter: %w", err)
	}
	return m, bytes.TrimPrefix(body, []byte("\n")), nil
}
