package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/internal/textsafe"
	"wxarchive/model"
)

func TestSearchCommand(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	mq := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	// ingest brought the index up to date: it is there, beside the store.
	if _, err := os.Stat(filepath.Join(dir, ".wxarchive", "cache", "search.db")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"search", "--archive", dir, "--color", "never", "解耦"}, 0, "[解耦]"},                   // two characters
		{[]string{"search", "--archive", dir, "--color", "never", "互联网架构"}, 0, mq},                    // five
		{[]string{"search", "--archive", dir, "--account", "架构师", "MQ"}, 0, mq},                       // account by part of its name
		{[]string{"search", "--archive", dir, "--state", "deleted", "MQ"}, 0, ""},                     // no deleted article
		{[]string{"search", "--archive", dir, "--state", "gone", "MQ"}, 2, "want one of"},             // bad state
		{[]string{"search", "--archive", dir, "--account", "nobody", "MQ"}, 2, "no archived account"}, // unknown account
		{[]string{"search", "--archive", dir}, 2, "give a QUERY"},                                     // no query
		{[]string{"search", "--archive", filepath.Join(dir, "missing"), "x"}, 1, "no archive"},        // no archive
	} {
		code, out, errs := b.run(c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%v: exit %d\n%s%s", c.args[3:], code, out, errs)
		}
		if c.code == 0 && c.want == "" && strings.TrimSpace(out) != "" {
			t.Errorf("%v: want no hit, got %s", c.args[3:], out)
		}
	}
}

func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	b := newBin(t)
	dir, _ := keyArchive(t, b)
	code, _, errs := b.run("serve", "--archive", dir, "--addr", "0.0.0.0:0")
	if code != 2 || !strings.Contains(errs, "--token") {
		t.Errorf("exit %d: %s", code, errs)
	}
	code, _, errs = b.run("serve", "--archive", dir, "--token", "short")
	if code != 2 || !strings.Contains(errs, "at least 16") {
		t.Errorf("short token: exit %d: %s", code, errs)
	}
}

// TestSearchPrintsNoControls: a body stored with ESC sequences and
// bidirectional overrides (an archive written before the extractor dropped
// them, or a forged one) does not reach the terminal through a snippet.
func TestSearchPrintsNoControls(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	body := "前文 \x1b]0;pwned\x07\x1b[2J\x1b[31m危险\x1b[0m \u202egnp.exe\u202c 后文\x08\x08"
	in := archive.Input{Link: arID.URL(), Capture: model.Capture{SourceURL: arID.URL(), HTTPStatus: 200, FetchedAt: time.Now(), Raw: []byte("<html>x</html>")},
		Doc:      &model.Document{State: model.StateArticle, ID: arID, Article: &model.Article{Meta: model.Meta{Title: "标题\x1b[31m", Account: "号"}}},
		Markdown: arMarkdown("标题", body)}
	if _, err := a.Record(in); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	code, out, errs := arRun("search", "--archive", dir, "--color", "never", "危险")
	if code != 0 || !strings.Contains(out, "[危险]") {
		t.Fatalf("search: %d %q %s", code, out, errs)
	}
	for _, r := range out {
		if r != '\n' && textsafe.Unsafe(r) {
			t.Errorf("search printed %U:\n%q", r, out)
		}
	}
	if !strings.Contains(out, "前文 ]0;pwned[2J[31m[危险][0m gnp.exe 后文") {
		t.Errorf("the text around the controls is lost or run together:\n%q", out)
	}
}

// TestSearchDateIsTheListDate: search shows an article's date as list,
// the readable file's name and its front matter do (the article's own
// day), not that day moved to the machine's zone.
func TestSearchDateIsTheListDate(t *testing.T) {
	b := newBin(t)
	b.env = append(b.env, "TZ=Pacific/Kiritimati") // UTC+14: 19:15 in China is the next day here
	dir, res := keyArchive(t, b)
	key := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	_, out, _ := b.run("list", "--archive", dir)
	if !strings.Contains(out, key) || !strings.Contains(out, "2017-12-13") {
		t.Fatalf("list:\n%s", out)
	}
	code, out, errs := b.run("search", "--archive", dir, "解耦神器")
	if code != 0 || !strings.Contains(out, "· 2017-12-13 ·") {
		t.Errorf("search shows another date than list's 2017-12-13: exit %d\n%s%s", code, out, errs)
	}
}

// TestAccountFlagAgrees: --account means the same in list and search: every
// account whose name or id contains the text (several are fine), and text
// that no archived account has is the same usage error in both.
func TestAccountFlagAgrees(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	keys := []string{string(res["goscraper-2017-jiagoushi-mq.html"].Key), string(res["exporter-2025-article-02.html"].Key)}
	for _, args := range [][]string{
		{"list", "--archive", dir, "--account", "=="},
		{"search", "--archive", dir, "--account", "==", "的"},
		{"search", "--archive", dir, "--account", "gh_", "的"},
	} {
		code, out, errs := b.run(args...)
		for _, k := range keys {
			if code != 0 || !strings.Contains(out, k) {
				t.Errorf("%v: exit %d, %s not listed\n%s%s", args, code, k, out, errs)
			}
		}
	}
	for _, args := range [][]string{
		{"list", "--archive", dir, "--account", "nobody"},
		{"search", "--archive", dir, "--account", "nobody", "的"},
	} {
		if code, out, errs := b.run(args...); code != exitUsage || !strings.Contains(errs, "no archived account") {
			t.Errorf("%v: exit %d, want 2 'no archived account'\n%s%s", args, code, out, errs)
		}
	}
}
