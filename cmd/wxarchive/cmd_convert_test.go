package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const convertFixtures = "../../testdata/wechat"

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestConvertStdout(t *testing.T) {
	f := filepath.Join(convertFixtures, "goscraper-2017-jiagoushi-mq.html")
	code, out, errs := runCmd(t, "", "convert", f)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "---\ntitle: MQ，互联网架构解耦神器\n") || !strings.Contains(out, "\n# MQ，互联网架构解耦神器\n") {
		t.Errorf("unexpected output:\n%.400s", out)
	}
}

func TestConvertStdinAndURL(t *testing.T) {
	page := `<html><body><h1 id="activity-name">标题</h1><div id="js_content"><p>正文</p></div></body></html>`
	code, out, errs := runCmd(t, page, "convert", "-", "--url", "https://mp.weixin.qq.com/s?__biz=MzA=&mid=5&idx=1&sn=ab")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "source: https://mp.weixin.qq.com/s?__biz=MzA=&mid=5&idx=1&sn=ab\n") {
		t.Errorf("url missing:\n%s", out)
	}
}

func TestConvertOutDir(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(convertFixtures, "goscraper-2018-jiagoushi-dongjing.html")
	b := filepath.Join(convertFixtures, "magichtml-2022-zhangshangsuide.html")
	code, out, errs := runCmd(t, "", "convert", a, "--out", dir, b, "--explain")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != "" {
		t.Errorf("stdout not empty with --out: %q", out)
	}
	for _, n := range []string{"goscraper-2018-jiagoushi-dongjing.md", "magichtml-2022-zhangshangsuide.md"} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || !bytes.HasPrefix(data, []byte("---\n")) {
			t.Errorf("%s: %v %.80q", n, err, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("leftover files in out dir: %v", entries)
	}
	if !strings.Contains(errs, "goscraper-2018-jiagoushi-dongjing.html:") {
		t.Errorf("--explain printed nothing: %q", errs)
	}
}

func TestConvertStateAndGarbage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		in   string
		code int
		msg  []string
	}{
		{"deleted", []string{"convert", filepath.Join(convertFixtures, "exporter-deleted-zh.html")}, "", exitFail, []string{"deleted", "该内容已被发布者删除"}},
		{"verify", []string{"convert", filepath.Join(convertFixtures, "special-verify-en.html")}, "", exitFail, []string{"verify", "环境异常"}},
		{"garbage", []string{"convert", "-"}, "\x00\x01\x02binary", exitFail, []string{"not an HTML page"}},
		{"empty", []string{"convert", "-"}, "", exitFail, []string{"empty input"}},
		{"missing file", []string{"convert", "/nonexistent/x.html"}, "", exitFail, []string{"x.html"}},
		{"no args", []string{"convert"}, "", exitUsage, []string{"usage"}},
		{"bad flag", []string{"convert", "--nope", "x"}, "", exitUsage, []string{"nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tc.in, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (%s)", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("stdout = %q", out)
			}
			for _, m := range tc.msg {
				if !strings.Contains(errs, m) {
					t.Errorf("stderr %q lacks %q", errs, m)
				}
			}
			if tc.code == exitFail && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("want one line, got %q", errs)
			}
		})
	}
}

// Two inputs of the same name never overwrite each other's output, and
// many files convert in parallel with their output in input order.
func TestConvertOutSameNamesAndOrder(t *testing.T) {
	src := filepath.Join(convertFixtures, "goscraper-2017-jiagoushi-mq.html")
	other := filepath.Join(convertFixtures, "magichtml-2022-zhangshangsuide.html")
	tmp := t.TempDir()
	for _, d := range []string{"a", "b"} {
		os.MkdirAll(filepath.Join(tmp, d), 0o755)
	}
	data, _ := os.ReadFile(src)
	data2, _ := os.ReadFile(other)
	os.WriteFile(filepath.Join(tmp, "a", "page.html"), data, 0o644)
	os.WriteFile(filepath.Join(tmp, "b", "page.html"), data2, 0o644)
	out := filepath.Join(tmp, "out")
	code, _, errs := runCmd(t, "", "convert", "--out", out, filepath.Join(tmp, "a", "page.html"), filepath.Join(tmp, "b", "page.html"))
	if code != exitOK || !strings.Contains(errs, "page-2.md") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	one, err1 := os.ReadFile(filepath.Join(out, "page.md"))
	two, err2 := os.ReadFile(filepath.Join(out, "page-2.md"))
	if err1 != nil || err2 != nil || !bytes.Contains(one, []byte("MQ，互联网架构解耦神器")) || bytes.Equal(one, two) {
		t.Errorf("outputs: %v %v\n%.200s\n%.200s", err1, err2, one, two)
	}

	// stdout: in the order given, whatever finishes first.
	files := []string{src, other, src, other, src}
	code, stdout, _ := runCmd(t, "", append([]string{"convert"}, files...)...)
	if code != exitOK {
		t.Fatal(code)
	}
	docs := strings.Split(stdout, "---\ntitle: ")
	if len(docs) != 6 {
		t.Fatalf("%d documents", len(docs)-1)
	}
	for i, d := range docs[1:] {
		wantMQ := i%2 == 0
		if strings.HasPrefix(d, "MQ，") != wantMQ {
			t.Errorf("document %d out of order: %.40q", i, d)
		}
	}
}
