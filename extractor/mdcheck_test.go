package extractor

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wxarchive/model"
)

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// gfm renders Markdown as a GitHub-flavoured viewer does (goldmark, GFM,
// raw HTML not passed through).
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// renderGFM renders the Markdown of an article: the title heading and body,
// without the front matter.
func renderGFM(t testing.TB, md []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gfm.Convert(md, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withoutFrontMatter strips the YAML front matter of Render's output.
func withoutFrontMatter(md []byte) []byte {
	if !bytes.HasPrefix(md, []byte("---\n")) {
		return md
	}
	if i := bytes.Index(md[4:], []byte("\n---\n")); i >= 0 {
		return md[4+i+5:]
	}
	return md
}

var (
	// displayParams are the parameters a page appends to image URLs.
	bizEscaped    = regexp.MustCompile(`__biz=[^&]*%3[Dd]`)
	displayParams = regexp.MustCompile(`[?&](wxfrom|wx_lazy|wx_co|tp)=|#imgIndex|[?&][^=&#]*=?(&|#|$)`)
	htmlInText    = regexp.MustCompile(`<[A-Za-z!/][^>]*>|&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);`)
	doubledNumber = regexp.MustCompile(`^\s*[0-9]{1,3}\s*[.、．)）]([^0-9]|$)`)
	bareURLEscape = regexp.MustCompile(`https?://[!-~]*\\[!-~]`)
	mdLinkOrCode  = regexp.MustCompile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\([^)]*\\)|<https?://[^>]*>|`[^`]*`")
)

// markdownDefects renders md (an article rendered by Render) with goldmark
// and lists what a reader would trip over: unrendered emphasis, a backslash
// inside a bare URL, HTML tags or entities shown as text, empty headings, a
// second level-1 heading, doubled list numbers, image URLs with display
// parameters, WeChat emoji left as images.
func markdownDefects(t testing.TB, md []byte) []string {
	t.Helper()
	md = withoutFrontMatter(md)
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	// Escaped asterisks are the author's: hide them from the "**" check.
	probe := bytes.ReplaceAll(md, []byte(`\*`), []byte(`\%`))
	doc, err := html.Parse(bytes.NewReader(renderGFM(t, probe)))
	if err != nil {
		t.Fatal(err)
	}
	h1 := 0
	var walk func(n *html.Node, inCode bool)
	walk = func(n *html.Node, inCode bool) {
		switch n.Type {
		case html.CommentNode:
			add("raw HTML in the Markdown (%q)", n.Data)
		case html.TextNode:
			if !inCode {
				if strings.Contains(n.Data, "**") {
					add("unrendered ** in %q", shorten(n.Data, 60))
				}
				if m := htmlInText.FindString(n.Data); m != "" {
					add("HTML %q shown as text in %q", m, shorten(n.Data, 60))
				}
			}
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Code, atom.Pre:
				inCode = true
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if n.DataAtom == atom.H1 {
					h1++
					if h1 == 2 {
						add("second level-1 heading %q", nodeText(n))
					}
				}
				if nodeText(n) == "" && !hasImage(n) {
					add("empty heading <%s>", n.Data)
				}
			case atom.Strong, atom.Em:
				if d := splitPair(n); d != "" {
					add("emphasis splits a pair: %s", d)
				}
				if next := n.NextSibling; next != nil && next.Type == html.ElementNode && next.DataAtom == n.DataAtom {
					add("adjacent <%s> runs %q and %q", n.Data, nodeText(n), nodeText(next))
				}
			case atom.Li:
				if n.Parent != nil && n.Parent.DataAtom == atom.Ol && doubledNumber.MatchString(nodeText(n)) {
					add("doubled list number in %q", shorten(nodeText(n), 40))
				}
			case atom.A:
				if href := attr(n, "href"); strings.Contains(href, "mp.weixin.qq.com") && bizEscaped.MatchString(href) {
					add("article link spells __biz with %%3D, not as WeChat and the front matter do: %s", href)
				}
			case atom.Img:
				src := attr(n, "src")
				if displayParams.MatchString(src) {
					add("image URL with display parameters: %s", src)
				}
				if strings.Contains(src, "we-emoji") || strings.Contains(src, "/newemoji/") {
					add("WeChat emoji as an image: %s", src)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inCode)
		}
	}
	walk(doc, false)

	// Backslashes inside bare URLs cut GFM autolinks short.
	prose := proseOf(string(md))
	for _, line := range strings.Split(prose, "\n") {
		line = mdLinkOrCode.ReplaceAllString(line, "")
		if m := bareURLEscape.FindString(line); m != "" {
			add("backslash inside a bare URL: %s", m)
		}
	}
	for i, line := range strings.Split(string(md), "\n") {
		if strings.HasSuffix(line, "  ") {
			add("line %d ends with spaces (an invisible hard break)", i+1)
		}
	}
	return out
}

// splitPair reports an emphasis element holding half of a bracket or quote
// pair whose other half stands right outside it.
func splitPair(n *html.Node) string {
	text := nodeText(n)
	opens, closes := unmatched(text)
	if len(closes) > 0 && n.PrevSibling != nil && n.PrevSibling.Type == html.TextNode &&
		lastRune(n.PrevSibling.Data) == pairOpen[closes[0]] {
		return string(pairOpen[closes[0]]) + "<" + n.Data + ">" + text
	}
	if len(opens) > 0 && n.NextSibling != nil && n.NextSibling.Type == html.TextNode &&
		firstRune(n.NextSibling.Data) == pairClose[opens[len(opens)-1]] {
		return "<" + n.Data + ">" + text + "</" + n.Data + ">" + string(pairClose[opens[len(opens)-1]])
	}
	return ""
}

// TestMarkdownRenders renders every fixture article with goldmark (GFM) and
// fails on what a reader would see as broken Markdown.
func TestMarkdownRenders(t *testing.T) {
	pages := corpusFiles(t)
	bad := 0
	for _, name := range sortedNames(pages) {
		e := extracted(t, pages[name])
		if e.err != nil {
			t.Fatalf("%s: %v", name, e.err)
		}
		if e.doc.State != model.StateArticle {
			continue
		}
		defects := markdownDefects(t, e.md)
		if len(defects) > 0 {
			bad++
			if len(defects) > 8 {
				defects = append(defects[:8], fmt.Sprintf("… and %d more", len(defects)-8))
			}
			t.Errorf("%s:\n  %s", name, strings.Join(defects, "\n  "))
		}
	}
	t.Logf("%d of %d fixture pages with a Markdown defect", bad, len(pages))
}

func TestMarkdownDefectsCatches(t *testing.T) {
	tests := []struct{ md, want string }{
		{"# T\n\n**a **b\n", "unrendered **"},
		{"# T\n\n# U\n", "second level-1"},
		{"# T\n\n## \n\nx\n", "empty heading"},
		{"# T\n\nsee https://youtube.com/watch?v=1\\_x now\n", "backslash inside a bare URL"},
		{"# T\n\n1. 1.**记忆**\n", "doubled list number"},
		{"# T\n\n![](https://mmbiz.qpic.cn/a/640?wx_fmt=png&wxfrom=5&wx_lazy=1)\n", "display parameters"},
		{"# T\n\n![](https://mmbiz.qpic.cn/a/640?wx_fmt=png&wx_)\n", "display parameters"},
		{"# T\n\na &amp;nbsp; b\n", "shown as text"},
		{"# T\n\n<span>x</span>\n", "raw HTML"},
		{"# T\n\n**独立的“虚拟员工**”是\n", "splits a pair"},
		{"# T\n\n**Workspace (工作区**)\n", "splits a pair"},
		{"# T\n\n**恐怖****怪谈**\n", "unrendered **"},
		{"# T\n\n[x](https://mp.weixin.qq.com/s?__biz=MzA%3D&mid=1&idx=1)\n", "spells __biz"},
	}
	for _, tc := range tests {
		got := strings.Join(markdownDefects(t, []byte(tc.md)), "\n")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q: defects %q, want one with %q", tc.md, got, tc.want)
		}
	}
	for _, md := range []string{
		"# T\n\n**a** b \\*\\*c\\*\\*\n",
		"# T\n\n[https://a.com/x\\_y](https://a.com/x_y)\n",
		"# T\n\n1. 第一\n2. 2024 年\n",
		"# T\n\n```\n<div>&amp;</div>\n```\n",
	} {
		if d := markdownDefects(t, []byte(md)); len(d) > 0 {
			t.Errorf("%q: false defects %q", md, d)
		}
	}
}
