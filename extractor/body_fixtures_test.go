package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// sharedFixtures is where the real WeChat pages live in the work tree; the
// tests using it are skipped on a fresh clone without it.
const sharedFixtures = "../../shared/fixtures/wechat"

// TestFixturesBody converts the body of every real page and checks the text
// hygiene of the result. Set WXARCHIVE_BODY_OUT to a folder to keep the
// Markdown for reading.
func TestFixturesBody(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedFixtures, "*.html"))
	if len(files) == 0 {
		t.Skip("no shared fixtures")
	}
	out := os.Getenv("WXARCHIVE_BODY_OUT")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			root, err := parsePage(raw)
			if err != nil {
				t.Fatal(err)
			}
			// Converting twice gives the same bytes: TestPrepassFixtures
			// compares two extractions of every page, and TestDeterministic
			// two conversions of a body.
			res := convertFixtureBody(t, root)
			if res == nil {
				t.Skip("no #js_content")
			}
			checkHygiene(t, res.Markdown)
			for _, img := range res.Images {
				if !strings.Contains(res.Markdown, "]("+img+")") {
					t.Errorf("image %s not in the Markdown", img)
				}
			}
			listed := map[string]bool{}
			for _, img := range res.Images {
				listed[img] = true
			}
			for _, m := range mdImage.FindAllStringSubmatch(proseOf(res.Markdown), -1) {
				if !listed[m[1]] {
					t.Errorf("Markdown image %s not in Images", m[1])
				}
			}
			if out != "" {
				var b bytes.Buffer
				b.WriteString(res.Markdown)
				b.WriteString("\n<!-- stripped -->\n")
				for _, s := range res.Stripped {
					b.WriteString("- " + s.Rule + ": " + s.Text + "\n")
				}
				b.WriteString("<!-- links -->\n")
				for _, l := range res.Links {
					b.WriteString("- " + l.Title + " " + l.URL + "\n")
				}
				if err := os.WriteFile(filepath.Join(out, name+".md"), b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

var mdImage = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)\)`)

func convertFixtureBody(t *testing.T, root *html.Node) *bodyResult {
	t.Helper()
	doc := goquery.NewDocumentFromNode(root)
	content := doc.Find("#js_content").First()
	if content.Length() == 0 {
		return nil
	}
	res, err := convertBody(content, DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	return &res
}

// checkHygiene asserts the text rules every converted body must follow.
func checkHygiene(t *testing.T, md string) {
	t.Helper()
	for _, bad := range []string{"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00a0", "\uE000", "\uE001", "\uE002", "\uE003", "\uE004", "[]()", "![]()"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown contains %q", bad)
		}
	}
	prose := proseOf(md)
	for _, bad := range []string{"<script", "\n\n\n", "<section", "<span", "<p>", "<div", "<img"} {
		if strings.Contains(prose, bad) {
			t.Errorf("Markdown outside code contains %q", bad)
		}
	}
	for i, line := range strings.Split(md, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d has trailing space: %q", i+1, line)
		}
	}
	if md != "" && !strings.HasSuffix(md, "\n") {
		t.Errorf("no final newline")
	}
}

// proseOf returns md without its fenced code blocks.
func proseOf(md string) string {
	var b strings.Builder
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		t := stripContainers(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.TrimRight(t, "`~ ") == "" {
				fence = ""
			}
			continue
		}
		if f := fenceOf(t); f != "" {
			fence = f
			b.WriteString("CODE\n")
			continue
		}
		parts := strings.Split(line, "`")
		for i, part := range parts {
			if i%2 == 0 {
				b.WriteString(part) // outside inline code
			} else {
				b.WriteString("C")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
