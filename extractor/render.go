package extractor

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// Render writes the article as Markdown with YAML front matter:
//
//	---
//	<model.Meta as YAML, empty keys omitted>
//	---
//
//	# Title
//
//	<body>
//
// The bytes depend only on the article, so equal articles render equally.
func Render(a *model.Article) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(frontMatter(&a.Meta))
	b.WriteString("---\n\n")
	if t := strings.Join(strings.Fields(a.Meta.Title), " "); t != "" {
		b.WriteString("# ")
		b.WriteString(escapeInline(t))
		b.WriteString("\n\n")
	}
	body := strings.TrimSpace(a.Body)
	if body != "" {
		b.WriteString(body)
		b.WriteString("\n")
	}
	return b.Bytes()
}

// escapeInline escapes the characters of s that Markdown would read as
// structure inside a line (emphasis, links, images, code, HTML, entities,
// headings' closing hashes, tables), so s shows as the text it is: a title
// such as "[x](javascript:…)" or "![x](http://…)" stays text.
func escapeInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;") // no raw "<" in the file, not even escaped
			continue
		case '\\', '`', '*', '_', '[', ']', '>', '!', '&', '#', '|', '~', '(', ')':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// frontMatter marshals the metadata as YAML. A value holding markup ("<" in
// a title such as "<script>标签详解") is written double-quoted with "<"
// escaped as \x3C, so the file never carries a raw tag while the value
// round-trips exactly. A value holding an emoji or another character beyond
// the Basic Multilingual Plane is written by yamlQuote too: the YAML encoder
// would escape it as \U0001F30F, unreadable in the file and to grep.
func frontMatter(m *model.Meta) []byte {
	var node yaml.Node
	if err := node.Encode(m); err != nil {
		return nil
	}
	var marked []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && (strings.Contains(n.Value, "<") || beyondBMP(n.Value)) {
			marked = append(marked, n.Value)
			n.Value = fmt.Sprintf("WXARCHIVE-ESCAPED-%d", len(marked)-1)
			n.Style = yaml.DoubleQuotedStyle
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&node)
	var y bytes.Buffer
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil || enc.Close() != nil {
		return nil
	}
	out := y.Bytes()
	if bytes.Equal(out, []byte("{}\n")) {
		return nil
	}
	for i := len(marked) - 1; i >= 0; i-- {
		ph := fmt.Sprintf(`"WXARCHIVE-ESCAPED-%d"`, i)
		out = bytes.Replace(out, []byte(ph), []byte(yamlQuote(marked[i])), 1)
	}
	return out
}

// beyondBMP reports whether s has a character above U+FFFF (emoji).
func beyondBMP(s string) bool {
	for _, r := range s {
		if r > 0xFFFF {
			return true
		}
	}
	return false
}

// yamlQuote writes s as a YAML double-quoted scalar, escaping quotes,
// backslashes, control characters and "<".
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '<':
			b.WriteString(`\x3C`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r == utf8.RuneError, r == 0x85, r == 0x2028, r == 0x2029, r == 0xFEFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
