package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// browserTarget is where a browser on base goes for a Location: it drops
// tabs and newlines and reads "\" as "/", as browsers do.
func browserTarget(t *testing.T, base, loc string) *url.URL {
	t.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	b, _ := url.Parse(base)
	u, err := b.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return u
}

// TestRedirectsStayOnSite: the redirects built from the request (the token
// one, which sets the cookie; an alias to its key) lead to a path of this
// site whatever the path asked for: never "//evil", "/\evil" or a URL.
func TestRedirectsStayOnSite(t *testing.T) {
	s := newSite(t, "secret")
	const base = "http://127.0.0.1:8080"
	for target, want := range map[string]string{
		"//evil.example/?token=secret":                 "/evil.example/",
		"///evil.example/?token=secret":                "/evil.example/",
		`/\evil.example/?token=secret`:                 "/%5Cevil.example/",
		`/\/evil.example/?token=secret`:                "/%5C/evil.example/",
		"//evil.example/%2e%2e?token=secret":           "/",
		"/%2F%2Fevil.example?token=secret":             "/evil.example",
		"/a/x/..//evil.example?token=secret":           "/a/evil.example",
		"/%09/evil.example?token=secret":               "/%09/evil.example",
		"/search?q=x&next=//evil.example&token=secret": "/search?next=%2F%2Fevil.example&q=x",
		"/a/k?token=secret":                            "/a/k",
	} {
		w := s.get(t, target)
		if w.Code != http.StatusSeeOther {
			t.Errorf("%s: status %d", target, w.Code)
			continue
		}
		loc := w.Header().Get("Location")
		if loc != want {
			t.Errorf("%s: Location %q, want %q", target, loc, want)
		}
		if u := browserTarget(t, base, loc); u.Host != "127.0.0.1:8080" {
			t.Errorf("%s: Location %q leads a browser to %s", target, loc, u)
		}
	}
	for _, loc := range []string{"//evil.example", `/\evil.example`, "https://evil.example", "/\t/evil.example", "evil.example", ""} {
		if isLocal(loc) {
			t.Errorf("isLocal(%q)", loc)
		}
	}
}
