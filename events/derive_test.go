package events

import (
	"slices"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/model"
)

// TestDeriveEveryKind records the life of one article from real pages: new,
// unchanged, edited, deleted (still deleted), alive again, violation,
// unavailable, and checks the events and their summaries.
func TestDeriveEveryKind(t *testing.T) {
	a := newArchive(t)
	h := time.Hour
	res := a.capture(page(t, articlePage), "", day0)
	if res.Outcome != model.OutcomeCreated {
		t.Fatalf("first capture: %s", res.Outcome)
	}
	k := res.Key
	u := a.url(k)
	steps := []struct {
		raw     []byte
		outcome model.Outcome
	}{
		{page(t, articlePage), model.OutcomeUnchanged},
		{editedPage(t), model.OutcomeUpdated},
		{page(t, "exporter-deleted-zh.html"), model.OutcomeDeleted},
		{page(t, "exporter-deleted-zh.html"), model.OutcomeDeleted},
		{editedPage(t), model.OutcomeUnchanged},
		{page(t, "special-verify-2026-a.html"), model.OutcomeBlocked},
		{nil, model.OutcomeFailed}, // a network error
		{page(t, "exporter-violation-01.html"), model.OutcomeViolation},
		{page(t, "exporter-unavailable.html"), model.OutcomeUnavailable},
	}
	for i, s := range steps {
		r := a.capture(s.raw, u, day0.Add(time.Duration(i+1)*h))
		if r.Key != k || r.Outcome != s.outcome {
			t.Fatalf("step %d: %s %s, want %s %s", i, r.Key, r.Outcome, k, s.outcome)
		}
	}
	evs := a.derive(k)
	want := []Kind{model.EventNew, model.EventEdited, model.EventDeleted, model.EventRestored, model.EventViolation, model.EventUnavailable}
	if got := kinds(evs); !slices.Equal(got, want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	wantTimes := []time.Duration{0, 2 * h, 3 * h, 5 * h, 8 * h, 9 * h}
	for i, ev := range evs {
		if !ev.Time.Equal(day0.Add(wantTimes[i])) {
			t.Errorf("%s at %s, want %s", ev.Kind, ev.Time, day0.Add(wantTimes[i]))
		}
		if ev.Key != k || ev.URL != u || ev.Title == "" || ev.Summary == "" || len(ev.ID) != 36 {
			t.Errorf("event %d incomplete: %+v", i, ev)
		}
	}
	ed := evs[1].Edit
	if ed == nil || ed.From != 1 || ed.To != 2 {
		t.Fatalf("edit %+v, want from 1 to 2", ed)
	}
	// 几乎 → 基本: two characters out, two in.
	if ed.Changed != 4 || ed.Inserted != 2 || ed.Deleted != 2 || ed.Removed {
		t.Errorf("edit counts %+v, want 4 changed (2 in, 2 out)", ed)
	}
	if !strings.Contains(ed.Sentence, newWords) || strings.Contains(ed.Sentence, "\n") {
		t.Errorf("first changed sentence %q, want the sentence holding %q", ed.Sentence, newWords)
	}
	if !strings.Contains(evs[1].Summary, "4 characters changed") {
		t.Errorf("edit summary %q", evs[1].Summary)
	}
	if evs[2].Reason == "" || evs[2].State != model.StateDeleted {
		t.Errorf("deleted event without the page's words: %+v", evs[2])
	}

	// Derivable again: the same captures give the same events.
	again := a.derive(k)
	if !slices.EqualFunc(evs, again, func(x, y Event) bool { return x.ID == y.ID && x.Summary == y.Summary }) {
		t.Error("deriving twice gave different events")
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		if seen[ev.ID] {
			t.Errorf("duplicate id %s", ev.ID)
		}
		seen[ev.ID] = true
	}
}

// TestDeriveRerenderIsNoEdit: a capture recorded as a re-rendering by a
// newer extractor, even with different Markdown, makes no event, and the
// next real edit is measured from the re-rendered text.
func TestDeriveRerenderIsNoEdit(t *testing.T) {
	a := newArchive(t)
	r1 := a.capture(page(t, articlePage), "", day0)
	r2 := a.capture(editedPage(t), "", day0.Add(time.Hour)) // gives us a second Markdown
	caps, err := a.Captures(r1.Key)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := a.Info(r1.Key)
	first, second := caps[0], caps[1]
	if r2.Outcome != model.OutcomeUpdated {
		t.Fatal(r2.Outcome)
	}
	// Pretend the second capture was the same page rendered by a newer
	// extractor.
	rer := second
	rer.Outcome = outcomeRerendered
	evs, err := Derive(*info, []archive.CaptureRecord{first, rer}, a.Markdown)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(evs); !slices.Equal(got, []Kind{model.EventNew}) {
		t.Fatalf("re-rendering gave %v, want only new", got)
	}
	// A later real edit back to the first text is measured against the
	// re-rendered text.
	back := first
	back.Name, back.Outcome, back.Time, back.Version = "captures/x/3.json", model.OutcomeUpdated, day0.Add(2*time.Hour), 3
	evs, err = Derive(*info, []archive.CaptureRecord{first, rer, back}, a.Markdown)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(evs); !slices.Equal(got, []Kind{model.EventNew, model.EventEdited}) || evs[1].Edit.From != rer.Version {
		t.Fatalf("got %v %+v", got, evs)
	}
	// An unchanged recapture is no event either.
	a.capture(editedPage(t), "", day0.Add(3*time.Hour))
	if got := kinds(a.derive(r1.Key)); !slices.Equal(got, []Kind{model.EventNew, model.EventEdited}) {
		t.Fatalf("unchanged recapture: %v", got)
	}
}

// TestDeriveFirstSeenGone: an article first seen deleted is an event; when
// it is then read it is new (not restored).
func TestDeriveFirstSeenGone(t *testing.T) {
	a := newArchive(t)
	probe := newArchive(t)
	u := probe.url(probe.capture(page(t, articlePage), "", day0).Key)
	r := a.capture(page(t, "exporter-violation-01.html"), u, day0)
	if r.Outcome != model.OutcomeViolation {
		t.Fatal(r.Outcome)
	}
	a.capture(page(t, articlePage), "", day0.Add(time.Hour))
	if got := kinds(a.derive(r.Key)); !slices.Equal(got, []Kind{model.EventViolation, model.EventNew}) {
		t.Fatalf("got %v", got)
	}
}

func TestDiffText(t *testing.T) {
	for _, tt := range []struct {
		name, a, b, sentence string
		changed              int
		removed              bool
	}{
		{"replace in second sentence", "第一句话。第二句话很长。第三句。", "第一句话。第二句话很短。第三句。", "第二句话很短。", 2, false},
		{"insert", "甲。乙。", "甲。乙加了字。", "乙加了字。", 3, false},
		{"removed sentence", "甲。乙丙丁。戊。", "甲。戊。", "乙丙丁。", 4, true},
		{"markdown marks cleaned", "## 标题\n\n**粗体**原文。", "## 标题\n\n**粗体**新文。", "粗体新文。", 2, false},
		{"same", "一样。", "一样。", "", 0, false},
		// The sentence is what a reader sees, and so is what is counted:
		// no link targets, image URLs, escapes or entity references (whose
		// ";" does not end a sentence).
		{"sentence as read", "甲。", "甲。见[原文](https://mp.weixin.qq.com/s/x)，a &lt;b&gt; \\*注\\*。", "见原文，a <b> *注*。", 14, false},
		{"image then text", "甲。", "甲。\n\n![](https://mmbiz.qpic.cn/mmbiz_png/x/640)新句。", "新句。", 4, false},
		// A change a reader does not see in the text (a link's target, an
		// image) is still an edit, counted in the Markdown.
		{"link target only", "见[原文](https://a.example/1)。", "见[原文](https://a.example/2)。", "见原文。", 2, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := bodyEdit(tt.a, tt.b)
			if e.Changed != tt.changed || e.Sentence != tt.sentence || e.Removed != tt.removed {
				t.Errorf("got %+v, want changed %d sentence %q removed %v", e, tt.changed, tt.sentence, tt.removed)
			}
		})
	}
}

func TestSentenceWindowShowsTheChange(t *testing.T) {
	long := strings.Repeat("很长的句子", 60)
	e := bodyEdit(long+"旧。", long+"新。")
	if !strings.Contains(e.Sentence, "新") || len([]rune(e.Sentence)) > 125 {
		t.Errorf("sentence %q", e.Sentence)
	}
}

func TestCleanLine(t *testing.T) {
	got := cleanLine("a\tb\n\u202eevil\x1b[31m  c", 100)
	if got != "a b evil[31m c" {
		t.Errorf("%q", got)
	}
	if got := cleanLine(strings.Repeat("字", 10), 4); got != "字字字字…" {
		t.Errorf("%q", got)
	}
}

// TestDeriveOldCopyIsNoRestore: a saved copy of unknown date, or dated
// before the deletion, ingested after it, does not restore the article
// (the archive keeps it deleted, issue 10 §2).
func TestDeriveOldCopyIsNoRestore(t *testing.T) {
	a := newArchive(t)
	r := a.capture(page(t, articlePage), "", day0)
	caps, _ := a.Captures(r.Key)
	info, _ := a.Info(r.Key)
	first := caps[0]
	del := first
	del.Name, del.Outcome, del.State, del.ContentHash, del.Time = "captures/x/2.json", model.OutcomeDeleted, model.StateDeleted, "", day0.Add(48*time.Hour)
	undated := first
	undated.Name, undated.Outcome, undated.Undated, undated.Time = "captures/x/3.json", model.OutcomeUnchanged, true, day0.Add(72*time.Hour)
	older := first
	older.Name, older.Outcome, older.Time = "captures/x/4.json", model.OutcomeUnchanged, day0.Add(24*time.Hour)
	evs, err := Derive(*info, []archive.CaptureRecord{first, del, undated, older}, a.Markdown)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(evs); !slices.Equal(got, []Kind{model.EventNew, model.EventDeleted}) {
		t.Fatalf("got %v, want new, deleted", got)
	}
	later := first
	later.Name, later.Outcome, later.Time = "captures/x/5.json", model.OutcomeUnchanged, day0.Add(96*time.Hour)
	evs, _ = Derive(*info, []archive.CaptureRecord{first, del, undated, older, later}, a.Markdown)
	if got := kinds(evs); !slices.Equal(got, []Kind{model.EventNew, model.EventDeleted, model.EventRestored}) {
		t.Fatalf("got %v, want new, deleted, restored", got)
	}
}
