package archive

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"time"

	"wxarchive/model"
)

// The index (index/heads.tsv) makes List fast: one line per head write,
// appended after the head, the last line of a key wins. A line is
// "\n" + tab-separated fields + "\t" + CRC-32 + "\n"; a line torn by a
// crash fails its CRC and is skipped (the intent journal re-appends it).
// Lock compacts it when it has grown to more than twice its compacted size.

// indexFields is the number of fields of a line; lines of the layout
// before have one fewer (no state_since).
const indexFields = 17

func escapeField(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r") {
		return s
	}
	return strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(s)
}

func unescapeField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				c = '\t'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			default:
				c = s[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func indexLine(h *head) []byte {
	var related string
	if len(h.Related) > 0 {
		b, _ := json.Marshal(h.Related)
		related = string(b)
	}
	aliases := make([]string, len(h.Aliases))
	for i, k := range h.Aliases {
		aliases[i] = string(k)
	}
	f := []string{
		string(h.Key), string(h.AliasOf), h.Title, h.Account, h.AccountID, h.URL, h.Path,
		fmtTime(h.Published), string(h.State), strconv.Itoa(len(h.History)), fmtTime(h.LastCapture),
		string(h.LastOutcome), strconv.Itoa(h.Captures), h.Biz, strings.Join(aliases, ","), related,
		fmtTime(h.StateSince),
	}
	for i := range f {
		f[i] = escapeField(f[i])
	}
	body := strings.Join(f, "\t")
	return fmt.Appendf(nil, "\n%s\t%08x\n", body, crc32.ChecksumIEEE([]byte(body)))
}

type indexEntry struct {
	Info
	AliasOf model.Key
	body    string // the line without its CRC
}

// parseIndexLine parses one line; line is a substring of the whole index
// and raw its bytes, so parsing copies nothing but what it decodes. brief
// leaves the related links out (a JSON field, the costliest to decode).
func parseIndexLine(line string, raw []byte, brief bool) (indexEntry, bool) {
	i := strings.LastIndexByte(line, '\t')
	if i < 0 || len(line)-i-1 != 8 {
		return indexEntry{}, false
	}
	sum, err := strconv.ParseUint(line[i+1:], 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(raw[:i]) {
		return indexEntry{}, false
	}
	var f [indexFields]string
	rest := line[:i]
	n := strings.Count(rest, "\t") + 1
	if n != indexFields && n != indexFields-1 {
		return indexEntry{}, false
	}
	for j := range n {
		f[j], rest, _ = strings.Cut(rest, "\t")
		f[j] = unescapeField(f[j])
	}
	var e indexEntry
	e.body = line[:i]
	e.Key, e.AliasOf, e.Title, e.Account, e.AccountID, e.URL, e.Path = model.Key(f[0]), model.Key(f[1]), f[2], f[3], f[4], f[5], f[6]
	e.Published = parseTime(f[7])
	e.State = model.State(f[8])
	e.Versions, _ = strconv.Atoi(f[9])
	e.LastCapture = parseTime(f[10])
	e.LastOutcome = model.Outcome(f[11])
	e.Captures, _ = strconv.Atoi(f[12])
	e.Biz = f[13]
	if f[14] != "" {
		for _, a := range strings.Split(f[14], ",") {
			e.Aliases = append(e.Aliases, model.Key(a))
		}
	}
	if f[15] != "" && !brief {
		_ = json.Unmarshal([]byte(f[15]), &e.Related)
	}
	e.StateSince = parseTime(f[16])
	return e, true
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
