package fakewx_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wxarchive/fetcher"
	"wxarchive/internal/fakewx"
)

// rawClient talks to the fake's plain listener without following redirects.
func rawGet(t *testing.T, srv *fakewx.Server, uri string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+srv.PlainAddr()+uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "mp.weixin.qq.com"
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestMatchingAndCounts(t *testing.T) {
	srv := fakewx.New(t)
	srv.Page("https://mp.weixin.qq.com/s?__biz=MzA%3D&mid=1&idx=1&sn=aa#rd", "long")
	srv.Page("/s/tok", "short")
	tests := []struct{ uri, want string }{
		{"/s?__biz=MzA%3D&mid=1&idx=1&sn=aa&chksm=x&scene=21", "long"},
		{"/s?idx=1&mid=1&__biz=MzA%3D", "long"},
		{"/s/tok", "short"},
		{"/s/tok?scene=1", "short"},
	}
	for _, tc := range tests {
		resp := rawGet(t, srv, tc.uri)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(body) != tc.want {
			t.Errorf("%s: %d %q", tc.uri, resp.StatusCode, body)
		}
	}
	if resp := rawGet(t, srv, "/s?__biz=MzA%3D&mid=1&idx=2"); resp.StatusCode != 404 {
		t.Errorf("other idx: %d", resp.StatusCode)
	}
	if got := srv.Count("/s?__biz=MzA%3D&mid=1&idx=1"); got != 2 {
		t.Errorf("Count(long) = %d", got)
	}
	if got := srv.Count("/s/tok"); got != 2 {
		t.Errorf("Count(/s/tok) = %d", got)
	}
	if got := srv.Count("/s"); got != 3 || srv.Total() != 5 {
		t.Errorf("Count(/s) = %d, Total = %d", got, srv.Total())
	}
	srv.ResetCounts()
	if srv.Total() != 0 || srv.Count("/s/tok") != 0 || len(srv.Requests()) != 0 {
		t.Error("ResetCounts kept something")
	}
}

func TestSwapRemoveAndFaults(t *testing.T) {
	srv := fakewx.New(t)
	srv.Page("/s/a", "v1")
	srv.Fail("/s/a", 503, 1)
	srv.RateLimit("/s/a", "30", 1)
	srv.Captcha("/s/a", 1)
	if r := rawGet(t, srv, "/s/a"); r.StatusCode != 503 {
		t.Errorf("first: %d", r.StatusCode)
	}
	if r := rawGet(t, srv, "/s/a"); r.StatusCode != 429 || r.Header.Get("Retry-After") != "30" {
		t.Errorf("second: %d %v", r.StatusCode, r.Header)
	}
	r := rawGet(t, srv, "/s/a?x=1")
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != 302 || loc.Path != fakewx.CaptchaPath || loc.Query().Get("poc_token") == "" ||
		loc.Query().Get("target_url") != "http://mp.weixin.qq.com/s/a?x=1" {
		t.Errorf("captcha: %d %q", r.StatusCode, loc)
	}
	body, _ := io.ReadAll(rawGet(t, srv, loc.RequestURI()).Body)
	if !strings.Contains(string(body), "环境异常") {
		t.Errorf("verify page: %q", body)
	}
	srv.Page("/s/a", "v2")
	if body, _ := io.ReadAll(rawGet(t, srv, "/s/a").Body); string(body) != "v2" {
		t.Errorf("after swap: %q", body)
	}
	srv.Remove("/s/a")
	if r := rawGet(t, srv, "/s/a"); r.StatusCode != 404 {
		t.Errorf("after remove: %d", r.StatusCode)
	}
}

func TestFetcherConfigAndEnv(t *testing.T) {
	srv := fakewx.New(t)
	srv.Page("/s/a", "page")
	srv.Image("/mmbiz_png/x/640", "image/png", []byte("png"))
	c, err := fetcher.New(srv.FetcherConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, u := range []string{srv.URL("/s/a"), "http://mp.weixin.qq.com/s/a"} {
		if capt, err := c.Page(ctx, u); err != nil || string(capt.Raw) != "page" {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, h := range fetcher.ImageHosts {
		if data, _, err := c.Image(ctx, "https://"+h+"/mmbiz_png/x/640?wx_fmt=png"); err != nil || string(data) != "png" {
			t.Errorf("%s: %v", h, err)
		}
	}
	env := srv.Env()
	if !strings.Contains(env[fetcher.EnvResolve], "mp.weixin.qq.com:443="+srv.Addr()) || env[fetcher.EnvCAFile] == "" {
		t.Errorf("Env = %v", env)
	}
	// The certificate names the WeChat hosts.
	pool := srv.CertPool()
	conn, err := tls.Dial("tcp", srv.Addr(), &tls.Config{RootCAs: pool, ServerName: "mmbiz.qpic.cn"})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}
