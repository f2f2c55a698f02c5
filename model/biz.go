package model

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// BizNumber is the account's number that a __biz encodes: __biz is the
// base64 of a decimal number ("Mzg5NTc4ODkzOA==" → "3895788938"). WeRead
// names the account's "book" after it.
func BizNumber(biz string) (string, error) {
	b := strings.TrimSpace(biz)
	if b == "" || len(b) > 64 {
		return "", fmt.Errorf("model: __biz %q: not an account id", biz)
	}
	raw, err := base64.StdEncoding.DecodeString(b)
	if err != nil {
		// WeChat sometimes drops the padding.
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b, "="))
	}
	if err != nil || len(raw) == 0 || len(raw) > 20 || !allIn(string(raw), isDigit) {
		return "", fmt.Errorf("model: __biz %q: not the base64 of an account number", biz)
	}
	return string(raw), nil
}

// BizOfNumber is the __biz of an account number ("3895788938" →
// "Mzg5NTc4ODkzOA==").
func BizOfNumber(n string) (string, error) {
	if _, err := strconv.ParseUint(n, 10, 64); err != nil || n == "" || n[0] == '0' {
		return "", fmt.Errorf("model: %q is not an account number", n)
	}
	return base64.StdEncoding.EncodeToString([]byte(n)), nil
}
