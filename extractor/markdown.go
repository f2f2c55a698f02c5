package extractor

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// Markers written by our render handlers and resolved in tidyMarkdown, once
// the text on both sides of an emphasis is known. They are private-use runes
// that never occur in WeChat text (removed from input by normalizeText).
const (
	markStrongOpen  = '\uE000'
	markStrongClose = '\uE001'
	markEmOpen      = '\uE002'
	markEmClose     = '\uE003'
	markBreak       = '\uE004' // a <br> inside a paragraph
)

// markdownConverter returns the shared html-to-markdown converter. It holds
// no per-conversion state, so one instance serves every call.
var markdownConverter = sync.OnceValue(func() *converter.Converter {
	conv := converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(
			commonmark.WithStrongDelimiter("**"),
			commonmark.WithEmDelimiter("*"),
			commonmark.WithHorizontalRule("---"),
			commonmark.WithLinkEmptyContentBehavior(commonmark.LinkBehaviorSkip),
			commonmark.WithLinkEmptyHrefBehavior(commonmark.LinkBehaviorSkip),
			commonmark.WithListEndComment(false),
		),
		table.NewTablePlugin(
			table.WithSkipEmptyRows(true),
			table.WithHeaderPromotion(true),
		),
	))
	// One renderer for our five tags rather than RendererFor per tag: the
	// converter copies, sorts and calls every registered renderer at every
	// node, so each one costs on every node of the body.
	strong, em := renderEmphasis(markStrongOpen, markStrongClose), renderEmphasis(markEmOpen, markEmClose)
	for _, tag := range []string{"strong", "b", "em", "i", "br"} {
		conv.Register.TagType(tag, converter.TagTypeInline, converter.PriorityEarly)
	}
	conv.Register.Renderer(func(ctx converter.Context, w converter.Writer, n *html.Node) converter.RenderStatus {
		if n.Type != html.ElementNode && n.Type != html.DoctypeNode { // as dom.NodeName, which RendererFor uses
			return converter.RenderTryNext
		}
		switch n.Data {
		case "strong", "b":
			return strong(ctx, w, n)
		case "em", "i":
			return em(ctx, w, n)
		case "br":
			return renderBreak(ctx, w, n)
		}
		return converter.RenderTryNext
	}, converter.PriorityEarly)
	return conv
})

// renderEmphasis wraps every non-empty line of the content in markers.
func renderEmphasis(open, closing rune) converter.HandleRenderFunc {
	return func(ctx converter.Context, w converter.Writer, n *html.Node) converter.RenderStatus {
		var buf bytes.Buffer
		ctx.RenderChildNodes(ctx, &buf, n)
		lines := strings.Split(buf.String(), "\n")
		for i, line := range lines {
			if i > 0 {
				w.WriteByte('\n')
			}
			core := strings.TrimFunc(line, isSpaceOrBreak)
			if core == "" {
				w.WriteString(line)
				continue
			}
			start := strings.Index(line, core)
			w.WriteString(line[:start])
			w.WriteRune(open)
			w.WriteString(core)
			w.WriteRune(closing)
			w.WriteString(line[start+len(core):])
		}
		return converter.RenderSuccess
	}
}

func renderBreak(_ converter.Context, w converter.Writer, _ *html.Node) converter.RenderStatus {
	w.WriteRune(markBreak)
	w.WriteByte('\n')
	return converter.RenderSuccess
}

func isSpaceOrBreak(r rune) bool { return r == markBreak || unicode.IsSpace(r) }

// toMarkdown converts the prepared body to tidy Markdown.
func toMarkdown(root *html.Node) (string, error) {
	out, err := markdownConverter().ConvertNode(root)
	if err != nil {
		return "", err
	}
	return tidyMarkdown(string(out)), nil
}

// tidyMarkdown resolves emphasis and break markers and applies text hygiene:
// NFC, no zero-width characters, NBSP as space, no trailing spaces, at most
// one blank line in a row (outside fenced code), no leading/trailing blank
// lines.
func tidyMarkdown(s string) string {
	s = resolveEmphasis(s)
	s = norm.NFC.String(s)
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	fence := ""
	for i, line := range lines {
		line = cleanRunes(line)
		trimmed := stripContainers(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.TrimRight(trimmed, "`~ ") == "" {
				fence = ""
			}
			out = append(out, strings.TrimRight(line, " \t"))
			continue
		}
		if f := fenceOf(trimmed); f != "" {
			fence = f
		}
		line = tidyInline(unescapeAngles(bizPadding(line)))
		hasBreak := strings.ContainsRune(line, markBreak)
		line = strings.ReplaceAll(line, string(markBreak), "")
		line = strings.TrimRight(line, " \t")
		if hasBreak && line != "" && strings.TrimSpace(line) != ">" && nextIsText(lines, i) {
			line += `\`
		}
		if strings.TrimSpace(line) == "" {
			if len(out) == 0 || out[len(out)-1] == "" {
				continue
			}
			line = ""
		}
		out = append(out, line)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}

// bizPaddingRE finds the "=" padding of an article link's __biz that the
// converter percent-encoded as %3D.
var bizPaddingRE = regexp.MustCompile(`(mp\.weixin\.qq\.com/s\?__biz=[A-Za-z0-9+/]+)((?:%3D){1,2})([&)\s]|$)`)

// bizPadding writes an article link's __biz as WeChat does (…==, as in its
// own msg_link), the same spelling as the front matter: the converter
// re-encodes link queries, and one article must never appear under two
// spellings.
func bizPadding(line string) string {
	if !strings.Contains(line, "__biz=") || !strings.Contains(line, "%3D") {
		return line
	}
	return bizPaddingRE.ReplaceAllStringFunc(line, func(m string) string {
		return strings.ReplaceAll(m, "%3D", "=")
	})
}

// unescapeAngles undoes the converter's "&gt;" and "&lt;" where the bare
// character cannot start a quote or an HTML tag, so text reads as written
// ("a -> b"). Inline code never holds these entities.
func unescapeAngles(line string) string {
	if !strings.Contains(line, "&") {
		return line
	}
	lead := len(line) - len(stripContainers(line))
	var b strings.Builder
	b.WriteString(line[:lead])
	rest := line[lead:]
	for {
		i := strings.IndexByte(rest, '&')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "&gt;") && (i > 0 || b.Len() > lead):
			b.WriteByte('>')
			rest = rest[4:]
		case strings.HasPrefix(rest, "&lt;") && !startsTag(rest[4:]):
			b.WriteByte('<')
			rest = rest[4:]
		default:
			b.WriteByte('&')
			rest = rest[1:]
		}
	}
}

// startsTag reports text that, after a "<", could read as HTML.
func startsTag(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// nextIsText reports whether the line after i has text, so a hard break at
// the end of line i means something.
func nextIsText(lines []string, i int) bool {
	if i+1 >= len(lines) {
		return false
	}
	next := strings.TrimFunc(lines[i+1], func(r rune) bool { return isSpaceOrBreak(r) || isZeroWidth(r) })
	return next != "" && next != ">"
}

// stripContainers removes indentation, list markers and quote markers from
// the start of a line, leaving what a fence would start with.
func stripContainers(line string) string {
	for {
		t := strings.TrimLeft(line, " ")
		switch {
		case strings.HasPrefix(t, "> "), strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
			line = t[2:]
			continue
		case t == ">":
			return ""
		}
		i := 0
		for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
			line = t[i+2:]
			continue
		}
		return t
	}
}

// fenceOf returns the fence a line opens ("```" or "~~~", as long as used).
func fenceOf(line string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(line) && line[n] == c {
			n++
		}
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// cleanRunes removes zero-width characters and turns NBSP into space.
func cleanRunes(s string) string {
	clean := true
	for _, r := range s {
		if isZeroWidth(r) || r == '\u00a0' || isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isZeroWidth(r), isControl(r):
			return -1
		case r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

// isControl reports a control character that is never text: C0 but the
// tab and the newline, DEL and C1 (ESC sequences would reach a terminal
// through show, search or diff).
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060':
		return true
	}
	return false
}

func isMDSpace(r rune) bool { return r == 0 || r == markBreak || unicode.IsSpace(r) }

func isMDPunct(r rune) bool {
	if r >= '\uE000' && r <= '\uE003' {
		return true // another emphasis delimiter
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func firstRune(s string) rune {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return 0
	}
	return r
}

func lastRune(s string) rune {
	r, n := utf8.DecodeLastRuneInString(s)
	if n == 0 {
		return 0
	}
	return r
}

// tidyInline fixes what the converter writes on a line of prose that a
// CommonMark reader would misread or that is escaped without need: a bare URL
// holding backslash escapes (GFM cuts its autolink at the backslash) becomes
// an autolink <…>, and "\[1]" loses its backslash when no link can follow.
// Code spans are left alone.
func tidyInline(line string) string {
	if !strings.Contains(line, `\`) {
		return line
	}
	var b strings.Builder
	for line != "" {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(tidyText(line))
			break
		}
		b.WriteString(tidyText(line[:i]))
		line = line[i:]
		n := 0
		for n < len(line) && line[n] == '`' {
			n++
		}
		end := strings.Index(line[n:], line[:n])
		if end < 0 {
			b.WriteString(line)
			break
		}
		b.WriteString(line[:n+end+n])
		line = line[n+end+n:]
	}
	return b.String()
}

// tidyText applies tidyInline to text without code spans.
func tidyText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	depth := 0 // open "[" of link labels
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			if s[i+1] == '_' && intraWord(s[:i], s[i+2:]) {
				b.WriteByte('_') // "tshark_manager": no emphasis can start here
				i += 2
				continue
			}
			if s[i+1] == '[' && depth == 0 {
				if j := strings.IndexAny(s[i+2:], `[]\`); j >= 0 && s[i+2+j] == ']' {
					after := i + 2 + j + 1
					if after >= len(s) || !strings.ContainsRune("([:", rune(s[after])) {
						b.WriteString(s[i+1 : after])
						i = after
						continue
					}
				}
			}
			b.WriteString(s[i : i+2])
			i += 2
			continue
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
			if i+1 < len(s) && s[i+1] == '(' {
				// a link destination: copy it as is
				if j := strings.IndexByte(s[i:], ')'); j >= 0 {
					b.WriteString(s[i : i+j+1])
					i += j + 1
					continue
				}
			}
		case c == '<':
			if j := strings.IndexByte(s[i:], '>'); j >= 0 && !strings.ContainsAny(s[i:i+j], " \t") {
				b.WriteString(s[i : i+j+1])
				i += j + 1
				continue
			}
		case c == 'h' && depth == 0 && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")):
			if raw, url := bareURL(s[i:]); strings.Contains(raw, `\`) {
				b.WriteString("<" + url + ">")
				i += len(raw)
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// intraWord reports an underscore between before and after that stands
// between two alphanumerics (neither white space nor punctuation nor a
// symbol, in Unicode's sense as CommonMark's): such an underscore is both
// left- and right-flanking and neither preceded nor followed by
// punctuation, so it can neither open nor close emphasis and needs no
// backslash.
func intraWord(before, after string) bool {
	p, q := lastRune(before), firstRune(after)
	return p != 0 && q != 0 && p != utf8.RuneError && q != utf8.RuneError &&
		!isMDSpace(p) && !isMDSpace(q) && !isMDPunct(p) && !isMDPunct(q)
}

// bareURL reads the URL GFM would autolink at the start of s, as written
// (with backslash escapes) and as meant (without them).
func bareURL(s string) (raw, url string) {
	var u strings.Builder
	i, parens := 0, 0
	for i < len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '*' {
			break
		}
		if c == '\\' {
			if i+1 < len(s) && s[i+1] > ' ' && s[i+1] < 0x7f && isASCIIPunct(s[i+1]) && s[i+1] != '*' {
				u.WriteByte(s[i+1])
				i += 2
				continue
			}
			break
		}
		if c == '(' {
			parens++
		} else if c == ')' {
			if parens == 0 {
				break
			}
			parens--
		}
		u.WriteByte(c)
		i++
	}
	raw, url = s[:i], u.String()
	for raw != "" && strings.ContainsRune(`?!.,:;'"_~`, rune(raw[len(raw)-1])) {
		if len(raw) >= 2 && raw[len(raw)-2] == '\\' {
			raw, url = raw[:len(raw)-2], url[:len(url)-1]
			continue
		}
		raw, url = raw[:len(raw)-1], url[:len(url)-1]
	}
	return raw, url
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
