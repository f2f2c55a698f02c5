package extractor

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

func TestRenderRoundTrip(t *testing.T) {
	titles := []string{
		"plain", `quotes "double" and 'single'`, "colon: and # hash", "line\nbreak", "- dash start",
		"yes", "null", "0123", "<script>alert(1)</script>", "a < b \\ \"c\"", "tab\there", "@at", "`tick`", "  spaces  ", "中文：标题｜测试", "{braces}", "[list]", "a: b: c", "---",
		"\U0001F30F华商君", "emoji 👏 and <tag>", "\U0001F600\"quoted\"",
	}
	for _, title := range titles {
		a := &model.Article{
			Meta: model.Meta{Title: title, Author: title, Published: "2025-01-02T03:04:05+08:00", Original: true,
				WeChat: &model.ID{Biz: "MzA=", Mid: "1", Idx: "1"}, Tags: []string{title},
				Timelines: []model.Timeline{{Title: title, Entries: []model.TimelineEntry{{Time: "0:00", Label: title}}}},
				Related:   []model.Related{{URL: "https://mp.weixin.qq.com/s/x", Title: title}}},
			Body: "body",
		}
		out := Render(a)
		if !bytes.HasPrefix(out, []byte("---\n")) {
			t.Fatalf("no front matter: %q", out)
		}
		rest := out[4:]
		end := bytes.Index(rest, []byte("\n---\n\n"))
		if end < 0 {
			t.Fatalf("unterminated front matter: %q", out)
		}
		var m model.Meta
		if err := yaml.Unmarshal(rest[:end+1], &m); err != nil {
			t.Fatalf("title %q: yaml: %v\n%s", title, err, rest[:end])
		}
		if !reflect.DeepEqual(m, a.Meta) {
			t.Errorf("title %q: round trip\n got %+v\nwant %+v", title, m, a.Meta)
		}
		if bytes.Contains(bytes.ToLower(out), []byte("<script")) {
			t.Errorf("title %q: output contains <script:\n%s", title, out)
		}
		if !bytes.Equal(out, Render(a)) {
			t.Errorf("not deterministic")
		}
		if bytes.Contains(out, []byte(`\U0`)) {
			t.Errorf("title %q: emoji escaped in the front matter:\n%s", title, out)
		}
		if !strings.HasSuffix(string(out), "\nbody\n") {
			t.Errorf("body not at end: %q", out)
		}
	}
}

func TestRenderShape(t *testing.T) {
	a := &model.Article{Meta: model.Meta{Title: "T", Type: "article"}, Body: "Hello"}
	want := "---\ntitle: T\nformat: article\n---\n\n# T\n\nHello\n"
	if got := string(Render(a)); got != want {
		t.Errorf("Render =\n%q\nwant\n%q", got, want)
	}
}

func TestRelated(t *testing.T) {
	self := model.ID{Biz: "MzA=", Mid: "1", Idx: "1"}
	links := []model.Related{
		{URL: "http://mp.weixin.qq.com/s?__biz=MzA=&amp;mid=2&amp;idx=1&amp;sn=a&amp;scene=21#wechat_redirect", Title: ""},
		{URL: "https://mp.weixin.qq.com/s?__biz=MzA=&mid=2&idx=1&sn=a&chksm=x", Title: "第二篇"},
		{URL: "https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1&sn=self", Title: "自己"},
		{URL: "https://example.com/a", Title: "外链"},
		{URL: "https://mp.weixin.qq.com/s/AbC", Title: "短链"},
		{URL: "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA=&album_id=9", Title: "合集"},
	}
	got := related(links, self)
	want := []model.Related{
		{URL: "https://mp.weixin.qq.com/s?__biz=MzA=&mid=2&idx=1&sn=a", Title: "第二篇"},
		{URL: "https://mp.weixin.qq.com/s/AbC", Title: "短链"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("related =\n%+v\nwant\n%+v", got, want)
	}
}
