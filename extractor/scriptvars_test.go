package extractor

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html/atom"
)

func TestScriptValues(t *testing.T) {
	tests := []struct {
		name, script, key, want string
	}{
		{"plain", `var biz = "MzA5==";`, "biz", "MzA5=="},
		{"alternatives", `var mid = "" || "" || "2654593305";`, "mid", "2654593305"},
		{"window alternatives", `window.biz = '' || 'Mzg5MDA4NTUyNA==';`, "biz", "Mzg5MDA4NTUyNA=="},
		{"html(false)", `var msg_title = '&quot;A&quot; &amp; B&#39;s'.html(false);`, "msg_title", `"A" & B's`},
		{"htmlDecode", `var nickname = htmlDecode("轩辕&amp;宇宙");`, "nickname", "轩辕&宇宙"},
		{"x escapes", `var msg_link = "http://mp.weixin.qq.com/s?__biz=MzA=\x26amp;mid=1\x26amp;idx=1";`, "msg_link", "http://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1"},
		{"u escapes", `var author = "\u4e2d\u6587";`, "author", "中文"},
		{"surrogates", `var author = "\ud83d\ude00";`, "author", "😀"},
		{"times one", `var copyright_stat = "1" * 1;`, "copyright_stat", "1"},
		{"library null later", "var biz = \"MzA=\";\nvar biz = null;", "biz", "MzA="},
		{"library null first", "var biz = null;\nvar biz = opt.biz || window.biz;\nvar biz = \"\" || \"MzB=\";", "biz", "MzB="},
		{"chained", `window.msg_title = window.title = 'T' || '';`, "msg_title", "T"},
		{"member of other object", `obj.title = "no"; var msg_title = "yes";`, "msg_title", "yes"},
		{"attribute in string", `s = ' data-miniprogram-nickname="' + x + '"'; var nickname = "N";`, "nickname", "N"},
		{"comparison", `if (biz == "x") {}; var biz = "y";`, "biz", "y"},
		{"bare number", `var ct = 1513143393;`, "ct", "1513143393"},
		{"single quotes with escaped quote", `var msg_desc = 'it\'s';`, "msg_desc", "it's"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := parseScriptVars([]string{tc.script})
			if got := v.get(tc.key); got != tc.want {
				t.Errorf("get(%q) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestObjectKeys(t *testing.T) {
	s := `window.cgiDataNew = {
  user_name: JsDecode('gh_1'),
  title: JsDecode('Top \x26 more'),
  pic: { title: JsDecode('nested') },
  text_page_info: { content: JsDecode('a\x0ab'), is_user_title: '0' * 1 },
  picture_page_info_list: [ { cdn_url: JsDecode('u1'), watermark_info: { cdn_url: JsDecode('w') } }, { cdn_url: JsDecode('u2') } ],
};`
	blk := objectAfter(s, "cgiDataNew =")
	if blk == "" {
		t.Fatal("no block")
	}
	if got := topKey(blk, "title"); got != "Top & more" {
		t.Errorf("title = %q", got)
	}
	if got := topKey(jsBlock(s, "text_page_info:"), "content"); got != "a\nb" {
		t.Errorf("content = %q", got)
	}
	items := jsItems(jsBlock(s, "picture_page_info_list:"))
	if len(items) != 2 || topKey(items[0], "cdn_url") != "u1" || topKey(items[1], "cdn_url") != "u2" {
		t.Errorf("items = %q", items)
	}
}

// TestScriptMarkers checks the markers scan notes against a plain search of
// every script, over every fixture page.
func TestScriptMarkers(t *testing.T) {
	if len(scriptMarkers) > 16 {
		t.Fatal("markerEnds holds 16 markers")
	}
	files := fixtures(t)
	if shared, _ := filepath.Glob(filepath.Join(sharedDir, "*.html")); len(shared) > 0 {
		files = append(files, shared...)
	}
	scripts := [][]string{{"a = {x:1}; cgiData = {b:2}", "cgiData == 1; hashtags: [] ;; cgiDataNew = {}"}}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts = append(scripts, pageScripts(t, raw))
	}
	for _, ss := range scripts {
		v := parseScriptVars(ss)
		for _, m := range scriptMarkers {
			want := slices.IndexFunc(ss, func(s string) bool { return strings.Contains(s, m) })
			if got, known := v.firstScript(m); !known || got != want {
				t.Errorf("marker %q: first script %d (known %v), want %d", m, got, known, want)
			}
		}
	}
}

// pageScripts returns the script texts of a page: from the pre-pass's
// blocks when it reads the page (no tree needed), else from the tree.
func pageScripts(t *testing.T, raw []byte) []string {
	if _, blocks, ok := prepass(raw); ok {
		var out []string
		for _, b := range blocks {
			if b.tag == atom.Script {
				out = append(out, blockText(string(raw[b.start:b.end])))
			}
		}
		return out
	}
	root, err := parseFull(raw)
	if err != nil {
		t.Fatal(err)
	}
	return newPage(root, raw, Options{}).scripts
}

// checkTopKeys fails unless topKeys agrees with topKey on every key it
// lists and on the names asked of page data.
func checkTopKeys(t *testing.T, block string) {
	t.Helper()
	keys := topKeys(block)
	names := []string{"title", "desc", "cdn_url", "content_noencode", "author", "nickname", "biz", "mid", "idx", "sn", "ct", "x", "a"}
	for k := range keys {
		names = append(names, k)
	}
	for _, k := range names {
		if got, want := keys[k], topKey(block, k); got != want {
			t.Fatalf("key %q of %q: topKeys %q, topKey %q", k, clip([]byte(block)), got, want)
		}
	}
}

// TestTopKeys compares the one-walk index of page data objects with
// topKey over every fixture's objects.
func TestTopKeys(t *testing.T) {
	for _, b := range []string{`{a: 1, b: {a: 2}, "c": 3, d:'x', title: JsDecode('t'), titles: 's', a: 'again'}`, `{x: [1,{title:'no'}], title : "yes" }`, `{}`, `}{a:'1'`} {
		checkTopKeys(t, b)
	}
	for _, f := range corpusFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts := pageScripts(t, raw)
		p := &page{vars: parseScriptVars(scripts), scripts: scripts}
		for _, m := range []string{"cgiDataNew =", "cgiData =", "__QMTPL_SSR_DATA__="} {
			if s := p.findScript(m); s != "" {
				if b := objectAfter(s, m); b != "" {
					checkTopKeys(t, b)
				}
			}
		}
	}
}

func FuzzTopKeys(f *testing.F) {
	f.Add(`{a: 1, b: {a: 2}, "c": 3, d:'x', title: JsDecode('t')}`)
	f.Add(`{x:"\"", y: '' || 'z', z: htmlDecode("&amp;")}`)
	f.Fuzz(func(t *testing.T, block string) { checkTopKeys(t, block) })
}
