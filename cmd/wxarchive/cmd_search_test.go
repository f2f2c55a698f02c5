package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
