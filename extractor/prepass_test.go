package extractor

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// dumpTree writes every field of the tree that a reader of it can see.
func dumpTree(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		fmt.Fprintf(&b, "%d %d %q %d %q %q\n", depth, n.Type, n.Data, n.DataAtom, n.Namespace, n.Attr)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// checkSameTree fails unless the pre-pass, when it is used, builds the tree
// html.Parse builds. It returns the full parse and whether the pre-pass was
// used.
func checkSameTree(t testing.TB, raw []byte) (*html.Node, bool) {
	t.Helper()
	full, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	pre, ok := parsePrepass(raw)
	if !ok {
		return full, false
	}
	if !sameTree(full, pre) {
		want, got := dumpTree(full), dumpTree(pre)
		t.Fatalf("pre-pass tree differs from html.Parse for %q\n%s", clip(raw), firstDiff(got, want))
	}
	return full, true
}

// sameTree reports whether two trees have the same nodes with the same
// fields dumpTree shows, without building their dumps (megabytes of quoted
// script text per page).
func sameTree(a, b *html.Node) bool {
	if a.Type != b.Type || a.Data != b.Data || a.DataAtom != b.DataAtom || a.Namespace != b.Namespace || !slices.Equal(a.Attr, b.Attr) {
		return false
	}
	ca, cb := a.FirstChild, b.FirstChild
	for ; ca != nil && cb != nil; ca, cb = ca.NextSibling, cb.NextSibling {
		if !sameTree(ca, cb) {
			return false
		}
	}
	return ca == nil && cb == nil
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

var prepassCases = []string{
	`<html><head><script>var a = "</scrip" + "t>";</script><style>p{}</style></head><body><p>x</p></body></html>`,
	`<SCRIPT type="text/javascript">a<b</SCRIPT ><p>after`,
	`<script>if (a<!--b) {}</script><p>x`,
	`<script><!-- <script> var x = "</script>"; </script> --></script><p>after</p>`,
	`<script><!-- x --></script><p>after</p>`,
	`<script><!--<script></script--></script><p>after</p>`,
	`<!-- <script>not a script</script> --><p>x</p><script>real()</script>`,
	`<!--> <script>a()</script>`,
	`<!---> <script>a()</script>`,
	`<!-- a --!> <script>b()</script>`,
	`<div title="<script>x</script>" data-x='>'><script h5only nonce="n">c()</script></div>`,
	`<div a=b/><script>d()</script>`,
	`<title><script>not()</script></title><script>yes()</script>`,
	`<textarea></script><script>x</textarea><script>y()</script>`,
	`<noscript><script>n()</script></noscript><script>m()</script>`,
	`<svg><style>.a{fill:red}</style><title>t</title></svg><script>s()</script>`,
	`<svg><style><b>x</b></style></svg><script>s()</script>`,
	`<svg><script>a()</script></svg>`,
	`<svg><foreignObject><p>x</p><style>p{}</style></foreignObject></svg><style>q{}</style>`,
	`<math><![CDATA[<script>x</script>]]></math><script>y()</script>`,
	`<![CDATA[<script>x</script>]]><script>y()</script>`,
	"<script>a\r\nb\rc\x00d</script>",
	`<script>unterminated`,
	`<style>p{}</style><script>x</scr`,
	`<plaintext><script>x</script>`,
	`<table><script>t()</script><tr><td>x<style>s{}</style></td></tr></table>`,
	`<frameset><script>f()</script></frameset>`,
	`<template><script>t()</script></template><script>u()</script>`,
	`<script></script><style></style><script>` + placeholderPrefix + `0</script>`,
	`<p>` + placeholderPrefix + `0</p><script>x()</script>`,
	`<script>x()</script><p title="` + placeholderPrefix + `0">` + placeholderPrefix + `</p>`,
	`<p>` + placeholderPrefix[:5] + `<script>x()</script>` + placeholderPrefix[5:] + `0</p>`,
	`</><?php x ?><!doctype html><script>a()</script></ x><script>b()</script>`,
	`<p>a < b <3 <script>c()</script>`,
	`<select><script>s()</script><svg><style>x</style></svg></select><script>z()</script>`,
	`<svg/><style>a{}</style><svg></math><style>b{}</style></svg><style>c{}</style>`,
}

func TestPrepassSameTree(t *testing.T) {
	for _, c := range prepassCases {
		checkSameTree(t, []byte(c))
	}
	// The page's own placeholder text outside the blocks makes the
	// pre-pass decline.
	for _, c := range []string{`<p>` + placeholderPrefix + `0</p><script>x()</script>`,
		`<script>x()</script><p title="` + placeholderPrefix + `0">`} {
		if _, _, ok := prepass([]byte(c)); ok {
			t.Errorf("pre-pass accepted %q", c)
		}
	}
}

// TestSameTreeCatches: the comparison sees a change of any dumped field.
func TestSameTreeCatches(t *testing.T) {
	base := `<div id="a" class="b"><p>x<b>y</b></p><!--c--><svg><path d="1"/></svg></div>`
	for _, other := range []string{
		`<div id="a" class="c"><p>x<b>y</b></p><!--c--><svg><path d="1"/></svg></div>`,
		`<div id="a" class="b"><p>x<b>z</b></p><!--c--><svg><path d="1"/></svg></div>`,
		`<div id="a" class="b"><p>x<i>y</i></p><!--c--><svg><path d="1"/></svg></div>`,
		`<div id="a" class="b"><p>x<b>y</b></p><!--d--><svg><path d="1"/></svg></div>`,
		`<div id="a" class="b"><p>x<b>y</b></p><!--c--><math><path d="1"/></math></div>`,
		`<div id="a" class="b"><p>x<b>y</b></p><!--c--><svg><path d="1"/></svg></div><p>`,
	} {
		a, _ := html.Parse(strings.NewReader(base))
		b, _ := html.Parse(strings.NewReader(other))
		if sameTree(a, b) || dumpTree(a) == dumpTree(b) {
			t.Errorf("no difference seen between %s and %s", base, other)
		}
	}
}

// TestPrepassFixtures checks, over every fixture page, that the pre-pass
// builds the tree html.Parse builds and that Extract then returns the same
// Document as with a plain full parse.
func TestPrepassFixtures(t *testing.T) {
	files := fixtures(t)
	if shared, _ := filepath.Glob(filepath.Join(sharedDir, "*.html")); len(shared) > 0 {
		files = append(files, shared...)
	} else {
		t.Log("shared fixtures absent: checking the trimmed copies only")
	}
	used := 0
	for _, f := range files {
		e := extracted(t, f)
		raw := e.raw
		full, ok := checkSameTree(t, raw)
		if ok {
			used++
		} else if len(raw) > 1<<20 {
			t.Errorf("%s: a modern page fell back to the full parse", f)
		}
		// The reference: Extract's work on the tree html.Parse built.
		want, wantErr := extract(raw, Options{}, func([]byte) (*html.Node, error) { return full, nil })
		got, gotErr := e.doc, e.err
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) || !reflect.DeepEqual(want, got) {
			t.Errorf("%s: Extract differs from the full-parse path:\nwant %+v (%v)\ngot  %+v (%v)", f, want, wantErr, got, gotErr)
		}
	}
	t.Logf("pre-pass used for %d of %d pages", used, len(files))
}

func FuzzPrepass(f *testing.F) {
	for _, c := range prepassCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(`<p>plain <b>html</b> without raw text</p>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		small, blocks, ok := prepass(raw)
		lower := bytes.ToLower(raw)
		if ok && !bytes.Contains(lower, []byte("<script")) && !bytes.Contains(lower, []byte("<style")) &&
			!bytes.Contains(raw, []byte("<!--")) && (len(blocks) != 0 || !bytes.Equal(small, raw)) {
			t.Fatalf("pre-pass changed a page without scripts, styles or comments: %q -> %q", raw, small)
		}
		checkSameTree(t, raw)
	})
}
