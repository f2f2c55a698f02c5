package savedpage

import (
	"reflect"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for src, want := range map[string]string{
		"a_files/640":              "a_files/640",
		" ./a_files/640(1)?x#y":    "a_files/640(1)",
		"a_files/%E5%9B%BE.png":    "a_files/图.png",
		"a_files/../../etc/passwd": "",
		"../a_files/x":             "",
		"/a_files/x":               "",
		`\a_files\x`:               "",
		"https://mmbiz.qpic.cn/x":  "",
		"data:image/png;base64,AA": "",
		"other/x.png":              "",
		"a_files":                  "",
	} {
		if got := LocalPath(src); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestImages(t *testing.T) {
	raw := []byte(`<p><IMG data-src="https://a/1" SRC="a_files/1"><script>var s = "<img src=x>";</script><imgx src="no"><img src='b'/>`)
	var got []map[string]string
	Images(raw, func(a map[string]string) { got = append(got, a) })
	want := []map[string]string{{"data-src": "https://a/1", "src": "a_files/1"}, {"src": "x"}, {"src": "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
