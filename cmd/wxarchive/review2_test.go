package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Review 2 §4: an older saved page becomes an earlier version, not the
// latest: no phantom edit, the readable file keeps the newest, log lists
// versions by time, changes shows no edit.
func TestIngestOlderPageIsEarlier(t *testing.T) {
	c := newCLI(t)
	p2 := writeFile(t, "p2.html", articlePage("标题", "<p>六月的正文。</p>"))
	p1 := writeFile(t, "p1.html", articlePage("标题", "<p>一月的正文。</p>"))
	for _, s := range []struct{ page, at, want string }{
		{p2, "2024-06-01", "created"},
		{p1, "2024-01-01", "earlier"},
		{p2, "2024-07-01", "unchanged"},
	} {
		code, out, errs := c.run("", "ingest", "--json", s.page, "--captured", s.at)
		if code != 0 || !strings.Contains(out, `"outcome":"`+s.want+`"`) {
			t.Errorf("ingest %s --captured %s: %d %s %s; want %s", filepath.Base(s.page), s.at, code, out, errs, s.want)
		}
	}
	_, out, _ := c.run("", "list", "--json")
	var info struct{ Key, Path string }
	json.Unmarshal([]byte(out), &info)
	if b, err := os.ReadFile(filepath.Join(c.archive, info.Path)); err != nil || !strings.Contains(string(b), "六月的正文") {
		t.Errorf("the readable file does not show the newest page: %v\n%s", err, b)
	}
	_, out, _ = c.run("", "log", "--json", info.Key)
	var versions []int
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			Kind    string
			Version int
		}
		json.Unmarshal([]byte(l), &ev)
		if ev.Kind == "version" {
			versions = append(versions, ev.Version)
		}
	}
	if len(versions) != 2 || versions[0] != 1 || versions[1] != 2 {
		t.Errorf("log lists versions %v; want [1 2]:\n%s", versions, out)
	}
	if _, out, _ := c.run("", "changes", "--json"); strings.Contains(out, `"edited"`) {
		t.Errorf("changes shows an edit:\n%s", out)
	}
	if code, out, errs := c.run("", "verify"); code != 0 {
		t.Errorf("verify: %d %s %s", code, out, errs)
	}
}
