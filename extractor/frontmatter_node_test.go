package extractor

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// libraryNode is the reference: the library's node tree of m, repaired;
// nil when the library fails.
func libraryNode(m *model.Meta) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(m); err != nil {
		return nil
	}
	repairUTF8(&n)
	return &n
}

// sameNode compares what the emitter reads of a node: kind, tag, value,
// children.
func sameNode(a, b *yaml.Node) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("kind %v/%v tag %q/%q value %q/%q children %d/%d", a.Kind, b.Kind, a.Tag, b.Tag, a.Value, b.Value, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameNode(a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

func checkMetaNode(t *testing.T, m *model.Meta) {
	t.Helper()
	got, ok := metaNode(m)
	if !ok {
		t.Fatalf("metaNode declined %+v", m)
	}
	lib := libraryNode(m)
	if lib == nil {
		// Node.Encode writes YAML it cannot read back for some strings
		// ("\t\n" in a literal block), and the front matter used to be
		// dropped whole. Now it is written: it must read back as m.
		md := append(append([]byte("---\n"), frontMatter(m)...), "---\n"...)
		back, _, err := ParseFrontMatter(md)
		if err != nil || !reflect.DeepEqual(back, *m) {
			t.Fatalf("front matter of %+v reads back as %+v (%v):\n%s", m, back, err, md)
		}
		return
	}
	if d := sameNode(lib, got); d != "" {
		t.Fatalf("metaNode differs from yaml.Node.Encode for %+v: %s", m, d)
	}
}

// TestMetaNode: the node tree built directly is the library's, for every
// fixture's metadata and for values the library writes in every style.
func TestMetaNode(t *testing.T) {
	for _, name := range sortedNames(corpusFiles(t)) {
		if e := extracted(t, corpusFiles(t)[name]); e.err == nil && e.doc.Article != nil {
			checkMetaNode(t, &e.doc.Article.Meta)
		}
	}
	odd := []string{"", "true", "no", "123", "0x1F", "1e3", "null", "~", "-", "- a", "a: b", "#x", "\xff\xfeabc", "line\nline",
		"  lead", "trail ", "😀", "<b>", "\u2028", "\ufeff", "'q'", `"q"`, "a\tb", "\x00\x07", "2017-01-18", "=", "<<"}
	for _, s := range odd {
		checkMetaNode(t, &model.Meta{Title: s, Author: s, Tags: []string{s, "x"}, Original: true,
			WeChat:    &model.ID{Biz: s},
			Reprint:   &model.Origin{},
			Timelines: []model.Timeline{{Title: s, Entries: []model.TimelineEntry{{Time: s, Seconds: -3, Label: s}}}, {}},
			Related:   []model.Related{{URL: s}, {}}})
	}
	checkMetaNode(t, &model.Meta{})
}

func FuzzMetaNode(f *testing.F) {
	f.Add("t", "a", "x", 1, true)
	f.Add("a: b", "\xff", "\n", -5, false)
	f.Fuzz(func(t *testing.T, title, author, tag string, secs int, flag bool) {
		m := &model.Meta{Title: title, Author: author, Tags: []string{tag}, Paid: flag, Description: strings.Repeat(tag, 3),
			Timelines: []model.Timeline{{Title: author, Backward: flag, Entries: []model.TimelineEntry{{Time: tag, Seconds: secs, Label: title}}}}}
		if flag && tag != "" {
			m.Reprint = &model.Origin{Account: tag}
		}
		checkMetaNode(t, m)
	})
}
