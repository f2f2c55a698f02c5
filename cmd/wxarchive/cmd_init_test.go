package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/config"
)

// TestRunWithoutConfigSaysHowToStart: `run` where there is no
// pipeline.yaml explains `init` instead of running over defaults (and
// creating ./archive); `init` writes a configuration `run` accepts
// (issue 12).
func TestRunWithoutConfigSaysHowToStart(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, errs := runCLI(context.Background(), "run", "--once")
	if code != exitUsage || !strings.Contains(errs, "wxarchive init") || out != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, errs)
	}
	if _, err := os.Stat("archive"); !os.IsNotExist(err) {
		t.Errorf("run without a configuration created ./archive (%v)", err)
	}

	code, out, errs = runCLI(context.Background(), "init")
	if code != exitOK || !strings.Contains(out, "wxarchive run --once") {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	if _, err := config.Load(filepath.Join(dir, "pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat("inbox"); err != nil || !fi.IsDir() {
		t.Fatalf("inbox: %v", err)
	}
	if code, _, errs := runCLI(context.Background(), "init"); code != exitFail || !strings.Contains(errs, "exists") {
		t.Errorf("second init: exit %d %s", code, errs)
	}
	code, out, errs = runCLI(context.Background(), "run", "--once")
	if code != exitOK || !strings.HasPrefix(out, "run: ") {
		t.Errorf("run after init: exit %d\n%s%s", code, out, errs)
	}
	// A pass over an empty inbox and no links says what to do next, not
	// only "discovered=0 fetched=0" (issue 12).
	if !strings.Contains(errs, "nothing archived yet") || !strings.Contains(errs, "inbox") || strings.Contains(out, "nothing archived") {
		t.Errorf("run after init, nothing to do: no hint on stderr\nstdout %s\nstderr %s", out, errs)
	}
	// The summary is said once, on stdout; not again as a log line.
	if strings.Contains(errs, "run finished") {
		t.Errorf("the summary repeated as a log line on stderr:\n%s", errs)
	}
}

// TestInitHonoursConfigAndArchive: `init --config FILE` writes FILE (the
// inbox beside it), `init --archive DIR` makes DIR the archive of the
// configuration it writes; neither is silently ignored.
func TestInitHonoursConfigAndArchive(t *testing.T) {
	b := newBin(t)
	code, out, errs := b.run("init", "--config", "etc/wx.yaml", "--archive", "store dir")
	if code != exitOK {
		t.Fatalf("init --config --archive: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(b.dir, "pipeline.yaml")); !os.IsNotExist(err) {
		t.Errorf("init --config wrote ./pipeline.yaml (%v)", err)
	}
	cfg, err := config.Load(filepath.Join(b.dir, "etc", "wx.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Resolve(cfg.Archive.Dir), filepath.Join(b.dir, "store dir"); got != want {
		t.Errorf("archive.dir resolves to %q, want %q", got, want)
	}
	if fi, err := os.Stat(filepath.Join(b.dir, "etc", "inbox")); err != nil || !fi.IsDir() {
		t.Errorf("inbox beside the configuration: %v", err)
	}
	if !strings.Contains(out, "--config etc/wx.yaml") {
		t.Errorf("the next steps do not name the configuration:\n%s", out)
	}
	// The run it suggests works and archives where --archive said.
	if code, out, errs := b.run("run", "--once", "--config", "etc/wx.yaml"); code != exitOK {
		t.Fatalf("run: exit %d\n%s%s", code, out, errs)
	}
	if fi, err := os.Stat(filepath.Join(b.dir, "store dir")); err != nil || !fi.IsDir() {
		t.Errorf("the archive of --archive: %v", err)
	}
	if code, _, errs := b.run("init", "somewhere", "--config", "etc/other.yaml"); code != exitUsage {
		t.Errorf("init DIR --config: exit %d %s; want 2", code, errs)
	}
}
