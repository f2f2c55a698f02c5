package events

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDiffText: whatever the two texts, the counts add up, the insertions
// and deletions turn one text into the other's length, and the sentence is
// one clean line of valid UTF-8 within its cap.
func FuzzDiffText(f *testing.F) {
	f.Add("第一句话。第二句话很长。", "第一句话。第二句话很短。")
	f.Add("甲。乙丙丁。戊。", "甲。戊。")
	f.Add("", "新的文章。\n\n## 标题")
	f.Add("**a**\n\x00\u202e", "b\xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		e := diffText(a, b, true)
		if e.Changed != e.Inserted+e.Deleted {
			t.Fatalf("%+v", e)
		}
		if got := len([]rune(a)) - e.Deleted + e.Inserted; got != len([]rune(b)) {
			t.Fatalf("%d runes - %d + %d != %d", len([]rune(a)), e.Deleted, e.Inserted, len([]rune(b)))
		}
		// Compared as characters: invalid bytes all read as U+FFFD.
		same := string([]rune(a)) == string([]rune(b))
		if same != (e.Changed == 0) {
			t.Fatalf("same %v, changed %d", same, e.Changed)
		}
		s := e.Sentence
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\x00\u202e") || utf8.RuneCountInString(s) > 121 {
			t.Fatalf("sentence %q", s)
		}
	})
}
