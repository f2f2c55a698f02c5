package extractor

import (
	"strings"
	"testing"
)

// An underscore between two alphanumerics never opens or closes emphasis
// (CommonMark flanking rules for "_"), so it needs no backslash: readers of
// the Markdown see "tshark_manager", not "tshark\_manager". Everywhere else
// the escape stays.
func TestIntraWordUnderscore(t *testing.T) {
	res := convertHTML(t, `<p>运行 tshark_manager 与 snake_case_name，中_文 和 v1_2。</p>
<p>_开头 与 结尾_ 和 a _b_ c 以及 __x__ 还有 a__b、a_ b、x_*y*。</p>`)
	for _, want := range []string{"tshark_manager", "snake_case_name", "中_文", "v1_2"} {
		if !strings.Contains(res.Markdown, want) {
			t.Errorf("want %q in:\n%s", want, res.Markdown)
		}
	}
	for _, want := range []string{`\_开头`, `\_b`, `\_\_x`, `x\_\*y`} {
		if !strings.Contains(res.Markdown, want) {
			t.Errorf("escape lost: want %q in:\n%s", want, res.Markdown)
		}
	}
	html := string(renderGFM(t, []byte(res.Markdown)))
	if strings.Contains(html, "<em>") || strings.Contains(html, "<strong>") && !strings.Contains(res.Markdown, "**") {
		t.Errorf("underscores read as emphasis:\n%s\n%s", res.Markdown, html)
	}
	if got := escapeInline("tshark_manager _x_"); got != `tshark_manager \_x\_` {
		t.Errorf("escapeInline = %q", got)
	}
}
