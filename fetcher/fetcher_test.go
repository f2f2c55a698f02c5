package fetcher_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

const article = `<!DOCTYPE html><html><head><title>t</title></head><body><div id="js_article"><div id="js_content">正文</div></div></body></html>`

// TestPage: an http:// link is upgraded and read over TLS (issue 10 §13).
func TestPage(t *testing.T) {
	for _, scheme := range []string{"https", "http"} {
		t.Run(scheme, func(t *testing.T) {
			srv, c, clock := setup(t, nil)
			srv.Page("/s/abc", article)
			raw := scheme + "://mp.weixin.qq.com/s/abc#rd"
			capt, err := c.Page(context.Background(), raw)
			if err != nil {
				t.Fatal(err)
			}
			if string(capt.Raw) != article {
				t.Errorf("Raw = %q", capt.Raw)
			}
			want := "https://mp.weixin.qq.com/s/abc"
			if capt.Target != raw || capt.SourceURL != want || capt.FinalURL != want || capt.HTTPStatus != 200 || !capt.FetchedAt.Equal(clock.Now()) {
				t.Errorf("capture = %+v", capt)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d", len(reqs))
			}
			r := reqs[0]
			if r.Host != "mp.weixin.qq.com" || !r.TLS {
				t.Errorf("request = %+v: not over TLS", r)
			}
			if ua := r.Header.Get("User-Agent"); !strings.Contains(ua, "Chrome/") {
				t.Errorf("User-Agent = %q", ua)
			}
			if ae := r.Header.Get("Accept-Encoding"); !strings.Contains(ae, "gzip") {
				t.Errorf("Accept-Encoding = %q: compression not offered", ae)
			}
		})
	}
}

// TestRedirectToPlainHTTP: a redirect that leaves TLS is refused, for pages
// and images alike, and nothing is requested in clear text (issue 10 §13).
func TestRedirectToPlainHTTP(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Page("/s/plain", article)
	srv.Redirect("/s/down", "http://mp.weixin.qq.com/s/plain")
	srv.Redirect("/s/down80", "http://mp.weixin.qq.com:80/s/plain")
	for _, p := range []string{"/s/down", "/s/down80"} {
		_, err := c.Page(context.Background(), srv.URL(p))
		fe := wantKind(t, err, fetcher.KindRefused)
		if !strings.Contains(fe.Error(), "redirect to http://") || !strings.Contains(fe.Error(), "https only") {
			t.Errorf("%s: %v", p, err)
		}
	}
	png := []byte("\x89PNG\r\n\x1a\nfake")
	srv.Image("/mmbiz_png/plain/0", "image/png", png)
	srv.Redirect("/mmbiz_png/down/0", "http://mmbiz.qpic.cn/mmbiz_png/plain/0")
	_, _, err := c.Image(context.Background(), srv.ImageURL("/mmbiz_png/down/0"))
	wantKind(t, err, fetcher.KindRefused)
	for _, r := range srv.Requests() {
		if !r.TLS {
			t.Errorf("%s requested in clear text", r.URI)
		}
	}
	if n := srv.Count("/s/plain") + srv.Count("/mmbiz_png/plain/0"); n != 0 {
		t.Errorf("redirect targets requested %d times", n)
	}
}

func TestPageLongFormAndAlbum(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *fetcher.Config) { cfg.UserAgent = "test-agent/1" })
	srv.Page("/s?__biz=MzA=&mid=1&idx=2&sn=x", article)
	srv.Page("/mp/appmsgalbum?__biz=MzA=&album_id=9", "<html>album</html>")
	for _, u := range []string{
		"https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=x&chksm=zz&scene=21#wechat_redirect",
		"https://MP.WEIXIN.QQ.COM/s?__biz=MzA=&mid=1&idx=2",
		"https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzA=&action=getalbum&album_id=9#wechat_redirect",
	} {
		if _, err := c.Page(context.Background(), u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if got := srv.Requests()[0].Header.Get("User-Agent"); got != "test-agent/1" {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestShortLinkRedirect(t *testing.T) {
	srv, c, _ := setup(t, nil)
	long := "https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1&sn=x"
	srv.Redirect("/s/short", long)
	srv.Page(long, article)
	capt, err := c.Page(context.Background(), "https://mp.weixin.qq.com/s/short")
	if err != nil {
		t.Fatal(err)
	}
	if capt.SourceURL != "https://mp.weixin.qq.com/s/short" || capt.FinalURL != long {
		t.Errorf("source %q final %q", capt.SourceURL, capt.FinalURL)
	}
}

func TestRefused(t *testing.T) {
	srv, c, _ := setup(t, nil)
	for _, u := range []string{
		"http://127.0.0.1/s/abc",
		"http://" + srv.PlainAddr() + "/s/abc",
		"http://169.254.169.254/latest/meta-data/",
		"file:///etc/passwd",
		"ftp://mp.weixin.qq.com/s/abc",
		"gopher://mp.weixin.qq.com/s/abc",
		"https://mp.weixin.qq.com:8443/s/abc",
		"https://mp.weixin.qq.com.evil.example/s/abc",
		"https://user:pw@mp.weixin.qq.com/s/abc",
		"https://mp.weixin.qq.com/cgi-bin/showqrcode",
		"https://mp.weixin.qq.com/s/a/b",
		"https://mmbiz.qpic.cn/mmbiz_png/x/640", // an image host is no page host
		"mp.weixin.qq.com/s/abc",                // no scheme
		"://bad",
		"",
	} {
		_, err := c.Page(context.Background(), u)
		fe := wantKind(t, err, fetcher.KindRefused)
		if !strings.HasPrefix(fe.Error(), "fetcher: refused ") {
			t.Errorf("%q: message %q", u, fe.Error())
		}
	}
	for _, u := range []string{
		"https://mp.weixin.qq.com/s/abc",
		"http://127.0.0.1/a.png",
		"http://169.254.169.254/a.png",
		"file:///etc/passwd",
		"https://evil.example/mmbiz.qpic.cn/a.png",
	} {
		_, _, err := c.Image(context.Background(), u)
		wantKind(t, err, fetcher.KindRefused)
	}
	if n := srv.Total(); n != 0 {
		t.Errorf("%d requests sent for refused URLs", n)
	}
}

func TestRedirectOutsideAllowList(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Page("/internal", "secret") // reachable on the fake's own loopback address
	for i, loc := range []string{
		"http://" + srv.PlainAddr() + "/internal",
		"http://169.254.169.254/latest/meta-data/",
		"http://localhost/s/abc",
		"https://mp.weixin.qq.com/internal",
		"file:///etc/passwd",
	} {
		p := fmt.Sprintf("/s/r%d", i)
		srv.Redirect(p, loc)
		capt, err := c.Page(context.Background(), srv.URL(p))
		wantKind(t, err, fetcher.KindRefused)
		if capt != nil || !strings.Contains(err.Error(), "redirect") {
			t.Errorf("%s: %v", loc, err)
		}
	}
	if n := srv.Count("/internal"); n != 0 {
		t.Errorf("internal path fetched %d times", n)
	}
}

func TestRedirectLoop(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Redirect("/s/a", "/s/b")
	srv.Redirect("/s/b", "/s/a")
	_, err := c.Page(context.Background(), srv.URL("/s/a"))
	wantKind(t, err, fetcher.KindFailed)
	if n := srv.Total(); n > fetcher.MaxRedirects+1 {
		t.Errorf("%d requests for a redirect loop", n)
	}
}

func TestStatusFailed(t *testing.T) {
	srv, c, _ := setup(t, nil)
	capt, err := c.Page(context.Background(), srv.URL("/s/missing"))
	fe := wantKind(t, err, fetcher.KindFailed)
	if capt != nil || fe.Status != 404 || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "/s/missing") {
		t.Errorf("err = %v", err)
	}
	if n := srv.Count("/s/missing"); n != 1 {
		t.Errorf("404 requested %d times, want 1 (no retry)", n)
	}
}

func TestUntrustedCertificate(t *testing.T) {
	srv := fakewx.New(t)
	srv.Page("/s/abc", article)
	cfg := srv.FetcherConfig()
	cfg.RootCAs = nil // system store: the fake's certificate is unknown
	cfg.Clock = newClock()
	c, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Page(context.Background(), srv.URL("/s/abc"))
	wantKind(t, err, fetcher.KindFailed)
	if srv.Count("/s/abc") != 0 {
		t.Error("a request went through an untrusted TLS connection")
	}
}

func TestCanceled(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Page("/s/abc", article)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	capt, err := c.Page(ctx, srv.URL("/s/abc"))
	wantKind(t, err, fetcher.KindCanceled)
	if capt != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestImage(t *testing.T) {
	srv, c, _ := setup(t, nil)
	png := []byte("\x89PNG\r\n\x1a\nfake")
	srv.Image("/mmbiz_png/abc/640", "image/png", png)
	srv.Redirect("/mmbiz_jpg/old/0", "https://mmbiz.qlogo.cn/mmbiz_png/abc/640?wx_fmt=png")
	for _, u := range []string{
		"https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png&from=appmsg",
		"http://mmbiz.qpic.cn/mmbiz_png/abc/640",
		"https://mmbiz.qpic.cn/mmbiz_jpg/old/0",
	} {
		data, ctype, err := c.Image(context.Background(), u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if string(data) != string(png) || ctype != "image/png" {
			t.Errorf("%s: %q %q", u, data, ctype)
		}
	}
	for _, r := range srv.Requests() {
		if ref := r.Header.Get("Referer"); ref != "" {
			t.Errorf("%s sent Referer %q", r.URI, ref)
		}
	}
	srv.Page("/mmbiz_png/html/0", "<html>not an image</html>")
	_, _, err := c.Image(context.Background(), "https://mmbiz.qpic.cn/mmbiz_png/html/0")
	wantKind(t, err, fetcher.KindFailed)
	srv.Redirect("/mmbiz_png/out/0", "http://127.0.0.1/a.png")
	_, _, err = c.Image(context.Background(), "https://mmbiz.qpic.cn/mmbiz_png/out/0")
	wantKind(t, err, fetcher.KindRefused)
}

// TestProxy: pages go through a proxy on loopback (HTTPS_PROXY from the
// environment, or Config.Proxy) as a CONNECT tunnel, TLS end to end.
func TestProxy(t *testing.T) {
	for _, how := range []string{"env", "config"} {
		t.Run(how, func(t *testing.T) {
			srv := fakewx.New(t)
			srv.Page("/s/abc", article)
			proxy := newConnectProxy(t, srv.Addr())
			cfg := fetcher.Config{Clock: newClock(), Hosts: politeHosts(fetcher.Polite{}), RootCAs: srv.CertPool()}
			switch how {
			case "env":
				for _, k := range []string{"HTTPS_PROXY", "https_proxy"} {
					t.Setenv(k, proxy.URL)
				}
				t.Setenv("NO_PROXY", "")
				t.Setenv("no_proxy", "")
			case "config":
				pu, _ := url.Parse(proxy.URL)
				cfg.Proxy = http.ProxyURL(pu)
			}
			c, err := fetcher.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			capt, err := c.Page(context.Background(), "http://mp.weixin.qq.com/s/abc?scene=1")
			if err != nil {
				t.Fatal(err)
			}
			if string(capt.Raw) != article || proxy.Tunnels() != 1 || proxy.Targets()[0] != "mp.weixin.qq.com:443" {
				t.Errorf("proxy saw %q", proxy.Targets())
			}
			if r := srv.Requests(); len(r) != 1 || !r[0].TLS {
				t.Errorf("requests %+v", r)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	srv := fakewx.New(t)
	srv.Page("/s/abc", article)
	srv.Setenv(t)
	cfg := fetcher.Config{Clock: newClock(), Hosts: politeHosts(fetcher.Polite{})}
	if err := fetcher.ConfigFromEnv(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Resolve["mp.weixin.qq.com:443"] != srv.Addr() || cfg.RootCAs == nil {
		t.Fatalf("cfg = %+v", cfg)
	}
	c, err := fetcher.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Page(context.Background(), srv.URL("/s/abc")); err != nil {
		t.Fatal(err)
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	for _, tc := range []struct{ resolve, ca string }{
		{resolve: "mp.weixin.qq.com:443"},
		{resolve: "mp.weixin.qq.com=127.0.0.1:1"},
		{resolve: "mp.weixin.qq.com:443=127.0.0.1"},
		{ca: "/nonexistent/ca.pem"},
		{ca: "fetcher_test.go"}, // no PEM inside
	} {
		t.Setenv(fetcher.EnvResolve, tc.resolve)
		t.Setenv(fetcher.EnvCAFile, tc.ca)
		var cfg fetcher.Config
		if err := fetcher.ConfigFromEnv(&cfg); err == nil || !strings.HasPrefix(err.Error(), "fetcher: WXARCHIVE_") {
			t.Errorf("%+v: err = %v", tc, err)
		}
	}
	t.Setenv(fetcher.EnvResolve, "")
	t.Setenv(fetcher.EnvCAFile, "")
	var cfg fetcher.Config
	if err := fetcher.ConfigFromEnv(&cfg); err != nil || cfg.Resolve != nil || cfg.RootCAs != nil {
		t.Errorf("unset env changed cfg: %v %+v", err, cfg)
	}
}
