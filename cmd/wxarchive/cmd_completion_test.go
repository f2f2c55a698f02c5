package main

import (
	"strings"
	"testing"
)

// TestCLICompletionShellErrors: a shell that is not known, or none, is a
// usage error (exit 2) naming the shells, not the help and exit 0.
func TestCLICompletionShellErrors(t *testing.T) {
	b := newBin(t)
	for _, args := range [][]string{{"completion", "nonsense"}, {"completion"}} {
		code, out, errs := b.run(args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, "bash, zsh, fish") || strings.Count(errs, "\n") > 2 {
			t.Errorf("%v: exit %d, stdout %.60q, stderr %q; want exit 2 naming the shells", args, code, out, errs)
		}
	}
	if code, out, _ := b.run("completion", "--help"); code != 0 || !strings.Contains(out, "Examples:") {
		t.Errorf("completion --help: %d\n%s", code, out)
	}
}

// completions returns the values cobra offers, without the directive line.
func completions(out string) []string {
	var vals []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" || strings.HasPrefix(l, ":") {
			continue
		}
		v, _, _ := strings.Cut(l, "\t")
		vals = append(vals, v)
	}
	return vals
}

// TestCLICompletionArguments: article keys complete where an ARTICLE goes,
// version numbers where a version goes, nothing past the last argument;
// every fixed-choice flag completes, comma lists too.
func TestCLICompletionArguments(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	key := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	other := string(res["exporter-2025-article-02.html"].Key)
	has := func(vals []string, v string) bool {
		for _, x := range vals {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		args        []string
		want, never string
	}{
		{[]string{"show", ""}, key, ""},
		{[]string{"show", key, ""}, "", other},
		{[]string{"log", key, ""}, "", other},
		{[]string{"changes", key, ""}, "", other},
		{[]string{"diff", key, ""}, "1", other},
		{[]string{"diff", key, "1", ""}, "1", other},
		{[]string{"diff", key, "1", "1", ""}, "", "1"},
		{[]string{"restore", key, ""}, other, ""},
		{[]string{"search", "--color", ""}, "always", ""},
		{[]string{"diff", "--color", ""}, "always", ""},
		{[]string{"changes", "--kind", "edited,"}, "edited,deleted", "deleted"},
	} {
		args := append([]string{"__complete", "--archive", dir}, c.args...)
		_, out, _ := b.run(args...)
		vals := completions(out)
		if c.want != "" && !has(vals, c.want) {
			t.Errorf("%q: completions %v lack %q", c.args, vals, c.want)
		}
		if c.never != "" && has(vals, c.never) {
			t.Errorf("%q: completions %v offer %q", c.args, vals, c.never)
		}
	}
	// --archive completes folders, --config YAML files.
	for flag, want := range map[string]string{"--archive": ":16", "--config": "yaml"} {
		_, out, _ := b.run("__complete", "list", flag, "")
		if !strings.Contains(out, want) {
			t.Errorf("completion of %s: %q, want %q", flag, out, want)
		}
	}
}

func TestCLICompletionExtraShell(t *testing.T) {
	if code, out, _ := newBin(t).run("completion", "bash", "zsh"); code != exitUsage || out != "" {
		t.Errorf("completion bash zsh: exit %d, %d bytes on stdout; want exit 2", code, len(out))
	}
}

// TestShowVersionZero: --version 0 is no version (versions count from 1,
// as diff says), not the latest in disguise.
func TestShowVersionZero(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	key := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	for _, v := range []string{"0", "-1"} {
		if code, out, errs := b.run("show", "--archive", dir, key, "--version", v); code != exitUsage || out != "" {
			t.Errorf("show --version %s: exit %d, %d bytes on stdout %s; want 2", v, code, len(out), errs)
		}
	}
	if code, out, _ := b.run("show", "--archive", dir, key, "--version", "1"); code != 0 || out == "" {
		t.Errorf("show --version 1: exit %d", code)
	}
}

// TestCLICompletionMore: the one service of login, folders for init,
// file-time for --captured, account names for --account, and no file
// names for commands that take no argument.
func TestCLICompletionMore(t *testing.T) {
	b := newBin(t)
	dir, _ := keyArchive(t, b)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"login", ""}, "weread"},
		{[]string{"ingest", "--captured", ""}, "file-time"},
		{[]string{"list", "--account", ""}, "架构师之路"},
		{[]string{"search", "--account", ""}, "架构师之路"},
	} {
		_, out, _ := b.run(append([]string{"__complete", "--archive", dir}, c.args...)...)
		found := false
		for _, v := range completions(out) {
			found = found || v == c.want
		}
		if !found {
			t.Errorf("%q: completions %q lack %q", c.args, out, c.want)
		}
	}
	if _, out, _ := b.run("__complete", "init", ""); !strings.Contains(out, ":16") {
		t.Errorf("init DIR completes folders: %q", out)
	}
	for _, cmd := range []string{"list", "verify", "reindex", "version", "accounts", "serve", "run"} {
		// ShellCompDirectiveNoFileComp is 4.
		if _, out, _ := b.run("__complete", "--archive", dir, cmd, ""); !strings.HasSuffix(strings.TrimSpace(out), ":4") {
			t.Errorf("%s takes no argument but completes files: %q", cmd, out)
		}
	}
}
