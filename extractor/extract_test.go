package extractor

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// fixtureDir holds the trimmed copies of the shared fixtures (see
// testdata/wechat/SOURCES.tsv and extractor/internal/trimfixture).
const fixtureDir = "../testdata/wechat"

// sharedDir holds the original fixtures; absent on a fresh clone.
const sharedDir = "../../shared/fixtures/wechat"

func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	return files
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden renders what Extract makes of a page: the Markdown of an article,
// or "state: …" lines for a state page.
func golden(doc *model.Document) ([]byte, string) {
	if doc.State == model.StateArticle {
		return Render(doc.Article), ".md"
	}
	return []byte(fmt.Sprintf("state: %s\nreason: %s\nid: %+v\n", doc.State, doc.Reason, doc.ID)), ".state"
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			e := extracted(t, f)
			if e.err != nil {
				t.Fatalf("Extract: %v", e.err)
			}
			got, ext := golden(e.doc)
			path := filepath.Join("testdata", "golden", name+ext)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./extractor -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update and review the diff)\n%s", path, firstDiff(string(got), string(want)))
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, a, b)
		}
	}
	return ""
}

// TestTrimmedMatchesOriginal checks each trimmed copy extracts exactly as the
// original fixture, when the shared fixtures are present.
func TestTrimmedMatchesOriginal(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skip("shared fixtures not present")
	}
	if testing.Short() {
		t.Skip("short")
	}
	for _, f := range fixtures(t) {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			orig := filepath.Join(sharedDir, name)
			if _, err := os.Stat(orig); err != nil {
				t.Skip(err)
			}
			a, b := extracted(t, orig), extracted(t, f)
			if a.err != nil || b.err != nil {
				t.Fatal(a.err, b.err)
			}
			ga, _ := golden(a.doc)
			gb, _ := golden(b.doc)
			if !bytes.Equal(ga, gb) {
				t.Errorf("trimmed copy extracts differently\n%s", firstDiff(string(gb), string(ga)))
			}
		})
	}
}

// wantMeta pins the metadata of a few pages of every generation.
func TestMetadata(t *testing.T) {
	tests := []struct {
		file string
		want model.Meta
	}{
		{"goscraper-2017-jiagoushi-mq.html", model.Meta{
			Title: "MQ，互联网架构解耦神器", Author: "58沈剑", Account: "架构师之路", AccountID: "gh_10a6b96351a9",
			Published: "2017-12-13T19:15:00+08:00", Original: true, Type: "article",
		}},
		{"saved-noscript-2016-angenunu-phonics-no1.html", model.Meta{
			Title: "自然拼读法课程00 - 字母的发音", Author: "小王老师", Account: "安格努努",
			Published: "2017-01-18T00:00:00+08:00", Type: "article",
		}},
		{"saved-2016-angenunu-phonics-no1.html", model.Meta{
			Title: "自然拼读法课程00 - 字母的发音", Author: "小王老师", Account: "安格努努", AccountID: "gh_abcd5b649164",
			// ct says 2016-12-28 17:20:23, the page shows 2017-01-18: the
			// shown date wins, so the capture without scripts agrees
			Published: "2017-01-18T00:00:00+08:00", Type: "article",
		}},
		{"magichtml-2022-zhangshangsuide.html", model.Meta{
			Title: "绥德：33名退役军人被表彰", Account: "掌上绥德", AccountID: "gh_6bab8b88e75e",
			Published: "2022-07-31T21:34:31+08:00", Location: "陕西", Type: "article",
		}},
		{"llmwebkit-2024-csdn-hongmeng.html", model.Meta{
			Title: "高校计科系惊现求职新风口：不卷AI卷鸿蒙", Account: "CSDN", AccountID: "gh_961aaed61288",
			Published: "2024-12-18T18:08:11+08:00", Location: "江苏", Type: "article",
		}},
		{"exporter-2025-article-02.html", model.Meta{
			Title: "科技爱好者周刊#372：软件界面如何设计", Author: "阮一峰", Account: "阮一峰的网络日志", AccountID: "gh_2f5c59ad6e1e",
			Published: "2025-11-07T08:31:48+08:00", Modified: "2025-11-07T09:12:53+08:00", Location: "云南",
			SourceURL: "https://www.ruanyifeng.com/blog/2025/11/weekly-issue-372.html", Original: true, Type: "article",
		}},
		{"thepass-2026-picture-item8-feishu.html", model.Meta{
			Title: "知识不闲置！飞书多维表格秒变创作素材库", Author: "周一同学Zelina", Account: "星期一研究室", AccountID: "gh_f2ca92147f20",
			Type: "picture",
		}},
		{"thepass-2026-text-item10-wuxiaobo.html", model.Meta{
			Title: "你们能想象我拍金庸武侠剧是什么样吗？", Account: "吴晓波频道", Published: "2026-02-11T14:00:10+08:00", Type: "text",
		}},
		{"savetruth-2017-caoluoji-video-page.html", model.Meta{
			Title: "槽动画丨魂斗草（易诱发精神病，请谨慎观看）", Account: "槽逻辑", Type: "video",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			doc, err := Extract(readFixture(t, tc.file), Options{})
			if err != nil || doc.Article == nil {
				t.Fatalf("Extract: %v, %+v", err, doc)
			}
			m, w := doc.Article.Meta, tc.want
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("title", m.Title, w.Title)
			check("author", m.Author, w.Author)
			check("account", m.Account, w.Account)
			check("account_id", m.AccountID, w.AccountID)
			check("published", m.Published, w.Published)
			check("modified", m.Modified, w.Modified)
			check("location", m.Location, w.Location)
			check("source_url", m.SourceURL, w.SourceURL)
			check("type", m.Type, w.Type)
			if w.Author == "" && m.Author != "" && tc.file != "thepass-2026-text-item10-wuxiaobo.html" && tc.file != "savetruth-2017-caoluoji-video-page.html" {
				t.Errorf("author = %q, want none", m.Author)
			}
			if m.Original != w.Original {
				t.Errorf("original = %v, want %v", m.Original, w.Original)
			}
			if !doc.ID.Complete() {
				t.Errorf("id incomplete: %+v", doc.ID)
			}
			if m.URL != doc.ID.URL() {
				t.Errorf("url = %q, want %q", m.URL, doc.ID.URL())
			}
		})
	}
}

func TestStates(t *testing.T) {
	tests := []struct {
		file   string
		state  model.State
		reason string
	}{
		{"exporter-deleted-zh.html", model.StateDeleted, "该内容已被发布者删除"},
		{"exporter-deleted-en.html", model.StateDeleted, "The content has been deleted by the author."},
		{"exporter-violation-01.html", model.StateViolation, "此内容因违规无法查看"},
		{"exporter-unavailable.html", model.StateUnavailable, "该内容暂时无法查看"},
		{"special-verify-2026-a.html", model.StateVerify, "环境异常"},
		{"special-verify-en.html", model.StateVerify, "环境异常"},
		{"special-expired-link-2018.html", model.StateExpired, "链接已过期"},
		{"special-param-error.html", model.StateParamError, "参数错误"},
		{"special-album-2025.html", model.StateNotArticle, "album"},
		{"special-truncated-datawhale-aigc.html", model.StateTruncated, "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			doc, err := Extract(readFixture(t, tc.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.State != tc.state || doc.Article != nil {
				t.Fatalf("state = %s (article %v), want %s", doc.State, doc.Article != nil, tc.state)
			}
			if !strings.Contains(doc.Reason, tc.reason) {
				t.Errorf("reason = %q, want it to contain %q", doc.Reason, tc.reason)
			}
		})
	}
}

func TestStateSynthetic(t *testing.T) {
	const article = `<html><head><title>x</title></head><body><div id="js_article"><h1 id="activity-name">环境异常的处理</h1>
<div id="js_content"><p>当服务器报告环境异常时，去验证日志。该内容已被发布者删除的情况也要处理。</p></div></div></body></html>`
	tests := []struct {
		name string
		page string
		want model.State
	}{
		{"article mentioning states", article, model.StateArticle},
		{"rate limited", `<html><body><div class="weui-msg"><h2 class="weui-msg__title">你的访问过于频繁，需要从微信打开验证身份，是否需要继续访问当前页面</h2></div></body></html>`, model.StateRateLimited},
		{"account gone", `<html><body><div class="weui-msg"><h2 class="weui-msg__title">此帐号已自主注销，内容无法查看</h2></div></body></html>`, model.StateAccountGone},
		{"complaint", `<html><body><div class="weui-msg"><h2 class="weui-msg__title">此内容被多人投诉，相关的内容无法进行查看。</h2></div></body></html>`, model.StateViolation},
		{"infringement", `<html><body><div class="weui-msg"><h2 class="weui-msg__title">此内容被投诉且经审核涉嫌侵权，无法查看。</h2></div></body></html>`, model.StateViolation},
		{"app-only shell", `<html><body><p>微信扫一扫可打开此内容，使用完整服务</p></body></html>`, model.StateUnavailable},
		{"captcha redirect", `<html><head><script>location.href="/mp/wappoc_appmsgcaptcha?poc_token=x&target_url=y"</script></head><body></body></html>`, model.StateVerify},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract([]byte(tc.page), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.State != tc.want {
				t.Errorf("state = %s (%s), want %s", doc.State, doc.Reason, tc.want)
			}
		})
	}
}

func TestGarbage(t *testing.T) {
	big := bytes.Repeat([]byte("<p>x</p>"), MaxSize/8+1)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"blank", []byte(" \n\t"), ErrEmpty},
		{"binary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotHTML},
		{"plain text", []byte("just some words, no markup at all"), ErrNotHTML},
		{"json", []byte(`{"base_resp":{"ret":200003}}`), ErrNotHTML},
		{"too large", big, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Extract(tc.in, Options{})
			if !errors.Is(err, tc.want) || doc != nil {
				t.Errorf("Extract = %v, %v; want %v", doc, err, tc.want)
			}
		})
	}
}

func TestSourceURLFallback(t *testing.T) {
	page := `<html><head><title>t</title></head><body><h1 id="activity-name">标题</h1><div id="js_content"><p>正文</p></div></body></html>`
	doc, err := Extract([]byte(page), Options{SourceURL: "http://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=abc&chksm=zz&scene=21#rd"})
	if err != nil {
		t.Fatal(err)
	}
	want := model.ID{Biz: "MzA=", Mid: "1", Idx: "2", Sn: "abc"}
	if doc.ID != want {
		t.Errorf("ID = %+v, want %+v", doc.ID, want)
	}
	if u := doc.Article.Meta.URL; u != "https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=abc" {
		t.Errorf("url = %q", u)
	}
}
