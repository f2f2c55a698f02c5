package fetcher

import (
	"net/url"
	"testing"

	"wxarchive/model"
)

// FuzzCheckURL: whatever is accepted is http(s) on an allow-listed host and
// a default port.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://mp.weixin.qq.com/s/abc", "http://mp.weixin.qq.com/s?__biz=a&mid=1&idx=1",
		"https://mp.weixin.qq.com@127.0.0.1/s/abc", "https://127.0.0.1%2f@mp.weixin.qq.com/s/x",
		"https://mmbiz.qpic.cn/a.png", "file:///etc/passwd", "https://[::1]/s/abc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, tg := range []target{targetPage, targetImage} {
			u, err := checkURL(raw, tg)
			if err != nil {
				continue
			}
			again, perr := url.Parse(u.String())
			if perr != nil {
				t.Fatalf("%q accepted as %v but %q does not parse: %v", raw, tg, u, perr)
			}
			host := normHost(again.Hostname())
			ok := host == PageHost
			if tg == targetImage {
				ok = model.ImageHost(host)
			}
			if !ok || (again.Scheme != "http" && again.Scheme != "https") || again.User != nil ||
				(again.Port() != "" && again.Port() != "80" && again.Port() != "443") {
				t.Fatalf("%q accepted as %v: %q", raw, tg, again)
			}
		}
	})
}
