package extractor

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
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
	if t := strings.Join(strings.Fields(metaText(a.Meta.Title)), " "); t != "" {
		b.WriteString("# ")
		b.WriteString(escapeInline(t))
		b.WriteString("\n\n")
	}
	body := strings.TrimSpace(strings.ToValidUTF8(a.Body, "\uFFFD"))
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
	for i, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;") // no raw "<" in the file, not even escaped
			continue
		case '_':
			if intraWord(s[:i], s[i+1:]) {
				break // "tshark_manager": no emphasis can start here
			}
			b.WriteByte('\\')
		case '\\', '`', '*', '[', ']', '>', '!', '&', '#', '|', '~', '(', ')':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// frontMatter writes the metadata as YAML. The library builds the node tree
// (yaml.Node.Encode: key names, order, omitempty) and a small emitter of
// ours writes it: no placeholder is ever substituted, so no title can
// collide with one. A string is written plain when the YAML library would
// write it plain; one holding markup ("<"), a character beyond the Basic
// Multilingual Plane (an emoji, which the library escapes as \U0001F30F) or
// anything needing quotes is double-quoted by yamlQuote ("<" as \x3C, so
// the file never carries a raw tag); a multi-line one is a literal block.
// Invalid UTF-8 is repaired to U+FFFD first, so nothing is ever !!binary;
// control, bidirectional and invisible format characters are dropped
// (line breaks stay), whatever built the article.
func frontMatter(m *model.Meta) []byte {
	node, ok := metaNode(m)
	if !ok {
		node = &yaml.Node{}
		if err := node.Encode(m); err != nil {
			return nil
		}
		repairUTF8(node)
	}
	if node.Kind != yaml.MappingNode || len(node.Content) == 0 {
		return nil
	}
	cleanScalars(node)
	var b bytes.Buffer
	emitMapping(&b, node, 0)
	return b.Bytes()
}

// repairUTF8 turns the !!binary scalars the encoder makes of invalid UTF-8
// strings back into strings, with U+FFFD for each bad byte.
func repairUTF8(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!binary" {
			if raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), "")); err == nil {
				n.Value = string(raw)
			}
			n.Tag, n.Style = "!!str", 0
		}
		if !utf8.ValidString(n.Value) {
			n.Value = strings.ToValidUTF8(n.Value, "\uFFFD")
		}
	}
	for _, c := range n.Content {
		repairUTF8(c)
	}
}

// cleanScalars drops from every scalar what hides or reorders text (see
// hiddenRune; line breaks and tabs stay).
func cleanScalars(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		n.Value = cleanHidden(n.Value, true)
	}
	for _, c := range n.Content {
		cleanScalars(c)
	}
}

func emitMapping(b *bytes.Buffer, n *yaml.Node, indent int) {
	pad := strings.Repeat(" ", indent)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			b.WriteString(pad)
		}
		emitPair(b, n.Content[i].Value, n.Content[i+1], indent)
	}
}

// emitPair writes "key: value" (the caller has written the indentation).
func emitPair(b *bytes.Buffer, key string, v *yaml.Node, indent int) {
	b.WriteString(key)
	b.WriteByte(':')
	switch v.Kind {
	case yaml.MappingNode:
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", indent+2))
		emitMapping(b, v, indent+2)
	case yaml.SequenceNode:
		b.WriteByte('\n')
		for _, item := range v.Content {
			b.WriteString(strings.Repeat(" ", indent+2))
			b.WriteString("- ")
			if item.Kind == yaml.MappingNode {
				emitMapping(b, item, indent+4)
			} else {
				b.WriteString(scalar(item, indent+4))
				b.WriteByte('\n')
			}
		}
	default:
		b.WriteByte(' ')
		b.WriteString(scalar(v, indent+2))
		b.WriteByte('\n')
	}
}

// scalar writes a scalar value; indent is where a block's lines start.
func scalar(n *yaml.Node, indent int) string {
	if n.Tag != "!!str" {
		return n.Value // bool, int: the encoder's canonical text
	}
	s := n.Value
	if strings.ContainsRune(s, '\n') && literalSafe(s) {
		pad := strings.Repeat(" ", indent)
		return "|-\n" + pad + strings.ReplaceAll(s, "\n", "\n"+pad)
	}
	if !strings.Contains(s, "<") && !beyondBMP(s) && plainSafe(s) {
		return s
	}
	return yamlQuote(s)
}

// plainSafe reports a string the YAML library writes plain, so that it
// reads back as the same string.
func plainSafe(s string) bool {
	if s == "" || strings.ContainsAny(s, "\n\r\t") {
		return false
	}
	if quickPlain(s) {
		return true
	}
	out, err := yaml.Marshal(s)
	return err == nil && string(out) == s+"\n"
}

// quickPlain is the quick answer of plainSafe for most titles and names:
// text with some non-ASCII letter and none of YAML's indicators, no edge
// space. It says false when unsure.
func quickPlain(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	wide := false
	for _, r := range s {
		switch {
		case r >= 0x80:
			if !unicode.IsLetter(r) && !unicode.IsPunct(r) && !unicode.IsNumber(r) && r != ' ' && r != 0x3000 {
				return false
			}
			wide = wide || unicode.IsLetter(r)
		case r < 0x20 || r == 0x7f:
			return false
		case strings.ContainsRune("#:'\"{}[],&*!|>%@`\\-?~=", r):
			return false
		}
	}
	return wide
}

// literalSafe reports a multi-line string a literal block keeps exactly:
// printable lines without trailing blanks, no leading blank on the first.
func literalSafe(s string) bool {
	if strings.HasSuffix(s, "\n") || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") || strings.Contains(s, "<") || beyondBMP(s) {
		return false
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimRight(line, " \t") != line {
			return false
		}
		for _, r := range line {
			if r < 0x20 || r == 0x7f || r == utf8.RuneError || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xFEFF {
				return false
			}
		}
	}
	return true
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
