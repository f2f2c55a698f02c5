package archive

import (
	"testing"
	"time"

	"wxarchive/model"
)

// TestRecordHint: a followed account's post that turns out deleted keeps
// the title and time its listing gave (list shows it, the capture record
// keeps the whole hint); the article read later replaces them.
func TestRecordHint(t *testing.T) {
	a, _ := openTest(t)
	short := "https://mp.weixin.qq.com/s/AbC-123_x"
	pub := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	hint := &model.Hint{Title: "列表里的标题", Published: pub, Cover: "https://mmbiz.qpic.cn/c/0", Digest: "摘要"}
	in := stateInput(model.ID{}, short, model.StateDeleted)
	in.Hint = hint
	res, err := a.Record(in)
	if err != nil {
		t.Fatal(err)
	}
	info, err := a.Info(res.Key)
	if err != nil || info.Title != "列表里的标题" || !info.Published.Equal(pub) {
		t.Fatalf("deleted article with a hint: %+v %v", info, err)
	}
	list, _ := a.List()
	if len(list) != 1 || list[0].Title != "列表里的标题" {
		t.Errorf("list: %+v", list)
	}
	caps, _ := a.Captures(res.Key)
	if len(caps) != 1 || caps[0].Hint == nil || caps[0].Hint.Digest != "摘要" || caps[0].Hint.Cover == "" {
		t.Errorf("capture record: %+v", caps)
	}
	// The article itself, read later: its own title wins.
	res, err = a.Record(articleInput(testID, short, "正文的标题", "正文"))
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := a.Info(res.Key); info.Title != "正文的标题" {
		t.Errorf("after the article was read: %+v", info)
	}
	// A hint never replaces what an article capture gave.
	in = stateInput(testID, testID.URL(), model.StateDeleted)
	in.Hint = &model.Hint{Title: "别的"}
	if _, err := a.Record(in); err != nil {
		t.Fatal(err)
	}
	if info, _ := a.Info(testID.Key()); info.Title != "正文的标题" {
		t.Errorf("a hint replaced the article's title: %+v", info)
	}
	mustVerify(t, a)
}
