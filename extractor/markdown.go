package extractor

import (
	"bytes"
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
		line = unescapeAngles(line)
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
		if isZeroWidth(r) || r == '\u00a0' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isZeroWidth(r):
			return -1
		case r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060':
		return true
	}
	return false
}

// resolveEmphasis turns emphasis markers into "**"/"*" where CommonMark will
// read them as emphasis (the flanking rules), and drops them elsewhere so no
// stray asterisks appear.
func resolveEmphasis(s string) string {
	if !strings.ContainsAny(s, "\uE000\uE002") {
		return strings.NewReplacer("\uE001", "", "\uE003", "").Replace(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 64)
	resolveInto(&b, s)
	return b.String()
}

func resolveInto(b *strings.Builder, s string) {
	for len(s) > 0 {
		i := strings.IndexAny(s, "\uE000\uE002\uE001\uE003")
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		r, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
		if r == markStrongClose || r == markEmClose {
			continue // unmatched close
		}
		closing, delim := markStrongClose, "**"
		if r == markEmOpen {
			closing, delim = markEmClose, "*"
		}
		j := matchClose(s, r, closing)
		if j < 0 {
			continue // unmatched open
		}
		var inner strings.Builder
		resolveInto(&inner, s[:j])
		content := inner.String()
		s = s[j+utf8.RuneLen(closing):]
		prev := lastRune(b.String())
		next := firstRune(s)
		if canEmphasize(prev, content, next) {
			b.WriteString(delim)
			b.WriteString(content)
			b.WriteString(delim)
		} else {
			b.WriteString(content)
		}
	}
}

// matchClose finds the close marker matching an open one at the start of s.
func matchClose(s string, open, closing rune) int {
	depth := 0
	for i, r := range s {
		switch r {
		case open:
			depth++
		case closing:
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// canEmphasize applies CommonMark's left/right-flanking rules to
// delim+content+delim between prev and next (0 = line boundary).
func canEmphasize(prev rune, content string, next rune) bool {
	if strings.TrimSpace(content) == "" || strings.Contains(content, "\n") {
		return false
	}
	first, last := firstRune(content), lastRune(content)
	if first == '\uE004' || last == '\uE004' {
		return false
	}
	// opening delimiter: left-flanking
	if isMDSpace(first) || isMDPunct(first) && !(isMDSpace(prev) || isMDPunct(prev)) {
		return false
	}
	// closing delimiter: right-flanking
	if isMDSpace(last) || isMDPunct(last) && !(isMDSpace(next) || isMDPunct(next)) {
		return false
	}
	return true
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
