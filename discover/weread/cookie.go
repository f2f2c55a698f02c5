package weread

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
)

// Cookie is a WeRead login: the cookies a logged-in browser sends to
// weread.qq.com, in order. It is a secret: String, GoString and LogValue
// and MarshalJSON print it redacted; Header is the only way to its values.
type Cookie struct {
	pairs []pair
}

type pair struct{ name, value string }

// Required are the cookies a login must have (wr_rt, the refresh token,
// is kept when present).
var Required = []string{"wr_vid", "wr_skey"}

// ErrNotCookie is returned for text that holds no WeRead login.
var ErrNotCookie = errors.New("no WeRead login cookie")

// IsZero reports whether there is no login.
func (c Cookie) IsZero() bool { return len(c.pairs) == 0 }

// Get is the value of cookie name, "" when absent.
func (c Cookie) Get(name string) string {
	for _, p := range c.pairs {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// VID is the WeRead user id (wr_vid), not secret.
func (c Cookie) VID() string { return c.Get("wr_vid") }

// Header is the Cookie header value.
func (c Cookie) Header() string {
	parts := make([]string, len(c.pairs))
	for i, p := range c.pairs {
		parts[i] = p.name + "=" + p.value
	}
	return strings.Join(parts, "; ")
}

// String names the cookies and the user, never the secret values.
func (c Cookie) String() string {
	if c.IsZero() {
		return "(no login)"
	}
	names := make([]string, len(c.pairs))
	for i, p := range c.pairs {
		names[i] = p.name
	}
	return fmt.Sprintf("WeRead login of user %s (%s; values redacted)", c.VID(), strings.Join(names, ", "))
}

// GoString is String, so %#v redacts too.
func (c Cookie) GoString() string { return c.String() }

// LogValue makes slog print the cookie redacted.
func (c Cookie) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the redacted String: a login is written out only on
// purpose, through Header.
func (c Cookie) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// Fingerprint is a short keyed hash naming this login without revealing
// it: two logins with the same wr_vid and wr_skey have the same
// fingerprint under one key. It is kept in the archive (queue.json, event
// ids), a folder people sync and publish, and wr_skey is only 8 letters
// and digits: a plain hash of it is undone by trying every value, so the
// key (Store.IDKey) is a secret kept beside the login.
func (c Cookie) Fingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("wxarchive weread login\x00" + c.Get("wr_vid") + "\x00" + c.Get("wr_skey")))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// SameLogin reports whether c and o are the same login (wr_vid and
// wr_skey).
func (c Cookie) SameLogin(o Cookie) bool {
	return c.Get("wr_vid") == o.Get("wr_vid") && c.Get("wr_skey") == o.Get("wr_skey")
}

var (
	curlCookie   = regexp.MustCompile(`(?i)(?:-H|--header)\s+(?:'cookie:\s*([^']*)'|"cookie:\s*([^"]*)")`)
	curlCookieB  = regexp.MustCompile(`(?:\s-b|--cookie)\s+(?:'([^']*)'|"([^"]*)")`)
	cookieName   = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+\-.^_` + "`" + `|~]{1,128}$`)
	maxCookieLen = 16 << 10
)

// ParseCookie reads a WeRead login from what a user pastes: the Cookie
// header value ("wr_vid=…; wr_skey=…"), a "Cookie: …" line, a browser's
// "Copy as cURL", a Netscape cookies.txt or a JSON cookie export (only
// weread.qq.com cookies are kept from the last two). wr_vid and wr_skey
// are required. Errors never quote the values.
func ParseCookie(text string) (Cookie, error) {
	text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if text == "" {
		return Cookie{}, fmt.Errorf("weread: %w: the input is empty", ErrNotCookie)
	}
	if len(text) > 1<<20 {
		return Cookie{}, fmt.Errorf("weread: %w: the input is over 1 MiB", ErrNotCookie)
	}
	var pairs []pair
	var err error
	switch {
	case strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{"):
		pairs, err = jsonCookies(text)
	case strings.HasPrefix(text, "curl "):
		pairs, err = curlCookies(text)
	case strings.Contains(text, "\t"):
		pairs, err = netscapeCookies(text)
	default:
		line := text
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			if strings.TrimSpace(line[i:]) != "" {
				return Cookie{}, fmt.Errorf("weread: %w: several lines (paste the Cookie header on one line)", ErrNotCookie)
			}
			line = line[:i]
		}
		if name, rest, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "cookie") {
			line = rest
		}
		pairs, err = headerCookies(line)
	}
	if err != nil {
		return Cookie{}, err
	}
	c := Cookie{}
	for _, p := range pairs {
		c = c.set(p.name, p.value)
	}
	for _, r := range Required {
		if c.Get(r) == "" {
			return Cookie{}, fmt.Errorf("weread: %w: %s is missing (copy every cookie of weread.qq.com from a logged-in browser)", ErrNotCookie, r)
		}
	}
	if len(c.Header()) > maxCookieLen {
		return Cookie{}, fmt.Errorf("weread: %w: over %d bytes", ErrNotCookie, maxCookieLen)
	}
	return c, nil
}

// set replaces or appends one cookie.
func (c Cookie) set(name, value string) Cookie {
	out := Cookie{pairs: make([]pair, 0, len(c.pairs)+1)}
	found := false
	for _, p := range c.pairs {
		if p.name == name {
			if !found {
				out.pairs = append(out.pairs, pair{name, value})
			}
			found = true
			continue
		}
		out.pairs = append(out.pairs, p)
	}
	if !found {
		out.pairs = append(out.pairs, pair{name, value})
	}
	return out
}

func checkPair(name, value string) error {
	if !cookieName.MatchString(name) {
		return fmt.Errorf("weread: %w: a cookie name is malformed", ErrNotCookie)
	}
	for _, r := range value {
		if r < 0x21 || r == 0x7f || r == ';' || r == '"' || r == '\\' || r == ',' || r > 0x7e {
			return fmt.Errorf("weread: %w: the value of %s holds a character a cookie cannot", ErrNotCookie, name)
		}
	}
	return nil
}

func headerCookies(line string) ([]pair, error) {
	var out []pair
	for i, part := range strings.Split(line, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			// Not quoted: a part without a name may be a value alone.
			return nil, fmt.Errorf("weread: %w: part %d (counted by ';') is not name=value", ErrNotCookie, i+1)
		}
		name, value = strings.TrimSpace(name), strings.Trim(strings.TrimSpace(value), `"`)
		if err := checkPair(name, value); err != nil {
			return nil, err
		}
		out = append(out, pair{name, value})
	}
	return out, nil
}

func curlCookies(text string) ([]pair, error) {
	for _, re := range []*regexp.Regexp{curlCookie, curlCookieB} {
		if m := re.FindStringSubmatch(text); m != nil {
			return headerCookies(m[1] + m[2])
		}
	}
	return nil, fmt.Errorf("weread: %w: the cURL command sends no cookie", ErrNotCookie)
}

func wereadDomain(d string) bool {
	d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), ".")
	return d == "weread.qq.com" || d == "qq.com"
}

func netscapeCookies(text string) ([]pair, error) {
	var out []pair
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		line = strings.TrimPrefix(line, "#HttpOnly_")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("weread: %w: a cookies.txt line has %d fields, want 7", ErrNotCookie, len(f))
		}
		if !wereadDomain(f[0]) {
			continue
		}
		if err := checkPair(f[5], f[6]); err != nil {
			return nil, err
		}
		out = append(out, pair{f[5], f[6]})
	}
	return out, nil
}

func jsonCookies(text string) ([]pair, error) {
	var list []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Domain string `json:"domain"`
	}
	if strings.HasPrefix(text, "{") {
		var wrap struct {
			Cookies json.RawMessage `json:"cookies"`
		}
		if err := json.Unmarshal([]byte(text), &wrap); err != nil || wrap.Cookies == nil {
			return nil, fmt.Errorf("weread: %w: JSON without a cookies list", ErrNotCookie)
		}
		text = string(wrap.Cookies)
	}
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, fmt.Errorf("weread: %w: JSON is not a list of cookies", ErrNotCookie)
	}
	var out []pair
	for _, c := range list {
		if c.Domain != "" && !wereadDomain(c.Domain) {
			continue
		}
		if err := checkPair(c.Name, c.Value); err != nil {
			return nil, err
		}
		out = append(out, pair{c.Name, c.Value})
	}
	return out, nil
}

// Renewed is the login with the cookies a response set (Set-Cookie for
// weread.qq.com) applied: new values replace old ones, deleted cookies go.
// The bool reports whether anything changed. A response that would drop
// wr_vid or wr_skey changes nothing: that is a logout, read from the
// errCode instead.
func (c Cookie) Renewed(resp *http.Response) (Cookie, bool) {
	out, changed := c, false
	for _, sc := range resp.Cookies() {
		if sc.Domain != "" && !wereadDomain(sc.Domain) {
			continue
		}
		if err := checkPair(sc.Name, sc.Value); err != nil {
			continue
		}
		if sc.MaxAge < 0 || sc.Value == "" {
			if out.Get(sc.Name) != "" {
				for _, r := range Required {
					if r == sc.Name {
						return c, false
					}
				}
				out = out.without(sc.Name)
				changed = true
			}
			continue
		}
		if out.Get(sc.Name) != sc.Value {
			out = out.set(sc.Name, sc.Value)
			changed = true
		}
	}
	return out, changed
}

func (c Cookie) without(name string) Cookie {
	out := Cookie{}
	for _, p := range c.pairs {
		if p.name != name {
			out.pairs = append(out.pairs, p)
		}
	}
	return out
}
