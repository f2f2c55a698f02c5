package weread

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const secret = "SKEY-VERY-SECRET"

func TestParseCookieForms(t *testing.T) {
	want := "wr_vid=123; wr_skey=" + secret + "; wr_rt=RT-SECRET"
	forms := map[string]string{
		"header value": want,
		"header line":  "Cookie: " + want + "\n",
		"quoted":       `wr_vid=123; wr_skey="` + secret + `"; wr_rt=RT-SECRET`,
		"curl -H":      `curl 'https://weread.qq.com/web/shelf' -H 'accept: */*' -H 'cookie: ` + want + `' --compressed`,
		"curl -b":      `curl "https://weread.qq.com/" -b "` + want + `"`,
		"cookies.txt": "# Netscape HTTP Cookie File\n.weread.qq.com\tTRUE\t/\tTRUE\t0\twr_vid\t123\n" +
			"#HttpOnly_.weread.qq.com\tTRUE\t/\tTRUE\t0\twr_skey\t" + secret + "\n.weread.qq.com\tTRUE\t/\tTRUE\t0\twr_rt\tRT-SECRET\n" +
			".example.com\tTRUE\t/\tFALSE\t0\tother\tx\n",
		"json": `[{"name":"wr_vid","value":"123","domain":".weread.qq.com"},{"name":"wr_skey","value":"` + secret + `","domain":"weread.qq.com"},` +
			`{"name":"wr_rt","value":"RT-SECRET","domain":".weread.qq.com"},{"name":"sid","value":"x","domain":".example.com"}]`,
	}
	for name, in := range forms {
		c, err := ParseCookie(in)
		if err != nil || c.Header() != want {
			t.Errorf("%s: %q, %v", name, c.Header(), err)
		}
	}
	bad := map[string]string{
		"empty":       "",
		"no skey":     "wr_vid=1; wr_rt=2",
		"newline":     "wr_vid=1\r\nX-Evil: 1; wr_skey=2",
		"two lines":   "wr_vid=1; wr_skey=2\nwr_x=3",
		"not a pair":  "wr_vid; wr_skey=2",
		"bad value":   "wr_vid=1; wr_skey=a b",
		"json object": `{"a":1}`,
		"curl none":   "curl https://weread.qq.com/",
	}
	for name, in := range bad {
		if _, err := ParseCookie(in); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "a b") || strings.Contains(err.Error(), "X-Evil") {
			t.Errorf("%s: the error quotes a value: %v", name, err)
		}
	}
}

func TestCookieNeverPrinted(t *testing.T) {
	c, err := ParseCookie("wr_vid=123; wr_skey=" + secret)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "cookie", c, "login", Login{Cookie: c})
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "cookie", c, "any", any(c))
	data, _ := json.Marshal(struct{ C Cookie }{c})
	out := fmt.Sprint(c) + fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c) + logs.String() + string(data) +
		fmt.Sprintf("%v %+v", Login{Cookie: c}, &Login{Cookie: c})
	if strings.Contains(out, secret) {
		t.Errorf("the secret was printed: %s", out)
	}
	if !strings.Contains(fmt.Sprint(c), "123") {
		t.Errorf("String should name the user: %s", c)
	}
}

func TestRenewed(t *testing.T) {
	c, _ := ParseCookie("wr_vid=1; wr_skey=old; wr_rt=rt")
	resp := &http.Response{Header: http.Header{"Set-Cookie": {
		"wr_skey=new; Path=/; Domain=.weread.qq.com; Secure",
		"wr_rt=; Max-Age=0; Domain=.weread.qq.com",
		"evil=1; Domain=.example.com",
		"bad=a b",
	}}}
	got, changed := c.Renewed(resp)
	if !changed || got.Header() != "wr_vid=1; wr_skey=new" {
		t.Errorf("renewed: %q %v", got.Header(), changed)
	}
	logout := &http.Response{Header: http.Header{"Set-Cookie": {"wr_skey=; Max-Age=0"}}}
	if got, changed := c.Renewed(logout); changed || got.Header() != c.Header() {
		t.Errorf("a logout changed the login: %q", got.Header())
	}
}

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "wxarchive")
	s := Store{Dir: dir}
	if _, err := s.Load(); err != ErrNoLogin {
		t.Fatalf("empty store: %v", err)
	}
	c, _ := ParseCookie("wr_vid=7; wr_skey=" + secret)
	saved := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Save(Login{Cookie: c, Saved: saved}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if st.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", st.Mode())
		}
		if d, _ := os.Stat(dir); d.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v", d.Mode())
		}
	}
	l, err := s.Load()
	if err != nil || l.Cookie.Header() != c.Header() || !l.Saved.Equal(saved) || l.Source != s.Path() {
		t.Fatalf("load: %+v %v", l, err)
	}
	if from, to := l.LikelyExpiry(); !from.Equal(saved.Add(24*time.Hour)) || !to.Equal(saved.Add(72*time.Hour)) {
		t.Errorf("likely expiry %v–%v", from, to)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(s.Path(), 0o644)
		if _, err := s.Load(); err == nil || !strings.Contains(err.Error(), "readable by others") {
			t.Errorf("a 0644 login was read: %v", err)
		}
		os.Chmod(s.Path(), 0o600)
	}
	os.WriteFile(s.Path(), []byte("{garbage"), 0o600)
	if _, err := s.Load(); err == nil || !strings.Contains(err.Error(), "damaged") || strings.Contains(err.Error(), secret) {
		t.Errorf("damaged: %v", err)
	}
	// The environment overrides the store.
	env := map[string]string{EnvCookie: "wr_vid=9; wr_skey=env"}
	l, err = Current(s, func(k string) string { return env[k] })
	if err != nil || l.Cookie.VID() != "9" || l.Source != EnvCookie || s.Renewer(l, time.Now, nil) != nil {
		t.Errorf("env login: %+v %v", l, err)
	}
}

func TestDefaultStore(t *testing.T) {
	env := map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if s, _ := DefaultStore(get); s.Dir != "/x/cfg/wxarchive" {
		t.Errorf("XDG: %s", s.Dir)
	}
	if runtime.GOOS == "linux" {
		env["XDG_CONFIG_HOME"] = "relative/ignored"
		if s, _ := DefaultStore(get); s.Dir != "/home/u/.config/wxarchive" {
			t.Errorf("fallback: %s", s.Dir)
		}
	}
}

// TestParseCookieErrorsQuoteNoValue: what a user pastes is a secret even
// when malformed (a nameless cookie, a value pasted alone, a value with a
// space): an error, which goes into logs and the run summary (for
// WXARCHIVE_WEREAD_COOKIE), never quotes any of it.
func TestParseCookieErrorsQuoteNoValue(t *testing.T) {
	const secret = "S3cr3tV4lu3"
	for _, in := range []string{
		secret,
		"wr_vid=1; wr_skey=abc; " + secret,
		"wr_vid=1; " + secret + "xyz; wr_skey=abc",
		"wr_vid=1; wr_skey=" + secret + " more",
		"wr_vid=1; wr_skey=" + secret + "\r\nX-Injected: 1",
		"wr_vid=1; wr_skey=" + secret + "\nX: y",
		"Cookie: " + secret,
		"curl 'https://weread.qq.com' -H 'cookie: " + secret + "'",
		`[{"name":"wr_skey","value":"` + secret + ` x","domain":"weread.qq.com"}]`,
		"weread.qq.com\tTRUE\t/\tTRUE\t0\twr_skey\t" + secret + "\x00",
		secret + "=" + secret,
	} {
		_, err := ParseCookie(in)
		if err == nil {
			t.Errorf("%q: accepted", in)
			continue
		}
		if strings.Contains(err.Error(), secret[:6]) {
			t.Errorf("%q: the error quotes the input: %v", in, err)
		}
	}
}

// TestFingerprintIsKeyed: the login's fingerprint is kept in the archive
// (queue.json, event ids), a folder people sync and publish. wr_skey is 8
// letters and digits (about 2^48 values): a plain hash of it is undone by
// trying every key in hours. The fingerprint is keyed with a secret kept
// beside the login, never in the archive.
func TestFingerprintIsKeyed(t *testing.T) {
	c, _ := ParseCookie("wr_vid=9840965; wr_skey=O1pp18ZR")
	plain := sha256.Sum256([]byte("wxarchive weread login\x00" + "9840965" + "\x00" + "O1pp18ZR"))
	s := Store{Dir: filepath.Join(t.TempDir(), "wxarchive")}
	k1, err := s.IDKey()
	if err != nil || len(k1) < 16 {
		t.Fatalf("key: %x %v", k1, err)
	}
	if k, err := s.IDKey(); err != nil || !bytes.Equal(k, k1) {
		t.Fatalf("the key changed between calls: %v", err)
	}
	if st, err := os.Stat(filepath.Join(s.Dir, IDKeyFile)); runtime.GOOS != "windows" && (err != nil || st.Mode().Perm() != 0o600) {
		t.Errorf("key file: %v %v", st, err)
	}
	k2, _ := Store{Dir: filepath.Join(t.TempDir(), "wxarchive")}.IDKey()
	f1, f2 := c.Fingerprint(k1), c.Fingerprint(k2)
	if f1 == "" || f1 == f2 || f1 == hex.EncodeToString(plain[:6]) || strings.Contains(f1, hex.EncodeToString(plain[:3])) {
		t.Errorf("fingerprints %q %q: not keyed", f1, f2)
	}
	if c.Fingerprint(k1) != f1 {
		t.Error("the fingerprint is not stable")
	}
	d, _ := ParseCookie("wr_vid=9840965; wr_skey=O1pp18ZS")
	if d.Fingerprint(k1) == f1 || !c.SameLogin(c) || c.SameLogin(d) {
		t.Error("two logins are not told apart")
	}
}

// TestRenewerKeepsANewerLogin: a daemon's client renews login A while the
// user stores login B (`login weread`): the renewal must not overwrite B,
// nor bring back a login removed by `login --logout`.
func TestRenewerKeepsANewerLogin(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "wxarchive")}
	a, _ := ParseCookie("wr_vid=1; wr_skey=aaaaaaaa")
	b, _ := ParseCookie("wr_vid=2; wr_skey=bbbbbbbb")
	if err := s.Save(Login{Cookie: a, Saved: time.Now()}); err != nil {
		t.Fatal(err)
	}
	la, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	var reported []error
	renew := s.Renewer(la, time.Now, func(err error) { reported = append(reported, err) })
	a2, _ := ParseCookie("wr_vid=1; wr_skey=a2a2a2a2")
	renew(a2) // the normal case: stored
	if l, err := s.Load(); err != nil || !l.Cookie.SameLogin(a2) {
		t.Fatalf("renewal not stored: %v %v", l.Cookie, err)
	}
	a3, _ := ParseCookie("wr_vid=1; wr_skey=a3a3a3a3")
	renew(a3) // renewed again: still the same login as stored
	if l, _ := s.Load(); !l.Cookie.SameLogin(a3) {
		t.Fatalf("second renewal not stored: %v", l.Cookie)
	}
	if err := s.Save(Login{Cookie: b, Saved: time.Now()}); err != nil {
		t.Fatal(err)
	}
	a4, _ := ParseCookie("wr_vid=1; wr_skey=a4a4a4a4")
	renew(a4)
	if l, _ := s.Load(); !l.Cookie.SameLogin(b) {
		t.Errorf("a renewal of the old login overwrote the new one: %v", l.Cookie)
	}
	s.Remove()
	renew(a4)
	if _, err := s.Load(); err != ErrNoLogin {
		t.Errorf("a renewal brought back a removed login: %v", err)
	}
}
