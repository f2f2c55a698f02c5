package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoginFlags: `login --logout` does what its help says without naming
// the service again; flags that contradict each other or do nothing are
// usage errors, not silently ignored.
func TestLoginFlags(t *testing.T) {
	b := newBin(t)
	xdg := filepath.Join(b.dir, "xdg")
	b.env = append(b.env, "XDG_CONFIG_HOME="+xdg, "WXARCHIVE_WEREAD_COOKIE=")
	stored := filepath.Join(xdg, "wxarchive")
	if err := os.MkdirAll(stored, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"login", "--logout"}, {"login", "weread", "--logout"}} {
		code, out, errs := b.run(args...)
		if code != 0 {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"login", "--status", "--logout"}, "--logout"},
		{[]string{"login", "weread", "--logout", "--cookie-file", "c.txt"}, "--cookie-file"},
		{[]string{"login", "--logout", "--check", "MzA3MDM3NjE5NQ=="}, "--check"},
		{[]string{"login", "weread", "--json", "--cookie-file", "c.txt"}, "--json"},
		{[]string{"login", "--status", "--cookie-file", "c.txt"}, "--cookie-file"},
	} {
		code, out, errs := b.run(c.args...)
		if code != exitUsage || out != "" || strings.Count(errs, "\n") > 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 with a one-line reason naming %s\n%s%s", c.args, code, c.want, out, errs)
		}
	}
}
