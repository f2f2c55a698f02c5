package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInboxFolderArrivesLater: a "Save page, complete" whose _files folder
// reaches the inbox after the page (copied in later, or written by the
// browser after the .html) gets its local images on the next run; the
// network is unreachable throughout.
func TestInboxFolderArrivesLater(t *testing.T) {
	b := newBin(t)
	const page = "2018-jingshenbingren-pku"
	inbox := filepath.Join(b.dir, "inbox")
	copyTree(t, "examples", b.dir)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(b.dir, "examples", "inbox", page+".html"), filepath.Join(inbox, page+".html")); err != nil {
		t.Fatal(err)
	}
	backdate(t, inbox)
	os.WriteFile(filepath.Join(b.dir, "pipeline.yaml"), []byte("archive: {dir: data, images: true}\nsources: {saved: [inbox]}\n"), 0o644)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	proxy := "http://" + l.Addr().String()
	l.Close()
	b.env = []string{"HTTPS_PROXY=" + proxy, "HTTP_PROXY=" + proxy, "https_proxy=" + proxy, "http_proxy=" + proxy, "NO_PROXY=", "no_proxy="}

	localImages := func(out string) int {
		t.Helper()
		m := regexp.MustCompile(`(?m)^  (data/.*\.md)$`).FindStringSubmatch(out)
		if m == nil {
			md, _ := filepath.Glob(filepath.Join(b.dir, "data", "*", "*", "*.md"))
			if len(md) != 1 {
				t.Fatalf("article files %q in %s", md, out)
			}
			rel, _ := filepath.Rel(b.dir, md[0])
			m = []string{"", rel}
		}
		md, err := os.ReadFile(filepath.Join(b.dir, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(md), "](../../assets/")
	}
	_, out, errs := b.run("run", "--once", "--config", "pipeline.yaml")
	if !strings.Contains(out, "created=1 ") {
		t.Fatalf("first run:\n%s%s", out, errs)
	}
	if n := localImages(out); n != 0 {
		t.Fatalf("%d local images without the folder", n)
	}

	if err := os.Rename(filepath.Join(b.dir, "examples", "inbox", page+"_files"), filepath.Join(inbox, page+"_files")); err != nil {
		t.Fatal(err)
	}
	backdate(t, inbox)
	code, out, errs := b.run("run", "--once", "--config", "pipeline.yaml")
	if code != 0 || !strings.Contains(out, "inbox=1") {
		t.Fatalf("second run: exit %d\n%s%s", code, out, errs)
	}
	if n := localImages(out); n < 5 {
		t.Errorf("%d local images once the folder is there\n%s%s", n, out, errs)
	}
	code, out, errs = b.run("run", "--once", "--config", "pipeline.yaml")
	if code != 0 || strings.Contains(out, "inbox=") {
		t.Errorf("third run: exit %d\n%s%s", code, out, errs)
	}
}

// backdate makes everything under dir an hour old: saved a while ago, not
// being written now.
func backdate(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			err = os.Chtimes(p, old, old)
		}
		return err
	})
}
