package fetcher

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"wxarchive/model"
)

// PageHost is the only host pages are read from.
const PageHost = "mp.weixin.qq.com"

// ImageHosts are WeChat image hosts pages commonly use (the fake WeChat of
// the tests serves these); images are read from any host model.ImageHost
// accepts.
var ImageHosts = []string{
	"mmbiz.qpic.cn", "mmbiz.qlogo.cn", "mmecoa.qpic.cn", "wx.qlogo.cn", "mpcdn.qpic.cn",
}

// ErrNotAllowed is the cause of KindRefused errors for URLs outside the allow-list.
var ErrNotAllowed = errors.New("not allowed")

// target is what a URL may point at.
type target int

const (
	targetPage target = iota
	targetImage
	targetWeRead
)

func (t target) String() string {
	switch t {
	case targetImage:
		return "image"
	case targetWeRead:
		return "WeRead request"
	}
	return "page"
}

// pagePaths are the paths of article and album pages.
func pagePath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	switch p {
	case "/s", "/mp/appmsgalbum", "/mp/appmsg/show", "/mp/rumor":
		return true
	}
	tok, ok := strings.CutPrefix(p, "/s/")
	return ok && tok != "" && !strings.Contains(tok, "/")
}

// captchaPath reports whether p is WeChat's verification page.
func captchaPath(p string) bool { return strings.HasPrefix(p, "/mp/wappoc_appmsgcaptcha") }

// checkURL parses raw, upgrades http:// to https:// (WeChat serves every
// page and image over TLS; plain HTTP would let anyone on the path change
// what is archived) and checks the result against the allow-list for t.
func checkURL(raw string, t target) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("bad url: %w", err)
	}
	if u.Scheme == "http" && t != targetWeRead { // a WeRead request (a cookie) is never typed by hand
		u.Scheme = "https"
		if u.Port() == "80" {
			u.Host = strings.TrimSuffix(u.Host, ":80")
		}
	}
	if err := allowed(u, t); err != nil {
		return nil, err
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func allowed(u *url.URL, t target) error {
	if u.Scheme != "https" {
		return fmt.Errorf("scheme %q %w (https only)", u.Scheme, ErrNotAllowed)
	}
	if u.User != nil {
		return fmt.Errorf("user info in url %w", ErrNotAllowed)
	}
	if p := u.Port(); p != "" && p != "443" {
		return fmt.Errorf("port %q %w", p, ErrNotAllowed)
	}
	host := normHost(u.Hostname())
	switch t {
	case targetPage:
		if host != PageHost {
			return fmt.Errorf("host %q %w for pages (only %s)", u.Hostname(), ErrNotAllowed, PageHost)
		}
		if !pagePath(u.Path) {
			return fmt.Errorf("path %q %w (not an article or album page)", u.Path, ErrNotAllowed)
		}
	case targetImage:
		if !model.ImageHost(host) {
			return fmt.Errorf("host %q %w for images (only WeChat's image servers)", u.Hostname(), ErrNotAllowed)
		}
	case targetWeRead:
		if host != WeReadHost || u.Scheme != "https" {
			return fmt.Errorf("%s://%s %w for WeRead requests (only https://%s)", u.Scheme, u.Hostname(), ErrNotAllowed, WeReadHost)
		}
		if !weReadPath(u.Path) {
			return fmt.Errorf("path %q %w (not a WeRead account listing)", u.Path, ErrNotAllowed)
		}
	}
	return nil
}

// allowedHost reports whether host (no port) is one the client ever requests.
func allowedHost(host string) bool {
	host = normHost(host)
	return host == PageHost || host == WeReadHost || model.ImageHost(host)
}
