package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wxarchive/archive"
	"wxarchive/internal/fakewx"
	"wxarchive/pipeline"
)

// runPage is articlePage with its own ids, so several articles can be served.
func runPage(mid, title string) string {
	return strings.Replace(articlePage(title, "<p>正文 "+title+"</p>"), `"" || "2650000001"`, `"" || "`+mid+`"`, 1)
}

const runBiz = "MzA3MDM3NjE5NQ=="

func runURL(mid string) string {
	return "https://mp.weixin.qq.com/s?__biz=" + runBiz + "&mid=" + mid + "&idx=1&sn=0123456789abcdef0123456789abcdef"
}

// runSetup starts the fake WeChat with three articles and writes a
// pipeline.yaml listing them in a url file; it returns the config path.
func runSetup(t *testing.T) (*fakewx.Server, string) {
	t.Helper()
	srv := fakewx.New(t)
	srv.Setenv(t)
	for _, mid := range []string{"2650000001", "2650000002", "2650000003"} {
		srv.Page(runURL(mid), runPage(mid, "文章"+mid))
	}
	dir := t.TempDir()
	links := "# links\n- [one](" + strings.ReplaceAll(runURL("2650000001"), "&", "&amp;") + ")\n- " + runURL("2650000002") + "&chksm=x#rd\n- " + runURL("2650000003") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "links.md"), []byte(links), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := `archive: {dir: arch, images: false}
fetch:
  hosts:
    mp.weixin.qq.com: {interval: 0s, jitter: 0s, concurrency: 1, retries: 0}
    default: {interval: 0s, jitter: 0s, concurrency: 1, retries: 0}
sources:
  url_files: [links.md]
recheck: {after: [1h], every: 30d}
`
	p := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, p
}

func runCLI(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunOnceEndToEnd(t *testing.T) {
	srv, cfg := runSetup(t)
	code, out, errs := runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitOK || !strings.HasPrefix(out, "run: discovered=3 fetched=3 created=3 ") {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, errs)
	}
	dir := filepath.Join(filepath.Dir(cfg), "arch")
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := a.List()
	if err != nil || len(infos) != 3 {
		t.Fatalf("archive lists %d articles (%v)", len(infos), err)
	}
	if probs, err := a.Verify(); err != nil || len(probs) != 0 {
		t.Fatalf("verify: %v %v", probs, err)
	}
	log, err := a.ReadState("queue.json")
	if err != nil {
		t.Fatal(err)
	}
	var q pipeline.Queue
	if err := json.Unmarshal(log, &q); err != nil || len(q.Items) != 0 {
		t.Fatalf("queue after run: %s (%v)", log, err)
	}

	// Second pass right away: nothing new, nothing due, no request.
	srv.ResetCounts()
	code, out, errs = runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitOK || !strings.HasPrefix(out, "run: discovered=0 fetched=0 ") || srv.Total() != 0 {
		t.Fatalf("second pass: exit %d, %q, %d requests\n%s", code, out, srv.Total(), errs)
	}
}

func TestRunOnceInterruptedResumes(t *testing.T) {
	srv, cfg := runSetup(t)
	// Cancelled before it starts: discovery is saved, nothing is fetched.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, errs := runCLI(ctx, "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "discovered=3 fetched=0") || !strings.Contains(out, "queued=3") || !strings.Contains(out, "interrupted") {
		t.Fatalf("exit %d %q\n%s", code, out, errs)
	}
	if srv.Total() != 0 {
		t.Errorf("%d requests after cancel", srv.Total())
	}
	a, _ := archive.Open(filepath.Join(filepath.Dir(cfg), "arch"))
	if probs, err := a.Verify(); err != nil || len(probs) != 0 {
		t.Fatalf("verify: %v %v", probs, err)
	}
	code, out, errs = runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "discovered=0 fetched=3 created=3") || !strings.Contains(out, "queued=0") {
		t.Fatalf("resume: exit %d %q\n%s", code, out, errs)
	}
}

func TestRunBadConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipeline.yaml")
	os.WriteFile(p, []byte("schedule:\n  cron: \"99 * * * *\"\n"), 0o644)
	code, _, errs := runCLI(context.Background(), "run", "--once", "--config", p)
	if code != exitUsage || !strings.Contains(errs, p+":2: schedule.cron: bad cron expression") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestRunDaemonStopsOnSignal(t *testing.T) {
	_, cfg := runSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // SIGTERM before the first scheduled pass
	code, out, errs := runCLI(ctx, "run", "--config", cfg)
	if code != exitOK || out != "" || !strings.Contains(errs, "daemon started") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
}

// A pass with failures exits 1, so cron and systemd report it; the summary
// still goes to stdout.
func TestRunOnceFailuresExitNonZero(t *testing.T) {
	srv, cfg := runSetup(t)
	srv.Fail(runURL("2650000002"), 404, 10)
	code, out, errs := runCLI(context.Background(), "run", "--once", "--config", cfg)
	if code != exitFail || !strings.Contains(out, "created=2 ") || !strings.Contains(out, "failed=1 ") {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, errs)
	}
}
