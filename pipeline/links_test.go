package pipeline

import (
	"os"
	"strings"
	"testing"

	"wxarchive/model"
)

func keys(ls []model.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, string(l.Key()))
	}
	return out
}

func TestExtractLinks(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"plain", "see https://mp.weixin.qq.com/s?__biz=QUJD&mid=1&idx=2&sn=x&chksm=y#rd today", []string{"QUJD_1_2"}},
		{"html escaped", `<a href="http://mp.weixin.qq.com/s?__biz=QUJD&amp;mid=1&amp;idx=2&amp;sn=x">a</a>`, []string{"QUJD_1_2"}},
		{"js escaped", `url: 'http:\/\/mp.weixin.qq.com\/s?__biz=QUJD\x26mid=1\x26idx=2'`, []string{"QUJD_1_2"}},
		{"markdown and short", "[t](https://mp.weixin.qq.com/s/AbC-12_x) and (mp.weixin.qq.com/s/Zz9)", []string{"s_AbC-12_x", "s_Zz9"}},
		{"dedupe by identity", "https://mp.weixin.qq.com/s?__biz=QUJD&mid=1&idx=2&scene=21 http://mp.weixin.qq.com/s?idx=2&mid=1&__biz=QUJD#wechat_redirect", []string{"QUJD_1_2"}},
		{"chinese punctuation", "链接：https://mp.weixin.qq.com/s/tok1，还有https://mp.weixin.qq.com/s/tok2。", []string{"s_tok1", "s_tok2"}},
		{"albums and temp links left out", "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=QQ==&album_id=1 https://mp.weixin.qq.com/s?src=11&timestamp=1&signature=z", nil},
		{"other hosts", "https://example.com/s/abc https://mp.weixin.qq.com.evil.example/s/abc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(ExtractLinks(tt.text))
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTextFileComments(t *testing.T) {
	data := []byte("# https://mp.weixin.qq.com/s/commented\nhttps://mp.weixin.qq.com/s/live\n")
	if got := keys(textFileLinks("list.txt", data)); strings.Join(got, ",") != "s_live" {
		t.Errorf(".txt: got %q", got)
	}
	// In Markdown a '#' line is a heading, and its links count.
	if got := keys(textFileLinks("notes.md", data)); len(got) != 2 {
		t.Errorf(".md: got %q", got)
	}
}

func TestAlbumLinks(t *testing.T) {
	page, err := os.ReadFile("../testdata/wechat/special-album-2025.html")
	if err != nil {
		t.Fatal(err)
	}
	got := AlbumLinks(page)
	if len(got) != 6 {
		t.Fatalf("got %d links %q, want the album's 6 articles", len(got), keys(got))
	}
	if got[0].Key() != "MzA4ODA2ODMzNA_2650993592_1" || got[0].Canon != "https://mp.weixin.qq.com/s?__biz=MzA4ODA2ODMzNA==&mid=2650993592&idx=1&sn=1efb5da41aa8cf60346c1feef4a8d8c0" {
		t.Errorf("first = %+v", got[0])
	}
	// The full fixture, when present, lists the same articles.
	if full, err := os.ReadFile("../../shared/fixtures/wechat/special-album-2025.html"); err == nil {
		if g := keys(AlbumLinks(full)); strings.Join(g, ",") != strings.Join(keys(got), ",") {
			t.Errorf("full fixture: %q", g)
		}
	}
}
