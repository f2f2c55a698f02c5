package web

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"wxarchive/model"
)

// md renders article bodies: GFM, raw HTML never passed through (goldmark's
// unsafe mode stays off), table alignment as attributes (the CSP refuses
// inline styles).
var md = goldmark.New(goldmark.WithExtensions(
	extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
	extension.Strikethrough, extension.Linkify, extension.TaskList,
))

// linker says where an article's images and links point in the viewer.
type linker struct {
	images  map[string]string                // original image URL -> blob ref
	archive func(u string) (model.Key, bool) // archived copy of a WeChat link
}

// renderBody renders a Markdown body to safe HTML: images stored in the
// archive load from it, other images become links to their original (the
// viewer never loads anything remote), WeChat links point at the archived
// copy when there is one, and only http(s), mailto and in-page links stay
// links.
func renderBody(body []byte, l linker) (template.HTML, error) {
	doc := md.Parser().Parse(text.NewReader(body))
	var images, links []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Image:
			images = append(images, n)
		case *ast.Link, *ast.AutoLink:
			links = append(links, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range images {
		img := n.(*ast.Image)
		orig := string(img.Destination)
		if ref, ok := l.images[orig]; ok {
			img.Destination = []byte(blobPath(ref))
			img.SetAttributeString("loading", "lazy")
			continue
		}
		// Not stored: a link to the original, never a remote load.
		link := ast.NewLink()
		link.Destination = []byte(safeURL(orig))
		link.Title = img.Title
		link.AppendChild(link, ast.NewString([]byte("[image not archived]")))
		link.SetAttributeString("class", "missing-image")
		link.SetAttributeString("rel", "noopener noreferrer nofollow")
		n.Parent().ReplaceChild(n.Parent(), n, link)
	}
	for _, n := range links {
		switch v := n.(type) {
		case *ast.Link:
			v.Destination = []byte(l.rewrite(string(v.Destination), n))
		case *ast.AutoLink:
			if v.AutoLinkType == ast.AutoLinkURL {
				u := string(v.URL(body))
				if dest := l.rewrite(u, n); dest != u {
					link := ast.NewLink()
					link.Destination = []byte(dest)
					link.AppendChild(link, ast.NewString([]byte(u)))
					copyAttrs(n, link)
					n.Parent().ReplaceChild(n.Parent(), n, link)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, body, doc); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // goldmark escapes; unsafe mode is off
}

func copyAttrs(from, to ast.Node) {
	for _, a := range from.Attributes() {
		to.SetAttribute(a.Name, a.Value)
	}
}

// rewrite returns where a link of the article points in the viewer.
func (l linker) rewrite(u string, n ast.Node) string {
	s := safeURL(u)
	if s == "" || strings.HasPrefix(s, "#") {
		return s
	}
	if l.archive != nil {
		if k, ok := l.archive(s); ok {
			n.SetAttributeString("class", "archived")
			n.SetAttributeString("title", "archived copy of "+s)
			return articlePath(k)
		}
	}
	n.SetAttributeString("rel", "noopener noreferrer nofollow")
	return s
}

// safeURL keeps http, https and mailto URLs and in-page anchors; anything
// else (javascript:, data:, file:, relative paths into the server) becomes
// "" (a link to nowhere).
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "#") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		return u.String()
	}
	return ""
}

func articlePath(k model.Key) string { return "/a/" + url.PathEscape(string(k)) }

func blobPath(ref string) string {
	parts := strings.Split(ref, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/blob/" + strings.Join(parts, "/")
}
