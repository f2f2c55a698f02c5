package extractor

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// prefilterPatterns are the built-in rule patterns and a few made to probe
// the analysis (case folding, optional parts, anchors).
func prefilterPatterns() []string {
	var out []string
	for _, r := range builtinRules {
		if r.Pattern != "" {
			out = append(out, r.Pattern)
		}
	}
	for _, sg := range promoSignals {
		out = append(out, sg.re.String())
	}
	return append(out, `(?i)qr[-_ ]?code`, `(?i)kelvin`, `(?i)ſ`, `a*`, `^$`, `x?y+z{2,}`, `(ab|cd)e|f`,
		`(?i:the end|end|fin)`, `[ab]cd`, `广告(投放)?`, `\bEND\b`)
}

func TestPrefilterFactors(t *testing.T) {
	tests := []struct {
		expr string
		want []string // nil: no prefilter
	}{
		{`二维码`, []string{"二维码"}},
		{`(?i)qr[-_ ]?code`, []string{"code"}}, // the longer part
		{`(?i)kelvin`, nil},                    // k folds to the Kelvin sign
		{`a*`, nil},
		{`^$`, nil},
		{`(ab|cd)e|f`, []string{"ab", "cd", "f"}},
		{`x?y+z{2,}`, []string{"y"}},
		{`[¥￥]\s*[0-9]|元`, []string{"¥", "￥", "元"}},
		{`[a-z]x`, []string{"x"}},
		{`(?i)[k]`, []string{"K", "k", "\u212a"}}, // the class holds the Kelvin sign too`
		{`^\PL*(请|欢迎)?(加)?关注(我们)?\PL*$`, []string{"关注"}},
	}
	for _, tc := range tests {
		f := newPrefilter(tc.expr)
		var got []string
		if f != nil {
			got = f.lits
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: literals %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// checkPrefilter fails when a prefilter rejects text its pattern matches.
func checkPrefilter(t *testing.T, exprs []string, texts []string) {
	t.Helper()
	for _, e := range exprs {
		re, f := regexp.MustCompile(e), newPrefilter(e)
		for _, s := range texts {
			if !f.mayMatch(s) && re.MatchString(s) {
				t.Fatalf("prefilter of %s rejects %q, which matches", e, s)
			}
		}
	}
}

// TestPrefilterSound runs every pattern over the lines of the golden and
// body test files, where the built-in rules do match.
func TestPrefilterSound(t *testing.T) {
	texts := []string{"长按识别二维码", "QR-Code", "qrcode", "- END -", "THE END", "关注我们", "\u212Aelvin"}
	golden, _ := filepath.Glob("testdata/golden/*")
	bodies, _ := filepath.Glob("testdata/body/*")
	for _, f := range append(golden, bodies...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, strings.Split(string(b), "\n")...)
	}
	// Half the lines repeat (front matter, blank lines, shared tails):
	// each distinct line is checked once.
	slices.Sort(texts)
	texts = slices.Compact(texts)
	checkPrefilter(t, prefilterPatterns(), texts)
}

func FuzzRulePrefilter(f *testing.F) {
	for _, s := range []string{"长按识别二维码", "QR-Code", "- END -", "扫一扫", "\u212Aelvin", "ſ"} {
		f.Add(s)
	}
	exprs := prefilterPatterns()
	f.Fuzz(func(t *testing.T, s string) {
		checkPrefilter(t, exprs, []string{s})
	})
}

// TestSignalsHavePrefilters: every promotion signal offers literals, so the
// regexp runs only on blocks holding one.
func TestSignalsHavePrefilters(t *testing.T) {
	for _, sg := range promoSignals {
		if sg.pre == nil {
			t.Errorf("signal %s: no prefilter", sg.name)
		} else {
			t.Logf("%s: %q", sg.name, sg.pre.lits)
		}
	}
}
