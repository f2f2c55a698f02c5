package textsafe

import "testing"

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"标题", "标题"},
		{"  a\tb\n\nc  ", "a b c"},
		{"EVIL\x1b]0;pwned\a\x1b[31mRED", "EVIL]0;pwned[31mRED"},
		{"a\u202egnp.exe", "agnp.exe"},
		{"x\u0085y\u009bz", "x yz"},
		{"bad\xffutf8", "badutf8"},
		{"emoji 🌏 ok", "emoji 🌏 ok"},
		{"\u2066iso\u2069", "iso"},
	} {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzLine(f *testing.F) {
	f.Add("EVIL\x1b]0;x\a")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		for _, r := range out {
			if Unsafe(r) || r == '\n' || r == '\t' || r == '\r' {
				t.Fatalf("Line(%q) = %q keeps %U", s, out, r)
			}
		}
		if len(out) > len(s) {
			t.Fatalf("Line grew the text: %q -> %q", s, out)
		}
	})
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"标题\n\n正文\tA", "标题\n\n正文\tA"},
		{"EVIL\x1b]0;pwned\a\x1b[2Jx\r\n", "EVIL]0;pwned[2Jx\n"},
		{"a\u202egnp\u0085b\xff", "agnpb"},
	} {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
