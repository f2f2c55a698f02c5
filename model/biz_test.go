package model

import "testing"

func TestBizNumber(t *testing.T) {
	tests := []struct{ biz, want string }{
		{"Mzg5NTc4ODkzOA==", "3895788938"}, // DISCOVERY.md's example
		{"Mzg5NTc4ODkzOA", "3895788938"},   // padding dropped
		{"MzA3MDM3NjE5NQ==", "3070376195"},
		{"", ""}, {"QQ==", ""}, {"not base64!", ""}, {"YWJj", ""}, // "abc": not a number
	}
	for _, tt := range tests {
		got, err := BizNumber(tt.biz)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("BizNumber(%q) = %q, %v; want %q", tt.biz, got, err, tt.want)
		}
		if tt.want != "" {
			if b, err := BizOfNumber(got); err != nil || b != "MzA3MDM3NjE5NQ==" && b != "Mzg5NTc4ODkzOA==" {
				t.Errorf("BizOfNumber(%q) = %q, %v", got, b, err)
			}
		}
	}
	if _, err := BizOfNumber("012"); err == nil {
		t.Error("leading zero accepted")
	}
}
