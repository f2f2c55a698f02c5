package extractor

import (
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scriptVars holds the literal values a page's inline scripts assign. It
// never evaluates JavaScript: it recognises only assignments whose right-hand
// side starts with a literal, such as
//
//	var mid = "" || "" || "2654593305";
//	var msg_title = '…'.html(false);
//	var nickname = htmlDecode("…");
//	window.biz = '' || 'Mzg5MDA4NTUyNA==';
//	title: JsDecode('…'),        (object keys, as in window.cgiDataNew)
//
// For each name it keeps the first non-empty value, so library code further
// down (`var biz = null;`, `var sn = opt.sn || window.sn`) never wins.
type scriptVars struct {
	assign map[string]string // var X = / window.X = / X =
	key    map[string]string // X: in object literals
	seen   map[string]bool   // names assigned a literal, even an empty one
	// firstWith maps each of scriptMarkers to the index of the first script
	// holding it, noted by scan on its way.
	firstWith map[string]int
}

// scriptMarkers are the markers findScript is asked for. Each ends in '='
// or ':', so scan, which stops at every such byte, notes where each first
// occurs instead of a whole-page search per marker.
var scriptMarkers = []string{
	"cgiDataNew =", "cgiData =", "__QMTPL_SSR_DATA__=",
	"hashtags:", "appmsgalbuminfo:", "text_page_info:", "picture_page_info_list:",
}

// wantedVars are the names worth remembering; everything else is skipped
// cheaply.
var wantedVars = map[string]bool{
	"biz": true, "mid": true, "idx": true, "sn": true, "__biz": true, "bizuin": true,
	"appmsgid": true, "itemidx": true,
	"ct": true, "create_time": true, "ori_create_time": true, "modify_time": true, "publish_time": true,
	"msg_title": true, "title": true, "msg_desc": true, "desc": true,
	"author": true, "nickname": true, "nick_name": true, "user_name": true, "alias": true,
	"msg_cdn_url": true, "cdn_url": true, "msg_source_url": true, "source_url": true, "msg_link": true, "link": true,
	"copyright_stat": true, "_copyright_stat": true, "item_show_type": true,
	"provinceName": true, "cityName": true, "countryName": true,
	"source_encode_biz": true, "source_mid": true, "source_idx": true, "source_username": true, "vid": true,
}

// parseScriptVars scans the given script texts.
func parseScriptVars(scripts []string) *scriptVars {
	v := &scriptVars{assign: map[string]string{}, key: map[string]string{}, seen: map[string]bool{}, firstWith: map[string]int{}}
	for i, s := range scripts {
		v.scan(i, s)
	}
	return v
}

// firstScript returns the index of the first script holding marker, -1 for
// none; known is false for a marker scan does not look for.
func (v *scriptVars) firstScript(marker string) (i int, known bool) {
	if !slices.Contains(scriptMarkers, marker) {
		return 0, false
	}
	if i, ok := v.firstWith[marker]; ok {
		return i, true
	}
	return -1, true
}

// markerEnds[k][c] has bit i set (at most 16 markers) when scriptMarkers[i] has byte c at k
// bytes before its end. Three loads and two ANDs rule out nearly every
// operator scan stops at, where comparing every marker would not be cheap.
var markerEnds = func() (t [3][256]uint16) {
	for i, m := range scriptMarkers {
		for k := range t {
			t[k][m[len(m)-1-k]] |= 1 << i
		}
	}
	return t
}()

// noteMarkers records script idx for the markers ending at s[p].
func (v *scriptVars) noteMarkers(idx int, s string, p int) {
	if p < 2 {
		return
	}
	cand := markerEnds[0][s[p]] & markerEnds[1][s[p-1]] & markerEnds[2][s[p-2]]
	if cand == 0 {
		return
	}
	for i, m := range scriptMarkers {
		if cand&(1<<i) == 0 || p+1 < len(m) || s[p+1-len(m):p+1] != m {
			continue
		}
		if _, ok := v.firstWith[m]; !ok {
			v.firstWith[m] = idx
		}
	}
}

// get returns the first non-empty value assigned to one of the names.
func (v *scriptVars) get(names ...string) string {
	for _, n := range names {
		if s := v.assign[n]; s != "" {
			return s
		}
	}
	return ""
}

// getKey returns the first non-empty value of one of the names written as
// an object key anywhere in the scripts.
func (v *scriptVars) getKey(names ...string) string {
	for _, n := range names {
		if s := v.key[n]; s != "" {
			return s
		}
	}
	return ""
}

func isIdentByte(c byte) bool { return identBytes[c] }

// identBytes marks the bytes of a JS identifier (ASCII only, as the page
// data names are); a table because scan tests one per byte it walks back.
var identBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// opFinder yields the positions of '=' and ':' in s in increasing order.
// Two strings.IndexByte cursors run at memchr speed, where IndexAny with two
// bytes loops byte by byte; scripts are megabytes long.
type opFinder struct {
	s         string
	eq, colon int // next known positions at or after the last query; len(s) when none
}

func newOpFinder(s string) opFinder { return opFinder{s: s, eq: -1, colon: -1} }

// next returns the first '=' or ':' at or after from, or len(s).
func (f *opFinder) next(from int) int {
	if f.eq < from {
		f.eq = indexByteFrom(f.s, '=', from)
	}
	if f.colon < from {
		f.colon = indexByteFrom(f.s, ':', from)
	}
	return min(f.eq, f.colon)
}

// indexByteFrom is the index of c in s at or after from, or len(s).
func indexByteFrom(s string, c byte, from int) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return len(s)
}

// wantedShape[c] has bit n set when a wanted name of n bytes starts with c,
// and maxWanted is the longest wanted name: cheap tests before the map
// lookup, which every '=' and ':' of the page's scripts would otherwise pay.
var wantedShape, maxWanted = func() (shape [256]uint64, longest int) {
	for n := range wantedVars {
		shape[n[0]] |= 1 << len(n)
		longest = max(longest, len(n))
	}
	return shape, longest
}()

// scan reads script number idx. Every '=' and ':' is visited here but the
// second byte of "==" and "=>", which ends no marker.
func (v *scriptVars) scan(idx int, s string) {
	ops := newOpFinder(s)
	for i := 0; i < len(s); {
		p := ops.next(i)
		if p >= len(s) {
			return
		}
		v.noteMarkers(idx, s, p)
		i = p + 1
		op := s[p]
		if op == '=' {
			// skip ==, =>, !=, <=, >=, +=, …
			if p+1 < len(s) && (s[p+1] == '=' || s[p+1] == '>') {
				i = p + 2
				continue
			}
			if p > 0 && strings.IndexByte("=!<>+-*/%&|^", s[p-1]) >= 0 {
				continue
			}
		}
		// identifier before the operator
		e := p
		for e > 0 && (s[e-1] == ' ' || s[e-1] == '\t') {
			e--
		}
		// Stop a byte past the longest wanted name: base64 padding ends
		// long identifier-like runs.
		b := e
		for b > 0 && e-b <= maxWanted && isIdentByte(s[b-1]) {
			b--
		}
		if b == e || e-b > maxWanted || wantedShape[s[b]]&(1<<(e-b)) == 0 {
			continue
		}
		name := s[b:e]
		if !wantedVars[name] {
			continue
		}
		if b > 0 && strings.IndexByte("-\"'<@#", s[b-1]) >= 0 {
			continue // an HTML attribute or CSS inside a string, not JS
		}
		if op == '=' && b > 0 && s[b-1] == '.' && !strings.HasSuffix(s[:b], "window.") && !strings.HasSuffix(s[:b], " d.") {
			continue // obj.title = … is not the page's value
		}
		if op == ':' && b > 0 && s[b-1] == '.' {
			continue
		}
		m := v.key
		if op == '=' {
			m = v.assign
		}
		if _, done := m[name]; done {
			// The first value stays, and an assignment that stored a value
			// has already marked the name seen: nothing left to learn here.
			continue
		}
		rhs := s[p+1:]
		if op == '=' {
			rhs = skipChainedAssign(rhs)
		}
		val, ok := literalChain(rhs)
		if ok && op == '=' {
			v.seen[name] = true
		}
		if !ok || val == "" {
			continue
		}
		m[name] = val
	}
}

// skipChainedAssign skips "window.title = " in "window.msg_title = window.title = '…'".
func skipChainedAssign(s string) string {
	t := strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(t, "window.") {
		return s
	}
	k := len("window.")
	for k < len(t) && isIdentByte(t[k]) {
		k++
	}
	r := strings.TrimLeft(t[k:], " \t")
	if strings.HasPrefix(r, "=") && !strings.HasPrefix(r, "==") {
		return r[1:]
	}
	return s
}

// literalChain reads `lit || lit || …` and returns the first non-empty
// literal. ok is false when the expression does not start with a literal.
func literalChain(s string) (string, bool) {
	first := ""
	any := false
	for {
		val, rest, ok := literal(s)
		if !ok {
			return first, any
		}
		any = true
		if first == "" {
			first = val
		}
		rest = strings.TrimLeft(rest, " \t\r\n")
		if !strings.HasPrefix(rest, "||") {
			return first, true
		}
		s = rest[2:]
	}
}

// literal reads one literal value: a quoted string, possibly wrapped in
// htmlDecode(…)/JsDecode(…), possibly followed by .html(false) or "* 1"; or
// a bare number.
func literal(s string) (val, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t\r\n")
	wrapped := false
	for _, fn := range []string{"htmlDecode(", "JsDecode(", "decodeURIComponent("} {
		if strings.HasPrefix(s, fn) {
			s = strings.TrimLeft(s[len(fn):], " \t")
			wrapped = true
			break
		}
	}
	if s == "" {
		return "", "", false
	}
	switch c := s[0]; {
	case c == '"' || c == '\'':
		v, n, ok := jsString(s)
		if !ok {
			return "", "", false
		}
		val, s = v, s[n:]
	case c >= '0' && c <= '9' && !wrapped:
		n := 0
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
			n++
		}
		if n < len(s) && isIdentByte(s[n]) {
			return "", "", false
		}
		return s[:n], s[n:], true
	default:
		return "", "", false
	}
	if wrapped {
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ")") {
			return "", "", false
		}
		s = s[1:]
	}
	for {
		t := strings.TrimLeft(s, " \t")
		switch {
		case strings.HasPrefix(t, ".html(false)"):
			s = t[len(".html(false)"):]
		case strings.HasPrefix(t, ".html(true)"):
			s = t[len(".html(true)"):]
		case strings.HasPrefix(t, "* 1"):
			s = t[3:]
		case strings.HasPrefix(t, "*1"):
			s = t[2:]
		default:
			return decodeValue(val), s, true
		}
	}
}

// decodeValue turns a raw JS string value into text: HTML entities decoded
// (the page writes values HTML-escaped), surrounding space trimmed.
func decodeValue(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
		if strings.Contains(s, "&amp;") || strings.Contains(s, "&quot;") || strings.Contains(s, "&#39;") {
			s = html.UnescapeString(s) // doubly escaped values occur
		}
	}
	return strings.TrimSpace(s)
}

// jsString decodes the quoted JS string at the start of s (JS escapes
// \x26, \u4e2d, \n, \', \\ …). It returns the value and the number of bytes
// consumed, quotes included.
func jsString(s string) (string, int, bool) {
	n, simple, ok := jsStringLen(s)
	if !ok {
		return "", 0, false
	}
	body := s[1 : n-1]
	if simple {
		return body, n, true
	}
	return unescapeJS(body), n, true
}

// jsStringLen measures the quoted JS string at the start of s without
// decoding it: the bytes it spans, quotes included, and whether it holds no
// escape. ok is false when a newline or the end of s comes first. Block
// scanners only skip strings, and the page data holds thousands.
func jsStringLen(s string) (n int, simple, ok bool) {
	q := s[0]
	simple = true
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			simple = false
			i++
			continue
		}
		if c == q {
			return i + 1, simple, true
		}
		if c == '\n' {
			return 0, false, false
		}
	}
	return 0, false, false
}

// unescapeJS decodes JavaScript string escapes.
func unescapeJS(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b', 'f', 'v':
		case '0':
			// NUL: drop
		case 'x':
			if i+2 < len(s) {
				if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					b.WriteRune(rune(n))
					i += 2
					continue
				}
			}
			b.WriteByte('x')
		case 'u':
			if i+4 < len(s) && s[i+1] != '{' {
				if n, err := strconv.ParseUint(s[i+1:i+5], 16, 16); err == nil {
					r := rune(n)
					i += 4
					// surrogate pair
					if r >= 0xD800 && r < 0xDC00 && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						if lo, err := strconv.ParseUint(s[i+3:i+7], 16, 16); err == nil && lo >= 0xDC00 && lo < 0xE000 {
							r = (r-0xD800)<<10 + (rune(lo) - 0xDC00) + 0x10000
							i += 6
						}
					}
					if r >= 0xD800 && r < 0xE000 {
						r = utf8.RuneError
					}
					b.WriteRune(r)
					continue
				}
			}
			b.WriteByte('u')
		case '\n':
			// line continuation
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}

// objectAfter returns the balanced {…} assigned at the first occurrence of
// marker ("cgiDataNew =") that is directly followed by an object literal.
func objectAfter(s, marker string) string {
	for off := 0; ; {
		i := strings.Index(s[off:], marker)
		if i < 0 {
			return ""
		}
		off += i
		if b := jsBlock(s[off:], marker); strings.HasPrefix(b, "{") {
			return b
		}
		off += len(marker)
	}
}

// jsBlock returns the balanced {…} or […] that follows the first occurrence
// of marker in s ("appmsgalbuminfo:"), or "".
func jsBlock(s, marker string) string {
	i := strings.Index(s, marker)
	if i < 0 {
		return ""
	}
	s = s[i+len(marker):]
	k := strings.IndexAny(s, "{[")
	if k < 0 || strings.TrimSpace(s[:k]) != "" {
		return ""
	}
	depth := 0
	for j := k; j < len(s); j++ {
		switch c := s[j]; c {
		case '"', '\'':
			if n, _, ok := jsStringLen(s[j:]); ok {
				j += n - 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return s[k : j+1]
			}
		}
	}
	return ""
}

// jsItems splits the top-level elements of an array block "[{…},{…}]" into
// the object texts.
func jsItems(block string) []string {
	if len(block) < 2 || block[0] != '[' {
		return nil
	}
	var out []string
	depth, start := 0, -1
	for j := 1; j < len(block)-1; j++ {
		switch c := block[j]; c {
		case '"', '\'':
			if n, _, ok := jsStringLen(block[j:]); ok {
				j += n - 1
			}
		case '{', '[':
			if depth == 0 && c == '{' {
				start = j
			}
			depth++
		case '}', ']':
			depth--
			if depth == 0 && start >= 0 {
				out = append(out, block[start:j+1])
				start = -1
			}
		}
	}
	return out
}

// topKey returns the value of key at the top level of an object block
// "{ key: 'v', nested: { key: 'w' } }".
func topKey(block, key string) string {
	depth := 0
	for j := 0; j < len(block); j++ {
		switch c := block[j]; c {
		case '"', '\'':
			if n, _, ok := jsStringLen(block[j:]); ok {
				j += n - 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		default:
			if depth == 1 && c == key[0] && strings.HasPrefix(block[j:], key) && (j == 0 || !isIdentByte(block[j-1])) {
				r := strings.TrimLeft(block[j+len(key):], " \t")
				if strings.HasPrefix(r, ":") {
					if v, ok := literalChain(r[1:]); ok {
						return v
					}
				}
			}
		}
	}
	return ""
}

// topKeys returns, for every identifier written as a key at the top level
// of block, what topKey(block, key) returns: one walk of the block, where
// each topKey call walks it again (page data objects are hundreds of
// kilobytes and the metadata asks a dozen keys).
func topKeys(block string) map[string]string {
	out := map[string]string{}
	depth := 0
	for j := 0; j < len(block); j++ {
		switch c := block[j]; c {
		case '"', '\'':
			if n, _, ok := jsStringLen(block[j:]); ok {
				j += n - 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		default:
			if depth != 1 || !isIdentByte(c) || j > 0 && isIdentByte(block[j-1]) {
				continue
			}
			e := j + 1
			for e < len(block) && isIdentByte(block[e]) {
				e++
			}
			key := block[j:e]
			if _, done := out[key]; done {
				continue
			}
			r := strings.TrimLeft(block[e:], " \t")
			if strings.HasPrefix(r, ":") {
				if v, ok := literalChain(r[1:]); ok {
					out[key] = v
				}
			}
		}
	}
	return out
}
