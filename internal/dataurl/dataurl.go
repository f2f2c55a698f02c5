// Package dataurl decodes the data: URIs of images that saved pages carry
// (SingleFile inlines every image as one) and names each image by its
// content.
//
// A Ref ("wxdata:sha256:<hex>") is what the extractor writes in the
// Markdown in place of an inline image: the SHA-256 of the decoded bytes,
// which is also the name of the blob the archive stores them under. Ingest
// finds the image again by decoding the page's data: URIs and comparing
// their Ref; the Markdown never carries the megabytes of base64 itself.
package dataurl

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxBytes caps one decoded image.
const MaxBytes = 32 << 20

// RefPrefix starts every Ref.
const RefPrefix = "wxdata:sha256:"

// Ref names data by its content: RefPrefix and the hex SHA-256 of data.
func Ref(data []byte) string {
	sum := sha256.Sum256(data)
	return RefPrefix + hex.EncodeToString(sum[:])
}

// IsRef reports whether s is a Ref: the prefix and 64 lower-case hex digits.
func IsRef(s string) bool {
	h, ok := strings.CutPrefix(s, RefPrefix)
	if !ok || len(h) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Decode returns the bytes of a data: URI, base64 (standard or URL
// alphabet, padded or not, white space and percent escapes allowed) or
// percent-encoded, at most MaxBytes. It does not look at what the bytes
// are: see IsRaster.
func Decode(u string) ([]byte, error) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return nil, errors.New("dataurl: not a data: URI")
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, errors.New("dataurl: data: URI without a comma")
	}
	if len(payload) > MaxBytes*4/3+4 {
		return nil, fmt.Errorf("dataurl: data: URI larger than %d MiB", MaxBytes>>20)
	}
	if !strings.HasSuffix(strings.ToLower(meta), ";base64") {
		s, err := url.PathUnescape(payload)
		if err != nil {
			return nil, fmt.Errorf("dataurl: data: URI: %w", err)
		}
		return []byte(s), nil
	}
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, payload)
	if strings.Contains(clean, "%") {
		if s, err := url.PathUnescape(clean); err == nil {
			clean = s
		}
	}
	clean = strings.TrimRight(clean, "=")
	data, err := base64.RawStdEncoding.DecodeString(clean)
	if err != nil {
		data, err = base64.RawURLEncoding.DecodeString(clean)
	}
	if err != nil {
		return nil, fmt.Errorf("dataurl: data: URI: %w", err)
	}
	return data, nil
}

// IsRaster reports a raster image (JPEG, PNG, GIF, WebP, BMP) by its bytes,
// whatever the URI declared: never SVG or HTML, which can carry scripts.
func IsRaster(data []byte) bool {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}
