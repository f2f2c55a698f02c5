package main

// Tests through the real binary: what a user sees on a terminal.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// wxBinary builds the command once per test run.
func wxBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wxarchive-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "wxarchive")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{out: string(out), err: err}
		}
	})
	if binErr != nil {
		t.Fatalf("build wxarchive: %v", binErr)
	}
	return binPath
}

type buildError struct {
	out string
	err error
}

func (b *buildError) Error() string { return b.err.Error() + "\n" + b.out }

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// bin runs the binary in dir with extra environment entries.
type bin struct {
	t   *testing.T
	dir string
	env []string
}

func newBin(t *testing.T) *bin {
	return &bin{t: t, dir: t.TempDir()}
}

func (b *bin) run(args ...string) (code int, stdout, stderr string) {
	b.t.Helper()
	cmd := exec.Command(wxBinary(b.t), args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), b.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatalf("run %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

func TestCLIHelpOnStdout(t *testing.T) {
	b := newBin(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "show"}, {"show", "--help"}, {"diff", "-h"}} {
		code, out, errs := b.run(args...)
		if code != 0 || !strings.Contains(out, "Usage:") || errs != "" {
			t.Errorf("%v: exit %d, stdout %.80q, stderr %q", args, code, out, errs)
		}
	}
	_, out, _ := b.run("help", "show")
	if !strings.Contains(out, "ARTICLE is the key, any URL") || !strings.Contains(out, "--version N") {
		t.Errorf("help show lacks the article forms or flags:\n%s", out)
	}
}

func TestCLIVersion(t *testing.T) {
	b := newBin(t)
	code, out, _ := b.run("version")
	if code != 0 || !strings.HasPrefix(out, "wxarchive ") || !strings.Contains(out, "go1.") {
		t.Errorf("version: %d %q", code, out)
	}
	code, out, _ = b.run("version", "--json")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["version"] == "" || v["go"] == "" {
		t.Errorf("version --json: %d %q", code, out)
	}
	if code, out2, _ := b.run("--version"); code != 0 || !strings.HasPrefix(out2, "wxarchive ") {
		t.Errorf("--version: %d %q", code, out2)
	}
}

func TestCLICompletion(t *testing.T) {
	b := newBin(t)
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, _ := b.run("completion", sh)
		if code != 0 || !strings.Contains(out, "wxarchive") || len(out) < 500 {
			t.Errorf("completion %s: %d, %d bytes", sh, code, len(out))
		}
	}
	// Flag values with fixed choices complete.
	_, out, _ := b.run("__complete", "list", "--state", "")
	if !strings.Contains(out, "deleted") || !strings.Contains(out, "violation") {
		t.Errorf("completion of --state: %q", out)
	}
}

// A typo gets one error line, a suggestion and a one-line hint, not the
// whole usage, and exit 2.
func TestCLIDidYouMean(t *testing.T) {
	b := newBin(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lsts"}, `unknown command "lsts"; did you mean list?`}, // "lsit" is as close to init
		{[]string{"shwo", "x"}, "did you mean show?"},
		{[]string{"list", "--stat", "deleted"}, "unknown flag: --stat; did you mean --state?"},
		{[]string{"show", "x", "--verison", "2"}, "did you mean --version?"},
		{[]string{"diff", "x", "--wrod"}, "did you mean --word?"},
	} {
		code, out, errs := b.run(c.args...)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || len(lines) != 2 || !strings.Contains(lines[1], "--help' for usage") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", c.args, code, out, errs)
		}
	}
}

func TestCLIEnumsValidated(t *testing.T) {
	b := newBin(t)
	os.MkdirAll(filepath.Join(b.dir, "a"), 0o755)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--archive", "a", "--state", "bogus"}, "want one of article, deleted, violation"},
		{[]string{"list", "--archive", "a", "--sort", "size"}, "want one of account, captured, key, published, title"},
		{[]string{"diff", "x", "--archive", "a", "--color", "sometimes"}, "want auto, always or never"},
		{[]string{"verify", "--archive", "a", "--root", "abc"}, "want the 64 hex digits of a root"},
	} {
		code, _, errs := b.run(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errs)
		}
	}
}

// A configuration that cannot be used is exit 2 in every command that reads
// it.
func TestCLIBadConfigExit2(t *testing.T) {
	b := newBin(t)
	os.WriteFile(filepath.Join(b.dir, "bad.yaml"), []byte("sources:\n  urls: 7\nbogus: true\n"), 0o644)
	os.MkdirAll(filepath.Join(b.dir, "a"), 0o755)
	for _, args := range [][]string{
		{"list"}, {"show", "x"}, {"log", "x"}, {"diff", "x"}, {"verify"}, {"reextract"},
		{"ingest", "page.html"}, {"run", "--once"},
	} {
		code, _, errs := b.run(append(args, "--config", "bad.yaml", "--archive", "a")...)
		if code != 2 || !strings.Contains(errs, "bad.yaml") {
			t.Errorf("%v with a bad config: exit %d, %q", args, code, errs)
		}
	}
}

// keyArchive ingests two real saved pages and returns the archive folder
// and the ingest results by fixture.
func keyArchive(t *testing.T, b *bin) (string, map[string]resultJSON) {
	t.Helper()
	files := []string{"exporter-2025-article-02.html", "goscraper-2017-jiagoushi-mq.html"}
	args := []string{"ingest", "--json", "--no-images", "--archive", "arch"}
	for _, f := range files {
		abs, _ := filepath.Abs(filepath.Join(convertFixtures, f))
		args = append(args, abs)
	}
	code, out, errs := b.run(args...)
	if code != 0 {
		t.Fatalf("ingest: %d\n%s%s", code, out, errs)
	}
	res := map[string]resultJSON{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		var r resultJSON
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		res[files[i]] = r
	}
	return filepath.Join(b.dir, "arch"), res
}

// Every way a user names an article reaches it.
func TestCLIArticleNames(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	r := res["exporter-2025-article-02.html"]
	key := string(r.Key)
	_, js, _ := b.run("list", "--json", "--archive", dir)
	var long string
	for _, l := range strings.Split(strings.TrimSpace(js), "\n") {
		var a articleJSON
		json.Unmarshal([]byte(l), &a)
		if string(a.Key) == key {
			long = a.URL
		}
	}
	if long == "" {
		t.Fatalf("no URL for %s in list:\n%s", key, js)
	}
	noScheme := strings.TrimPrefix(long, "https://")
	short := "https://mp.weixin.qq.com/s/tr38EieqyftubIx2FMWUWw" // the page's own msg_link
	versionFile := filepath.Join("arch", "versions", key, "0001.md")
	for _, name := range []string{
		key,
		key[:len(key)-3], // a unique prefix
		long,             // canonical
		long + "&chksm=abc123&scene=21#wechat_redirect", // tracking parameters
		"http://" + noScheme,
		noScheme,
		short, // learned from the page: never ingested by that link
		short + "?scene=1",
		"<!-- saved from url=(0053)" + short + " -->",
		filepath.Join(dir, r.Path), // the readable file, absolute
		filepath.Join("arch", r.Path),
	} {
		code, out, errs := b.run("show", name, "--archive", dir)
		if code != 0 || !strings.Contains(out, "title:") {
			t.Errorf("show %q: exit %d\n%s", name, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(b.dir, versionFile)); err == nil {
		if code, _, errs := b.run("log", versionFile, "--archive", dir); code != 0 {
			t.Errorf("log by version file: %d %s", code, errs)
		}
	}
	// Unknown names: "not found", with the closest matches.
	typo := key[:5] + "X" + key[6:]
	code, _, errs := b.run("show", typo, "--archive", dir)
	if code != 1 || !strings.Contains(errs, "not found") || !strings.Contains(errs, key) {
		t.Errorf("show of a typo: exit %d\n%s", code, errs)
	}
	// An ambiguous prefix lists the candidates.
	code, _, errs = b.run("log", "M", "--archive", dir)
	if code != 1 || !strings.Contains(errs, "ambiguous") || !strings.Contains(errs, key) {
		t.Errorf("log of an ambiguous prefix: exit %d\n%s", code, errs)
	}
	// Results name the target as typed.
	code, out, _ := b.run("reextract", "--dry-run", short, "--archive", dir)
	if code != 0 || !strings.Contains(out, short) {
		t.Errorf("reextract names the target as typed: %d %q", code, out)
	}
}

// Colour only on a terminal, and never with NO_COLOR.
func TestCLIColourOnlyOnATerminal(t *testing.T) {
	b := newBin(t)
	dir, res := keyArchive(t, b)
	key := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	// A second version to diff: ingest an edited copy.
	raw, err := os.ReadFile(filepath.Join(convertFixtures, "goscraper-2017-jiagoushi-mq.html"))
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(raw, []byte("通常使用RPC调用"), []byte("通常使用同步的RPC调用"), 1)
	if bytes.Equal(edited, raw) {
		t.Fatal("the fixture no longer has the sentence to edit")
	}
	os.WriteFile(filepath.Join(b.dir, "edited.html"), edited, 0o644)
	if code, out, errs := b.run("ingest", "--no-images", "--archive", dir, "edited.html"); code != 0 || !strings.Contains(out, "updated") {
		t.Fatalf("ingest edited copy: %d %s %s", code, out, errs)
	}
	onTTY := func(env ...string) string {
		t.Helper()
		cmd := exec.Command(wxBinary(t), "diff", key, "--archive", dir)
		cmd.Dir = b.dir
		cmd.Env = append(os.Environ(), env...)
		f, err := pty.Start(cmd)
		if err != nil {
			t.Skipf("no pseudo-terminal here: %v", err)
		}
		defer f.Close()
		var out bytes.Buffer
		done := make(chan struct{})
		go func() { io.Copy(&out, f); close(done) }()
		cmd.Wait()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		return out.String()
	}
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
	if out := onTTY("NO_COLOR=", "TERM=xterm"); !ansi.MatchString(out) {
		t.Errorf("no colour on a terminal:\n%q", out)
	}
	if out := onTTY("NO_COLOR=1", "TERM=xterm"); ansi.MatchString(out) {
		t.Errorf("colour on a terminal with NO_COLOR set:\n%q", out)
	}
	if _, out, _ := b.run("diff", key, "--archive", dir); ansi.MatchString(out) {
		t.Errorf("colour into a pipe:\n%q", out)
	}
}

// docFields reads the field names documented for each command in
// docs/json.md.
func docFields(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("../../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	var cmds []string
	for _, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			cmds = strings.Split(h, ", ")
			continue
		}
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| field") {
			continue
		}
		name := strings.TrimSpace(strings.Split(line, "|")[1])
		for _, c := range cmds {
			out[c] = append(out[c], name)
		}
	}
	return out
}

// Each command prints only the fields docs/json.md documents for it, one
// object per line, and the same things have the same names.
func TestJSONFieldNames(t *testing.T) {
	doc := docFields(t)
	b := newBin(t)
	dir, res := keyArchive(t, b)
	key := string(res["goscraper-2017-jiagoushi-mq.html"].Key)
	os.WriteFile(filepath.Join(b.dir, "empty.yaml"), []byte("archive: {dir: arch, images: false}\n"), 0o644)
	for _, c := range []struct {
		cmd  string
		args []string
	}{
		{"ingest", []string{"ingest", "--json", "--no-images", "--archive", dir, filepath.Join(mustAbs(t, convertFixtures), "magichtml-2022-zhangshangsuide.html")}},
		{"reextract", []string{"reextract", "--json", "--dry-run", "--archive", dir, key}},
		{"reextract", []string{"reextract", "--json", "--archive", dir, key}},
		{"list", []string{"list", "--json", "--archive", dir}},
		{"log", []string{"log", "--json", "--archive", dir, key}},
		{"verify", []string{"verify", "--json", "--archive", dir}},
		{"search", []string{"search", "--json", "--archive", dir, "架构"}},
		{"changes", []string{"changes", "--json", "--archive", dir}},
		{"restore", []string{"restore", "--json", "--archive", dir, key}},
		{"run", []string{"run", "--once", "--json", "--config", "empty.yaml"}},
		{"version", []string{"version", "--json"}},
	} {
		code, out, errs := b.run(c.args...)
		if code != 0 || strings.TrimSpace(out) == "" {
			t.Errorf("%v: exit %d, %q %s", c.args, code, out, errs)
			continue
		}
		fields := doc[c.cmd]
		if len(fields) == 0 {
			t.Fatalf("docs/json.md documents no fields for %s", c.cmd)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Errorf("%s: not one JSON object per line: %q", c.cmd, line)
				continue
			}
			for k := range m {
				if !slices.Contains(fields, k) {
					t.Errorf("%s prints %q, which docs/json.md does not document (documented: %v)", c.cmd, k, fields)
				}
			}
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCLIEveryCommandHasExamples: every command's help, reached without an
// archive and beside a broken pipeline.yaml, shows how it is used.
func TestCLIEveryCommandHasExamples(t *testing.T) {
	b := newBin(t)
	if err := os.WriteFile(filepath.Join(b.dir, "pipeline.yaml"), []byte("archive: [oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := b.run("__complete", "")
	names := completions(out)
	if len(names) < 15 {
		t.Fatalf("commands: %v", names)
	}
	for _, name := range names {
		if name == "help" {
			continue
		}
		code, out, errs := b.run(name, "--help")
		if code != 0 || errs != "" || !strings.Contains(out, "Examples:\n  wxarchive "+name) {
			t.Errorf("%s --help: exit %d, stderr %q, no example of %s:\n%s", name, code, errs, name, out)
		}
	}
}
