package extractor

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sharedFixtures is where the real WeChat pages live in the work tree; the
// tests using it are skipped on a fresh clone without it.
const sharedFixtures = "../../shared/fixtures/wechat"

// TestFixturesBody checks the text hygiene of the body of every real page
// and that its images are listed. It reads the extraction the other corpus
// tests share (one per page: under the race detector a 3 MB page takes
// seconds). Set WXARCHIVE_BODY_OUT to a folder to keep the Markdown for
// reading.
func TestFixturesBody(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedFixtures, "*.html"))
	if len(files) == 0 {
		t.Skip("no shared fixtures")
	}
	out := os.Getenv("WXARCHIVE_BODY_OUT")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			e := extracted(t, f)
			if e.err != nil {
				t.Fatal(e.err)
			}
			if e.doc.Article == nil {
				t.Skip("not an article")
			}
			a := e.doc.Article
			// A body converted from HTML ends with a newline; a body made of
			// script data (share pages) or with a card above it is trimmed,
			// and Render ends the file.
			checkHygiene(t, strings.TrimRight(a.Body, "\n")+"\n")
			for _, img := range a.Images {
				if !strings.Contains(a.Body, "]("+img+")") {
					t.Errorf("image %s not in the Markdown", img)
				}
			}
			listed := map[string]bool{}
			for _, img := range a.Images {
				listed[img] = true
			}
			for _, m := range mdImage.FindAllStringSubmatch(proseOf(a.Body), -1) {
				if !listed[m[1]] {
					t.Errorf("Markdown image %s not in Images", m[1])
				}
			}
			if out != "" {
				var b bytes.Buffer
				b.WriteString(a.Body)
				b.WriteString("\n<!-- stripped -->\n")
				for _, s := range a.Stripped {
					b.WriteString("- " + s.Rule + ": " + s.Text + "\n")
				}
				b.WriteString("<!-- related -->\n")
				for _, l := range a.Meta.Related {
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
