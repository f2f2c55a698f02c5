package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// copyTree copies src (a file or folder, relative to the repository root)
// into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	from := filepath.Join("..", "..", src)
	var err error
	if fi, serr := os.Stat(from); serr == nil && !fi.IsDir() {
		var b []byte
		if b, err = os.ReadFile(from); err == nil {
			err = os.WriteFile(filepath.Join(dst, src), b, 0o644)
		}
	} else {
		err = os.CopyFS(filepath.Join(dst, src), os.DirFS(from))
	}
	if err != nil {
		t.Fatal(err)
	}
}

// countingProxy is a proxy address that accepts connections and closes
// them at once, counting them: any request the tool makes shows.
func countingProxy(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return "http://" + l.Addr().String(), &n
}

// TestMakeRunOffline is `make run` on a fresh copy of the repository with
// the network unreachable: the shipped pipeline.yaml archives the example
// inbox with its local images, says where the articles are, exits 0 and
// requests nothing; a second run finds nothing new (issue 12).
func TestMakeRunOffline(t *testing.T) {
	b := newBin(t)
	for _, p := range []string{"pipeline.yaml", "sources.example.txt", "examples"} {
		copyTree(t, p, b.dir)
	}
	for _, how := range []string{"closed", "counting"} {
		t.Run(how, func(t *testing.T) {
			os.RemoveAll(filepath.Join(b.dir, "data"))
			proxy, conns := countingProxy(t)
			if how == "closed" {
				l, _ := net.Listen("tcp", "127.0.0.1:0")
				proxy = "http://" + l.Addr().String()
				l.Close()
			}
			b.env = []string{"HTTPS_PROXY=" + proxy, "HTTP_PROXY=" + proxy, "https_proxy=" + proxy, "http_proxy=" + proxy, "NO_PROXY=", "no_proxy="}
			code, out, errs := b.run("run", "--once", "--config", "pipeline.yaml")
			if code != 0 || !strings.Contains(out, "created=2 ") || !strings.Contains(out, "wrote 2 articles into data:") {
				t.Fatalf("first run: exit %d\n%s%s", code, out, errs)
			}
			paths := regexp.MustCompile(`(?m)^  (data/.*\.md)$`).FindAllStringSubmatch(out, -1)
			if len(paths) != 2 {
				t.Fatalf("article paths in %q", out)
			}
			for _, p := range paths {
				md, err := os.ReadFile(filepath.Join(b.dir, p[1]))
				if err != nil {
					t.Fatal(err)
				}
				local := strings.Count(string(md), "](../../assets/")
				remote := regexp.MustCompile(`!\[[^\]]*\]\(https?://`).FindAllIndex(md, -1)
				if local == 0 || len(remote) != 0 { // every picture local, none left remote
					t.Errorf("%s: %d local images, %d remote", p[1], local, len(remote))
				}
			}
			if strings.Contains(errs, "level=WARN") || strings.Contains(errs, "level=ERROR") {
				t.Errorf("warnings on an offline first run:\n%s", errs)
			}
			code, out, errs = b.run("run", "--once", "--config", "pipeline.yaml")
			if code != 0 || !strings.Contains(out, "fetched=0 created=0 updated=0") || strings.Contains(out, "wrote") {
				t.Errorf("second run: exit %d\n%s%s", code, out, errs)
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("%d connections to the proxy", n)
			}
		})
	}
}
