package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"wxarchive/internal/fakewx"
)

// articlePage is a minimal page in the shape WeChat serves (2022+ template).
func articlePage(title, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta property="og:title" content="` + title + `">
<title>` + title + `</title></head><body id="activity-detail"><div id="js_article" class="rich_media">
<h1 class="rich_media_title" id="activity-name">` + title + `</h1>
<div id="meta_content"><span class="rich_media_meta rich_media_meta_text">测试作者</span>
<span id="profileBt"><a id="js_name">测试公众号</a></span><em id="publish_time"></em></div>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">` + body + `</div></div>
<script>
var biz = "MzA3MDM3NjE5NQ==" || "";
var mid = "" || "2650000001";
var idx = "1";
var sn = "0123456789abcdef0123456789abcdef";
var ct = "1700000000";
var nickname = htmlDecode("测试公众号");
var user_name = "gh_0123456789ab";
var msg_title = '` + title + `'.html(false);
var msg_desc = htmlDecode("一段摘要");
</script></body></html>`
}

const deletedPage = `<!DOCTYPE html><html><head><title></title></head><body>
<div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">该内容已被发布者删除</h2></div></div>
</body></html>`

type cli struct {
	t       *testing.T
	archive string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, archive: filepath.Join(t.TempDir(), "archive")}
}

// run runs wxarchive with --archive set, returning exit code, stdout, stderr.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	args = append(args[:1:1], append([]string{"--archive", c.archive}, args[1:]...)...)
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeLines(t *testing.T, s string) []resultJSON {
	t.Helper()
	var lines []resultJSON
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var l resultJSON
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("bad JSON line in %q: %v", s, err)
		}
		lines = append(lines, l)
	}
	return lines
}

func TestIngestFilesOutcomes(t *testing.T) {
	c := newCLI(t)
	v1 := writeFile(t, "v1.html", articlePage("第一版标题", "<p>正文第一段。</p><p>正文第二段。</p>"))
	v2 := writeFile(t, "v2.html", articlePage("第一版标题", "<p>正文第一段。</p><p>正文第二段，已修改。</p>"))
	gone := writeFile(t, "gone.html", deletedPage)
	garbage := writeFile(t, "garbage.bin", "\x00\x01\x02\xff\xfe binary")
	full := articlePage("第一版标题", "<p>正文</p>")
	trunc := writeFile(t, "trunc.html", full[:strings.Index(full, "<div id=\"js_article\"")])
	const url = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=1&sn=0123456789abcdef0123456789abcdef&chksm=1&scene=21#wechat_redirect"

	steps := []struct {
		name    string
		args    []string
		stdin   string
		code    int
		outcome string
		version int
	}{
		{"first capture", []string{"ingest", "--json", "--no-images", v1}, "", 0, "created", 1},
		{"same content", []string{"ingest", "--json", "--no-images", v1}, "", 0, "unchanged", 1},
		{"edited, from stdin", []string{"ingest", "--json", "--no-images", "-"}, articlePage("第一版标题", "<p>正文第一段。</p><p>正文第二段，已修改。</p>"), 0, "updated", 2},
		{"same edit from file", []string{"ingest", "--json", "--no-images", v2}, "", 0, "unchanged", 2},
		{"deleted notice named by --url", []string{"ingest", "--json", "--no-images", "--url", url, gone}, "", 0, "deleted", 2},
		{"truncated page", []string{"ingest", "--json", "--no-images", "--url", url, trunc}, "", 1, "failed", 2},
		{"deleted notice without identity", []string{"ingest", "--json", "--no-images", gone}, "", 1, "failed", 0},
		{"garbage", []string{"ingest", "--json", "--no-images", garbage}, "", 1, "failed", 0},
		{"missing file", []string{"ingest", "--json", "--no-images", filepath.Join(t.TempDir(), "nope.html")}, "", 1, "failed", 0},
	}
	for _, s := range steps {
		code, out, errs := c.run(s.stdin, s.args...)
		if code != s.code {
			t.Fatalf("%s: exit %d, want %d; stdout %q stderr %q", s.name, code, s.code, out, errs)
		}
		lines := decodeLines(t, out)
		if len(lines) != 1 {
			t.Fatalf("%s: %d JSON lines, want 1: %q", s.name, len(lines), out)
		}
		l := lines[0]
		if string(l.Outcome) != s.outcome || l.Version != s.version {
			t.Fatalf("%s: outcome %s v%d (error %q), want %s v%d", s.name, l.Outcome, l.Version, l.Error, s.outcome, s.version)
		}
		if s.code != 0 && l.Error == "" {
			t.Errorf("%s: failure without an error text", s.name)
		}
	}

	// The deleted notice never replaced the good copy.
	code, md, errs := c.run("", "show", url)
	if code != 0 || !strings.Contains(md, "已修改") || strings.Contains(md, "删除") {
		t.Fatalf("show after deletion: exit %d, stderr %q, markdown:\n%s", code, errs, md)
	}
	code, md1, _ := c.run("", "show", url, "--version", "1")
	if code != 0 || strings.Contains(md1, "已修改") || !strings.Contains(md1, "正文第二段。") {
		t.Fatalf("show --version 1: exit %d:\n%s", code, md1)
	}
	if code, out, errs := c.run("", "verify"); code != 0 {
		t.Fatalf("verify: exit %d: %s %s", code, out, errs)
	}
}

func TestIngestUsage(t *testing.T) {
	c := newCLI(t)
	if code, _, _ := c.run("", "ingest"); code != exitUsage {
		t.Errorf("no targets: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := c.run("", "ingest", "--bogus", "x.html"); code != exitUsage {
		t.Errorf("unknown flag: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := c.run("", "ingest", "--url", "https://mp.weixin.qq.com/s/abc", "a.html", "b.html"); code != exitUsage {
		t.Errorf("--url with two targets: exit %d, want %d", code, exitUsage)
	}
	code, out, errs := c.run("", "ingest", "--json", "--no-images", "https://example.com/s/abc")
	if code != exitFail || !strings.Contains(out, `"failed"`) || !strings.Contains(errs+out, "example.com") {
		t.Errorf("foreign URL: exit %d stdout %q stderr %q", code, out, errs)
	}
}

// fakeConfig writes a pipeline.yaml with no politeness delays, for tests
// against the fake WeChat server.
func fakeConfig(t *testing.T) string {
	t.Helper()
	return writeFile(t, "pipeline.yaml", `fetch:
  hosts:
    mp.weixin.qq.com: {interval: 0s, jitter: 0s, concurrency: 1, retries: 0}
    default: {interval: 0s, jitter: 0s, concurrency: 2, retries: 0}
`)
}

func TestIngestURLs(t *testing.T) {
	srv := fakewx.New(t)
	srv.Setenv(t)
	cfg := fakeConfig(t)
	c := newCLI(t)

	img := []byte("\x89PNG\r\n\x1a\nfake image bytes")
	srv.Image("/mmbiz_png/abc/640", "image/png", img)
	imgURL := "https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png"
	page := articlePage("带图的文章", `<p>第一段。</p><p><img data-src="`+imgURL+`" data-ratio="0.5"></p><p>第二段。</p>`)
	srv.Page("/s/shortA", page)
	srv.Page("/s/gone", deletedPage)

	long := "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=1&sn=0123456789abcdef0123456789abcdef"
	code, out, errs := c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/shortA")
	lines := decodeLines(t, out)
	if code != 0 || len(lines) != 1 || lines[0].Outcome != "created" || lines[0].Key != "MzA3MDM3NjE5NQ_2650000001_1" {
		t.Fatalf("short link: exit %d, %q, stderr %q", code, out, errs)
	}
	if n := srv.Count("/mmbiz_png/abc/640"); n != 1 {
		t.Errorf("image fetched %d times, want 1", n)
	}
	// The latest Markdown points at the local copy and keeps the original URL.
	md, err := os.ReadFile(filepath.Join(c.archive, lines[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), imgURL) || !strings.Contains(string(md), "](../") {
		t.Errorf("image not rewritten to a local copy with its original URL kept:\n%s", md)
	}

	// The same article through its long link is the same article.
	srv.Page("/s", page)
	code, out, _ = c.run("", "ingest", "--config", cfg, "--json", long+"&chksm=x&scene=21#wechat_redirect")
	if lines = decodeLines(t, out); code != 0 || lines[0].Outcome != "unchanged" || lines[0].Version != 1 {
		t.Fatalf("long link: exit %d, %q", code, out)
	}
	if n := srv.Count("/mmbiz_png/abc/640"); n != 1 {
		t.Errorf("stored image downloaded again on recapture: %d requests", n)
	}

	// Deleted through an unknown short link: captured under the link.
	code, out, _ = c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/gone")
	if lines = decodeLines(t, out); code != 0 || lines[0].Outcome != "deleted" || lines[0].Key != "s_gone" {
		t.Fatalf("deleted short link: exit %d, %q", code, out)
	}

	// A verification redirect blocks; the host then cools down and the next
	// URL is not requested at all.
	srv.Captcha("/s/shortB", 1)
	srv.Page("/s/shortC", page)
	code, out, errs = c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/shortB", "https://mp.weixin.qq.com/s/shortC")
	lines = decodeLines(t, out)
	if code != 1 || len(lines) != 2 || lines[0].Outcome != "blocked" || lines[1].Outcome != "blocked" {
		t.Fatalf("captcha: exit %d, %q, stderr %q", code, out, errs)
	}
	if n := srv.Count("/s/shortC"); n != 0 {
		t.Errorf("fetched %d times during the cool-down", n)
	}
	if !strings.Contains(errs, "cooling down") {
		t.Errorf("no cool-down notice on stderr: %q", errs)
	}
	// The cool-down is remembered by the archive for the next command.
	code, out, _ = c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/shortC")
	if lines = decodeLines(t, out); code != 1 || lines[0].Outcome != "blocked" || srv.Count("/s/shortC") != 0 {
		t.Fatalf("second command during cool-down: exit %d, %q, requests %d", code, out, srv.Count("/s/shortC"))
	}
	// The good copy is untouched.
	if code, md, _ := c.run("", "show", long); code != 0 || !strings.Contains(md, "第二段") {
		t.Fatalf("show: exit %d\n%s", code, md)
	}
}

func TestIngestFailedFetchIsRecorded(t *testing.T) {
	srv := fakewx.New(t)
	srv.Setenv(t)
	cfg := fakeConfig(t)
	c := newCLI(t)
	srv.Truncate("/s/trunc", 5)
	srv.Page("/s/trunc", articlePage("截断", "<p>正文。</p>"))
	code, out, _ := c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/trunc")
	lines := decodeLines(t, out)
	if code != 1 || lines[0].Outcome != "failed" || lines[0].Key != "s_trunc" || lines[0].Version != 0 {
		t.Fatalf("truncated: exit %d, %q", code, out)
	}
	if code, out, _ := c.run("", "log", "https://mp.weixin.qq.com/s/trunc", "--json"); code != 0 || !strings.Contains(out, "failed") {
		t.Fatalf("log of failed capture: exit %d, %q", code, out)
	}
	if code, _, _ := c.run("", "show", "https://mp.weixin.qq.com/s/trunc"); code == 0 {
		t.Fatalf("show of an article with no version succeeded")
	}

	// A WeChat URL whose ids could not come from WeChat is refused unfetched.
	before := srv.Total()
	code, out, errs := c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s?__biz=../../x&mid=1&idx=1")
	if lines := decodeLines(t, out); code != 1 || lines[0].Outcome != "failed" || !strings.Contains(lines[0].Error, "malformed") {
		t.Fatalf("malformed ids: exit %d, %q, stderr %q", code, out, errs)
	}
	if srv.Total() != before {
		t.Errorf("malformed URL was requested")
	}
}

// A verification page served with status 200 (no redirect) is recognised by
// the extractor and still cools the host down.
func TestIngestVerificationPageCoolsDown(t *testing.T) {
	srv := fakewx.New(t)
	srv.Setenv(t)
	cfg := fakeConfig(t)
	c := newCLI(t)
	srv.Page("/s/verify", fakewx.VerifyHTML)
	srv.Page("/s/next", articlePage("下一篇", "<p>正文。</p>"))
	code, out, errs := c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/verify", "https://mp.weixin.qq.com/s/next")
	lines := decodeLines(t, out)
	if code != 1 || len(lines) != 2 || lines[0].Outcome != "blocked" || lines[1].Outcome != "blocked" {
		t.Fatalf("exit %d, %q, stderr %q", code, out, errs)
	}
	if lines[0].Version != 0 {
		t.Errorf("a verification page made version %d", lines[0].Version)
	}
	if n := srv.Count("/s/next"); n != 0 {
		t.Errorf("next page fetched %d times during the cool-down", n)
	}
}

// A failed image is recorded with the capture, never fatal; the next capture
// tries it again.
func TestIngestFailedImageIsRecorded(t *testing.T) {
	srv := fakewx.New(t)
	srv.Setenv(t)
	cfg := fakeConfig(t)
	c := newCLI(t)
	good := "https://mmbiz.qpic.cn/mmbiz_jpg/good/640?wx_fmt=jpeg"
	missing := "https://mmbiz.qpic.cn/mmbiz_jpg/missing/640?wx_fmt=jpeg"
	srv.Image("/mmbiz_jpg/good/640", "image/jpeg", []byte("\xff\xd8\xff jpeg"))
	srv.Fail("/mmbiz_jpg/missing/640", 404, 10)
	srv.Page("/s/img", articlePage("两张图", `<p>甲。</p><p><img data-src="`+good+`"></p><p><img data-src="`+missing+`"></p><p>乙。</p>`))

	code, out, errs := c.run("", "ingest", "--config", cfg, "--json", "https://mp.weixin.qq.com/s/img")
	if lines := decodeLines(t, out); code != 0 || lines[0].Outcome != "created" {
		t.Fatalf("exit %d, %q, stderr %q", code, out, errs)
	}
	code, out, _ = c.run("", "log", "--json", "https://mp.weixin.qq.com/s/img")
	if code != 0 || !strings.Contains(out, "image_errors") || !strings.Contains(out, "missing") || strings.Contains(out, "good/640\":") {
		t.Fatalf("log: exit %d, %s", code, out)
	}
	srv.ResetCounts()
	if code, _, _ := c.run("", "ingest", "--config", cfg, "https://mp.weixin.qq.com/s/img"); code != 0 {
		t.Fatalf("second capture: exit %d", code)
	}
	if srv.Count("/mmbiz_jpg/good/640") != 0 || srv.Count("/mmbiz_jpg/missing/640") == 0 {
		t.Errorf("second capture: good image requested %d times (want 0), missing %d (want ≥1)",
			srv.Count("/mmbiz_jpg/good/640"), srv.Count("/mmbiz_jpg/missing/640"))
	}
}

// TestIngestManySavedPagesInOrder: saved pages are extracted on every core
// and recorded one at a time: the results come in the order of the
// arguments, whatever page is quickest to extract.
func TestIngestManySavedPagesInOrder(t *testing.T) {
	c := newCLI(t)
	var files []string
	for i := range 9 {
		body := strings.Repeat("<p>一段正文。</p>", 1+(8-i)*40) // the first pages are the slowest
		page := strings.Replace(articlePage(fmt.Sprint("标题", i), body), `"2650000001"`, fmt.Sprintf(`"%d"`, 2650000100+i), 1)
		files = append(files, writeFile(t, fmt.Sprintf("page%d.html", i), page))
	}
	files = append(files[:4:4], append([]string{filepath.Join(t.TempDir(), "missing.html")}, files[4:]...)...)
	code, out, errs := c.run("", append([]string{"ingest", "--json"}, files...)...)
	if code != 1 {
		t.Fatalf("exit %d (want 1: one file missing)\n%s", code, errs)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ Target, Outcome, Title string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Target)
		if r.Target != files[4] && (r.Outcome != "created" || !strings.HasPrefix(r.Title, "标题")) {
			t.Errorf("%s: %s %q", r.Target, r.Outcome, r.Title)
		}
	}
	if !slices.Equal(got, files) {
		t.Errorf("results in the order\n%q\nwant\n%q", got, files)
	}
}
