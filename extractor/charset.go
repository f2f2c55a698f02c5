package extractor

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// metaCharset finds a declared charset in a <meta charset=…> or
// <meta http-equiv="Content-Type" content="…; charset=…"> tag.
var metaCharset = regexp.MustCompile(`(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)`)

// toUTF8 decodes a page to UTF-8, the only encoding the parser reads.
// The encoding is, in order: a byte-order mark, the charset of contentType
// (the HTTP header, when the page was fetched), a <meta> charset in the
// first 64 KiB. A page that is valid UTF-8 stays as it is whatever it
// declares (a page re-saved as UTF-8 often keeps its old declaration);
// one that is not, and declares nothing, is tried as GB18030, the superset
// of GBK and GB2312 that Chinese pages use. Anything else is returned
// unchanged, for checkInput to judge.
func toUTF8(raw []byte, contentType string) ([]byte, error) {
	if e, name := bomEncoding(raw); e != nil {
		if name == "utf-8" {
			return raw[3:], nil
		}
		return decodeWith(e, name, raw)
	}
	label := ""
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			label = params["charset"]
		}
	}
	if label == "" {
		head := raw[:min(len(raw), 64<<10)]
		if m := metaCharset.FindSubmatch(head); m != nil {
			label = string(m[1])
		}
	}
	if utf8.Valid(raw) {
		return raw, nil
	}
	if label != "" {
		if e, name := charset.Lookup(label); e != nil && name != "utf-8" {
			return decodeWith(e, name, raw)
		}
		return raw, nil // declared UTF-8 (or unknown) but is not: checkInput says so
	}
	if out, err := decodeWith(simplifiedchinese.GB18030, "gb18030", raw); err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
		return out, nil
	}
	return raw, nil
}

func bomEncoding(raw []byte) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return unicode.UTF8, "utf-8"
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	}
	return nil, ""
}

func decodeWith(e encoding.Encoding, name string, raw []byte) ([]byte, error) {
	out, _, err := transform.Bytes(e.NewDecoder(), raw)
	if err != nil {
		return nil, fmt.Errorf("extractor: decode %s: %w", name, err)
	}
	return out, nil
}
