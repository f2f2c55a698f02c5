package archive

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/model"
)

var testID = model.ID{Biz: "MzA3NzIwMDM0MA==", Mid: "2654593305", Idx: "1", Sn: "abc"}

func openTest(t testing.TB) (*Archive, *Lock) {
	t.Helper()
	a, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Unlock() })
	return a, l
}

func markdown(title, body, source string) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\naccount: 测试号\npublished: \"2024-03-05T10:00:00+08:00\"\nsource_url: %s\n---\n\n%s\n", title, source, body)
}

// articleMarkdown is an article as the extractor renders it: its front
// matter says what the page says, not which link was used.
func articleMarkdown(title, body string) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\naccount: 测试号\npublished: \"2024-03-05T10:00:00+08:00\"\nurl: https://mp.weixin.qq.com/s?__biz=x\ntype: article\n---\n\n# %s\n\n%s\n", title, title, body)
}

// articleInput is a capture of a readable article.
func articleInput(id model.ID, link, title, body string) Input {
	return Input{
		Capture: model.Capture{Target: link, SourceURL: link, HTTPStatus: 200, FetchedAt: time.Now(),
			Raw: []byte("<html>" + title + body + "</html>")},
		Doc: &model.Document{State: model.StateArticle, ID: id, Article: &model.Article{Meta: model.Meta{
			Title: title, Account: "测试号", Published: "2024-03-05T10:00:00+08:00"}}},
		Markdown: articleMarkdown(title, body),
		Link:     link,
	}
}

func stateInput(id model.ID, link string, st model.State) Input {
	return Input{
		Capture: model.Capture{Target: link, SourceURL: link, HTTPStatus: 200, FetchedAt: time.Now(), Raw: []byte("<html>" + string(st) + "</html>")},
		Doc:     &model.Document{State: st, ID: id, Reason: "reason " + string(st)},
		Link:    link,
	}
}

func mustVerify(t *testing.T, a *Archive) {
	t.Helper()
	probs, err := a.Verify()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("verify: %s", p)
	}
}

func TestRecordOutcomes(t *testing.T) {
	a, _ := openTest(t)
	long := testID.URL()
	tracking := long + "&chksm=xyz&scene=21#wechat_redirect"
	steps := []struct {
		name     string
		in       Input
		outcome  model.Outcome
		versions int
		state    model.State
	}{
		{"first capture", articleInput(testID, long, "标题", "正文一"), model.OutcomeCreated, 1, model.StateArticle},
		{"same content, other link", articleInput(testID, tracking, "标题", "正文一"), model.OutcomeUnchanged, 1, model.StateArticle},
		{"edited", articleInput(testID, long, "新标题", "正文二"), model.OutcomeUpdated, 2, model.StateArticle},
		{"deleted never replaces", stateInput(testID, long, model.StateDeleted), model.OutcomeDeleted, 2, model.StateDeleted},
		{"blocked keeps state", stateInput(model.ID{}, long, model.StateVerify), model.OutcomeBlocked, 2, model.StateDeleted},
		{"failed keeps state", Input{Link: long, Err: errors.New("connection reset")}, model.OutcomeFailed, 2, model.StateDeleted},
		{"violation", stateInput(testID, long, model.StateViolation), model.OutcomeViolation, 2, model.StateViolation},
		{"back as before", articleInput(testID, long, "新标题", "正文二"), model.OutcomeUnchanged, 2, model.StateArticle},
	}
	for i, s := range steps {
		res, err := a.Record(s.in)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		info, err := a.Info(testID.Key())
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != s.outcome || res.Version != s.versions || info.State != s.state || info.Captures != i+1 {
			t.Errorf("%s: outcome %s v%d state %s captures %d; want %s v%d %s %d",
				s.name, res.Outcome, res.Version, info.State, info.Captures, s.outcome, s.versions, s.state, i+1)
		}
		if res.Key != testID.Key() || res.Path == "" {
			t.Errorf("%s: key %q path %q", s.name, res.Key, res.Path)
		}
	}
	latest, err := a.Version(testID.Key(), 0)
	if err != nil || !bytes.Contains(latest, []byte("正文二")) {
		t.Fatalf("latest = %q, %v", latest, err)
	}
	v1, _ := a.Version(testID.Key(), 1)
	if !bytes.Contains(v1, []byte("正文一")) {
		t.Errorf("v1 = %q", v1)
	}
	readable, err := os.ReadFile(filepath.Join(a.Dir(), "articles", "测试号", "2024-03-05 标题.md"))
	if err != nil || !bytes.Contains(readable, []byte("正文二")) || !bytes.Contains(readable, []byte("\ncaptured: ")) || bytes.Contains(readable, []byte("\nurl:")) {
		t.Errorf("readable file = %q, %v; want the latest version (path stable after the title changed)", readable, err)
	}
	caps, err := a.Captures(testID.Key())
	if err != nil || len(caps) != len(steps) {
		t.Fatalf("captures = %d, %v", len(caps), err)
	}
	for i, c := range caps {
		if c.Outcome != steps[i].outcome {
			t.Errorf("capture %d outcome %s, want %s", i, c.Outcome, steps[i].outcome)
		}
	}
	if caps[5].Error != "connection reset" || caps[3].RawSHA == "" || caps[0].ContentHash == "" {
		t.Errorf("capture fields not recorded: %+v", caps)
	}
	raw, err := a.Raw(caps[0].RawSHA)
	if err != nil || !bytes.Contains(raw, []byte("正文一")) {
		t.Errorf("raw = %q, %v", raw, err)
	}
	list, err := a.List()
	if err != nil || len(list) != 1 || list[0].State != model.StateViolation && list[0].State != model.StateArticle || list[0].Versions != 2 {
		t.Errorf("list = %+v, %v", list, err)
	}
	for _, u := range []string{long, tracking, "http://mp.weixin.qq.com/s?__biz=MzA3NzIwMDM0MA==&mid=2654593305&idx=1", string(testID.Key())} {
		if k, err := a.Resolve(u); err != nil || k != testID.Key() {
			t.Errorf("Resolve(%q) = %q, %v", u, k, err)
		}
	}
	if _, err := a.Resolve("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve unknown: %v", err)
	}
	mustVerify(t, a)
}

func TestRecordShortLinkJoin(t *testing.T) {
	a, _ := openTest(t)
	short := "https://mp.weixin.qq.com/s/AbC-123_x"
	// A deleted page through the short link carries no ids.
	res, err := a.Record(stateInput(model.ID{}, short, model.StateDeleted))
	if err != nil || res.Key != "s_AbC-123_x" || res.Outcome != model.OutcomeDeleted {
		t.Fatalf("deleted via short link: %+v, %v", res, err)
	}
	// The article through the same short link reveals its ids: join.
	res, err = a.Record(articleInput(testID, short, "标题", "正文"))
	if err != nil || res.Key != testID.Key() || res.Outcome != model.OutcomeCreated {
		t.Fatalf("article via short link: %+v, %v", res, err)
	}
	if k, err := a.Resolve(short + "?scene=1"); err != nil || k != testID.Key() {
		t.Errorf("Resolve short = %q, %v", k, err)
	}
	// Deleted again, through the short link: recorded on the article.
	res, err = a.Record(stateInput(model.ID{}, short, model.StateDeleted))
	if err != nil || res.Key != testID.Key() || res.Version != 1 {
		t.Fatalf("deleted after join: %+v, %v", res, err)
	}
	caps, err := a.Captures(testID.Key())
	if err != nil || len(caps) != 3 {
		t.Fatalf("captures = %d, %v", len(caps), err)
	}
	info, _ := a.Info(testID.Key())
	if info.Captures != 3 || info.State != model.StateDeleted || len(info.Aliases) != 1 {
		t.Errorf("info = %+v", info)
	}
	list, _ := a.List()
	if len(list) != 1 || list[0].Key != testID.Key() {
		t.Errorf("list = %+v", list)
	}
	mustVerify(t, a)
}

func TestRecordNoIdentity(t *testing.T) {
	a, _ := openTest(t)
	_, err := a.Record(Input{Capture: model.Capture{Target: "page.html", Raw: []byte("x")}, Doc: &model.Document{State: model.StateDeleted}})
	if !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("err = %v, want ErrNoIdentity", err)
	}
}

func TestRecordImages(t *testing.T) {
	a, _ := openTest(t)
	img := "https://mmbiz.qpic.cn/mmbiz_jpg/abc/640?wx_fmt=jpeg"
	in := articleInput(testID, testID.URL(), "图", "![]("+img+")\n\n![x]("+img+` "t")`)
	if _, err := a.Record(in); err != nil {
		t.Fatal(err)
	}
	ref, err := a.PutBlob([]byte("\xff\xd8\xff\xe0 fake jpeg"))
	if err != nil || !strings.HasPrefix(ref, "assets/") || !strings.HasSuffix(ref, ".jpg") {
		t.Fatalf("PutBlob = %q, %v", ref, err)
	}
	if ref2, _ := a.PutBlob([]byte("\xff\xd8\xff\xe0 fake jpeg")); ref2 != ref {
		t.Errorf("PutBlob not idempotent: %q %q", ref, ref2)
	}
	in.Images = map[string]string{img: ref}
	res, err := a.Record(in)
	if err != nil || res.Outcome != model.OutcomeUnchanged {
		t.Fatalf("images only: %+v, %v (downloading images must not make a version)", res, err)
	}
	b, _ := os.ReadFile(filepath.Join(a.Dir(), res.Path))
	want := "![](../../" + ref + ` "` + img + `")`
	if !strings.Contains(string(b), want) || !strings.Contains(string(b), "![x](../../"+ref+` "`+img+` t")`) {
		t.Errorf("readable file:\n%s\nwant %s", b, want)
	}
	if _, err := os.Stat(filepath.Join(a.Dir(), filepath.Dir(res.Path), "../..", ref)); err != nil {
		t.Errorf("relative image link does not resolve: %v", err)
	}
	mustVerify(t, a)
}

func TestLockTwoWriters(t *testing.T) {
	a, l := openTest(t)
	if _, err := a.Record(articleInput(testID, testID.URL(), "t", "b")); err != nil {
		t.Fatal(err)
	}
	b, err := Open(a.Dir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Lock()
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Host == "" || le.Since.IsZero() {
		t.Fatalf("second Lock: %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Errorf("error does not name the holder: %v", err)
	}
	mustVerify(t, b)
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := b.Lock()
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	l2.Unlock()
}

func TestVerifyFindsDamage(t *testing.T) {
	a, _ := openTest(t)
	res, err := a.Record(articleInput(testID, testID.URL(), "t", "body"))
	if err != nil {
		t.Fatal(err)
	}
	caps, _ := a.Captures(res.Key)
	vs, _ := a.Versions(res.Key)
	raw := filepath.Join(a.Dir(), a.rawName(caps[0].RawSHA))
	if err := os.WriteFile(raw, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(a.Dir(), a.mdName(vs[0].SHA))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.Dir(), res.Path), []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	probs, err := a.Verify()
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(probs)
	for _, want := range []string{a.rawName(caps[0].RawSHA), a.mdName(vs[0].SHA)} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %s do not name %s", got, want)
		}
	}
}

func TestIndexRebuiltAndState(t *testing.T) {
	a, l := openTest(t)
	for i := range 5 {
		id := testID
		id.Mid = fmt.Sprint(1000 + i)
		if _, err := a.Record(articleInput(id, id.URL(), fmt.Sprint("t", i), "b")); err != nil {
			t.Fatal(err)
		}
	}
	l.Unlock()
	if err := os.Remove(filepath.Join(a.Dir(), a.n.index)); err != nil {
		t.Fatal(err)
	}
	// A reader lists from the heads: no article disappears.
	if list, _ := a.List(); len(list) != 5 {
		t.Fatalf("list without index = %d", len(list))
	}
	l, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if list, _ := a.List(); len(list) != 5 || list[0].Title == "" {
		t.Fatalf("list after rebuild = %+v", list)
	}
	mustVerify(t, a)

	if _, err := a.ReadState("cooldowns.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadState missing: %v", err)
	}
	if err := a.WriteState("cooldowns.json", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := a.ReadState("cooldowns.json"); err != nil || string(b) != `{}` {
		t.Errorf("ReadState = %q, %v", b, err)
	}
	for range 2 {
		if err := a.AppendLog("runs.jsonl", []byte(`{"run":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir(), ".wxarchive/logs/runs.jsonl")); string(b) != "{\"run\":1}\n{\"run\":1}\n" {
		t.Errorf("log = %q", b)
	}
}

func TestSanitise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  a/b\\c:d*e?f\"g<h>i|j  ", "a b c d e f g h i j"},
		{"..hidden", "hidden"},
		{"../../etc/passwd", "etc passwd"},
		{"标题\n第二行\t!", "标题 第二行 !"},
		{strings.Repeat("长", 200), strings.Repeat("长", 66)}, // 198 bytes
		{strings.Repeat("a", 200), strings.Repeat("a", 80)},
		{strings.Repeat("😀", 100), strings.Repeat("😀", 50)},
		{"a\u200bb\u202ec\ufeff", "abc"},
		{"", ""},
	} {
		if got := sanitise(c.in, 80); got != c.want {
			t.Errorf("sanitise(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormaliseIgnoresSourceURL(t *testing.T) {
	a := markdown("t", "b", "https://mp.weixin.qq.com/s/x")
	b := markdown("t", "b", testID.URL())
	if contentHash(a) != contentHash(b) {
		t.Error("source_url changes the content hash")
	}
	if contentHash(a) == contentHash(markdown("t", "c", "")) {
		t.Error("body change does not change the hash")
	}
}

// TestReadableNameLimits: long titles, reserved device names and
// invisible characters still give a usable, distinct readable path.
func TestReadableNameLimits(t *testing.T) {
	a, _ := openTest(t)
	for i, c := range []struct{ account, title, dir string }{
		{"测试号", strings.Repeat("😀", 100), "测试号"},
		{"测试号", strings.Repeat("😀", 100), "测试号"},
		{"测试号", strings.Repeat("长", 100), "测试号"},
		{"测试号", strings.Repeat("长", 100), "测试号"},
		{"CON", "标题", "_CON"},
		{"nul.txt", "标题", "_nul.txt"},
		{"", "../../etc/passwd", "_unknown"},
	} {
		id := testID
		id.Mid = fmt.Sprint(100 + i)
		in := articleInput(id, id.URL(), c.title, "正文")
		in.Doc.Article.Meta.Account = c.account
		acc := ""
		if c.account != "" {
			acc = "account: " + yamlString(c.account) + "\n"
		}
		in.Markdown = bytes.Replace(in.Markdown, []byte("account: 测试号\n"), []byte(acc), 1)
		res, err := a.Record(in)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		dir, file := filepath.Split(res.Path)
		if title := strings.TrimPrefix(file, "2024-03-05 "); dir != "articles/"+c.dir+"/" || len(file) > 255 || strings.IndexAny(title, ". ") == 0 {
			t.Errorf("%d: path %q", i, res.Path)
		}
	}
	mustVerify(t, a)
}

// Two keys read before they were known to be one article (a saved page
// without ids named by its short link, and the article by its long link)
// keep every distinct version when a capture joins them.
func TestRecordJoinMergesVersions(t *testing.T) {
	a, _ := openTest(t)
	short := "https://mp.weixin.qq.com/s/Merge-Me"
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(in Input, d time.Duration) Input { in.Capture.FetchedAt = t0.Add(d); return in }

	if r, err := a.Record(at(articleInput(testID, testID.URL(), "标题", "长链接版本"), 0)); err != nil || r.Version != 1 {
		t.Fatalf("long link: %+v, %v", r, err)
	}
	if r, err := a.Record(at(articleInput(model.ID{}, short, "标题", "短链接版本"), time.Hour)); err != nil || r.Key != "s_Merge-Me" || r.Version != 1 {
		t.Fatalf("short link without ids: %+v, %v", r, err)
	}
	// Same content as the short link's version: a join, no new version.
	r, err := a.Record(at(articleInput(testID, short, "标题", "短链接版本"), 2*time.Hour))
	if err != nil || r.Key != testID.Key() || r.Version != 2 || r.Outcome != model.OutcomeUnchanged {
		t.Fatalf("join: %+v, %v", r, err)
	}
	for n, want := range map[int]string{1: "长链接版本", 2: "短链接版本"} {
		md, err := a.Version(testID.Key(), n)
		if err != nil || !strings.Contains(string(md), want) {
			t.Errorf("version %d = %q, %v; want %s", n, md, err, want)
		}
	}
	readable, err := os.ReadFile(filepath.Join(a.Dir(), filepath.FromSlash(r.Path)))
	if err != nil || !strings.Contains(string(readable), "短链接版本") {
		t.Errorf("readable file is not the latest version: %v\n%s", err, readable)
	}
	// A later edit numbers on after the merged history.
	if r, err := a.Record(at(articleInput(testID, testID.URL(), "标题", "第三版"), 3*time.Hour)); err != nil || r.Version != 3 || r.Outcome != model.OutcomeUpdated {
		t.Fatalf("edit after join: %+v, %v", r, err)
	}
	mustVerify(t, a)
}
