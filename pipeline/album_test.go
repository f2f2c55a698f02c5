package pipeline

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"wxarchive/model"
)

// albumPages serves an album's HTML and its paged JSON listing by
// begin_msgid, and records what was asked.
type albumPages struct {
	html  string
	json  map[string]string // begin_msgid → listing page
	asked []string
}

func (f *albumPages) Page(ctx context.Context, u string) (*model.Capture, error) {
	f.asked = append(f.asked, u)
	pu, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	q := pu.Query()
	if q.Get("f") != "json" {
		return &model.Capture{SourceURL: u, Raw: []byte(f.html)}, nil
	}
	if q.Get("action") != "getalbum" || q.Get("album_id") != "42" || q.Get("__biz") != bizA {
		return nil, fmt.Errorf("unexpected listing request %s", u)
	}
	body, ok := f.json[q.Get("begin_msgid")]
	if !ok {
		body = `{"base_resp":{"ret":0},"getalbum_resp":{"continue_flag":"0"}}`
	}
	return &model.Capture{SourceURL: u, Raw: []byte(body)}, nil
}

func albumHTML(items ...int) string {
	var b strings.Builder
	b.WriteString("<html><script>window.cgiData = { articleList: [\n")
	for _, n := range items {
		fmt.Fprintf(&b, "{ title: 'a%d', url: '%s', msgid: '100%d', itemidx: '1' },\n",
			n, strings.ReplaceAll(art(bizA, n), "&", "&amp;"), n)
	}
	b.WriteString("], continue_flag: '1' * 1 };</script></html>")
	return b.String()
}

func TestAlbumPagesFollowed(t *testing.T) {
	listing := func(more string, items string) string {
		return `{"base_resp":{"ret":0},"getalbum_resp":{"article_list":` + items + `,"continue_flag":"` + more + `"}}`
	}
	item := func(n int, numeric bool) string {
		id := fmt.Sprintf(`"100%d"`, n)
		if numeric {
			id = fmt.Sprintf(`100%d`, n)
		}
		return fmt.Sprintf(`{"url":%q,"msgid":%s,"itemidx":"1"}`, strings.ReplaceAll(art(bizA, n), "&", "&amp;"), id)
	}
	pages := &albumPages{html: albumHTML(1, 2), json: map[string]string{
		"1002": listing("1", "["+item(3, false)+","+item(4, true)+"]"),
		"1004": listing("0", item(5, false)), // a lone article is an object, not a list
	}}
	album := "https://mp.weixin.qq.com/mp/appmsgalbum?__biz=" + bizA + "&action=getalbum&album_id=42"
	e := newEnv(t, parseCfg(t, "sources:\n  albums: [\""+album+"\"]\nqueue: {max_per_run: 1}\n"))
	e.p.Pages = pages

	if s := e.run(context.Background()); s.Discovered != 5 {
		t.Fatalf("first pass discovered %d, want the album's 5 articles; asked %q", s.Discovered, pages.asked)
	}
	if len(pages.asked) != 3 {
		t.Errorf("first pass asked %d pages, want HTML + 2 listing pages: %q", len(pages.asked), pages.asked)
	}
	if c := e.queue().Albums["42"]; c != (AlbumCursor{MsgID: "1005", ItemIdx: "1"}) {
		t.Errorf("cursor = %+v", c)
	}

	// The album grows: the next pass asks only for what follows the cursor.
	pages.asked = nil
	pages.json["1005"] = listing("0", "["+item(6, false)+"]")
	if s := e.run(context.Background()); s.Discovered != 1 {
		t.Fatalf("second pass discovered %d, want the new article", s.Discovered)
	}
	if len(pages.asked) != 2 || !strings.Contains(pages.asked[1], "begin_msgid=1005") {
		t.Errorf("second pass asked %q, want HTML + the page after the cursor", pages.asked)
	}
}

func TestAlbumListingErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON": "<html>环境异常</html>",
		"refused":  `{"base_resp":{"ret":-6,"errmsg":"invalid args"}}`,
		"bad list": `{"base_resp":{"ret":0},"getalbum_resp":{"article_list":"x"}}`,
	} {
		if _, err := parseAlbumJSON([]byte(body)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	p, err := parseAlbumJSON([]byte(`{"base_resp":{"ret":0},"getalbum_resp":{"continue_flag":"0","reverse_continue_flag":"1"}}`))
	if err != nil || len(p.Links) != 0 || p.More {
		t.Errorf("empty listing: %+v, %v", p, err)
	}
}

func TestAlbumFixtureFirstPage(t *testing.T) {
	p := parseAlbumHTML(readAlbumFixture(t))
	if len(p.Links) != 6 || p.More || p.Last.MsgID == "" || p.Last.ItemIdx == "" {
		t.Errorf("fixture album: %d links, more %v, last %+v", len(p.Links), p.More, p.Last)
	}
}

func readAlbumFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/wechat/special-album-2025.html")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
