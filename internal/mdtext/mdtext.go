// Package mdtext reads a Markdown body as the text a reader sees: what the
// search index holds and what a change event quotes.
package mdtext

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var plainMD = goldmark.New(goldmark.WithExtensions(extension.GFM))

// PlainText is the text a reader sees in a Markdown body: paragraphs on
// their own lines, no link targets, no image URLs, no markup.
func PlainText(body []byte) string {
	doc := plainMD.Parser().Parse(text.NewReader(body))
	var b strings.Builder
	inCode := false // backslashes in a code span are the text's own
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Image:
			if entering {
				return ast.WalkSkipChildren, nil
			}
		case *ast.Text:
			if entering {
				if v := n.Segment.Value(body); inCode {
					b.Write(v)
				} else {
					b.Write(unescapeText(v)) // "\|" reads "|", "&lt;" reads "<"
				}
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte('\n')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.CodeSpan:
			inCode = entering // its children are Text nodes
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(body))
				}
				b.WriteByte('\n')
				return ast.WalkSkipChildren, nil
			}
		case *ast.Paragraph, *ast.Heading, *ast.ListItem, *ast.TextBlock, *extast.TableCell:
			if !entering {
				b.WriteByte('\n')
			}
		case *ast.ThematicBreak:
			if entering {
				b.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// unescapeText reads Markdown text as a reader sees it: a backslash
// escape is the punctuation it escapes, and an entity or numeric reference
// ("&lt;", "&#20013;") is its character; an escaped "\&amp;" stays as
// written.
func unescapeText(v []byte) []byte {
	var out []byte
	start := 0
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '\\' && util.IsPunct(v[i+1]) {
			out = append(out, util.ResolveNumericReferences(util.ResolveEntityNames(v[start:i]))...)
			out = append(out, v[i+1])
			i++
			start = i + 1
		}
	}
	return append(out, util.ResolveNumericReferences(util.ResolveEntityNames(v[start:]))...)
}
