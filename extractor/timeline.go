package extractor

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"wxarchive/model"
)

// minTimelineRun is how many consecutive timestamp lines make a timeline.
const minTimelineRun = 3

// findTimelines finds runs of at least three consecutive timestamped lines
// in Markdown ("0:00 - 简介", "【12:20】…", "简介 0:00", list items too).
// Blank lines between entries do not break a run; any other line does. A run
// whose times go backwards is kept whole with Backward set. The lines stay in
// the body; the timeline is an index of them.
func findTimelines(md string) []model.Timeline {
	var out []model.Timeline
	var run []model.TimelineEntry
	heading, runHeading := "", ""
	flush := func() {
		if len(run) >= minTimelineRun {
			tl := model.Timeline{Title: runHeading, Entries: run}
			for i := 1; i < len(run); i++ {
				if run[i].Seconds < run[i-1].Seconds {
					tl.Backward = true
				}
			}
			out = append(out, tl)
		}
		run = nil
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if e, ok := timelineEntry(t); ok {
			if len(run) == 0 {
				runHeading = heading
			}
			run = append(run, e)
			continue
		}
		flush()
		if h, ok := headingText(t); ok {
			heading = h
		}
	}
	flush()
	return out
}

// headingText recognises a Markdown heading or a bold-only line.
func headingText(t string) (string, bool) {
	if strings.HasPrefix(t, "#") {
		h := strings.TrimLeft(t, "#")
		if h == "" || h[0] == ' ' {
			return strings.TrimSpace(strings.Trim(strings.TrimSpace(h), "*_")), true
		}
	}
	for _, m := range []string{"**", "__"} {
		if len(t) > 4 && strings.HasPrefix(t, m) && strings.HasSuffix(t, m) && !strings.Contains(t[2:len(t)-2], m) {
			return strings.TrimSpace(t[2 : len(t)-2]), true
		}
	}
	return "", false
}

// timelineEntry parses one line: a timestamp at the start (after list
// markers and emphasis) followed by a label, or a label followed by a
// timestamp at the end.
func timelineEntry(line string) (model.TimelineEntry, bool) {
	s := stripLinePrefix(line)
	// time first: "0:00 - 简介", "【12:20】标题", "[1:05:37] x", "(0:00) x"
	if tm, secs, rest, ok := leadingTime(s); ok {
		label := strings.TrimFunc(rest, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-–—:：|｜·•*_", r)
		})
		if label != "" {
			return model.TimelineEntry{Time: tm, Seconds: secs, Label: label}, true
		}
	}
	// label first: "简介 0:00", "简介 - 0:00"
	if tm, secs, rest, ok := trailingTime(s); ok {
		label := strings.TrimFunc(rest, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-–—:：|｜·•*_", r)
		})
		if label != "" {
			return model.TimelineEntry{Time: tm, Seconds: secs, Label: label}, true
		}
	}
	return model.TimelineEntry{}, false
}

// stripLinePrefix removes list markers, quote markers and emphasis.
func stripLinePrefix(s string) string {
	for {
		t := strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(t, "> "), strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
			s = t[2:]
			continue
		}
		i := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
			s = t[i+2:]
			continue
		}
		t = strings.Trim(t, "*_")
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(t, "**", ""), `\`, ""))
	}
}

var openBrackets = []string{"【", "[", "(", "（", "〔"}
var closeBrackets = []string{"】", "]", ")", "）", "〕"}

// leadingTime reads a timestamp at the start of s, optionally bracketed.
func leadingTime(s string) (tm string, secs int, rest string, ok bool) {
	closeB := ""
	for i, ob := range openBrackets {
		if strings.HasPrefix(s, ob) {
			s, closeB = s[len(ob):], closeBrackets[i]
			break
		}
	}
	n := scanTime(s)
	if n == 0 {
		return "", 0, "", false
	}
	tm, rest = s[:n], s[n:]
	if closeB != "" {
		if !strings.HasPrefix(rest, closeB) {
			return "", 0, "", false
		}
		rest = rest[len(closeB):]
	} else if rest != "" {
		// the time must be followed by a separator, not more digits/letters
		r, _ := utf8.DecodeRuneInString(rest)
		if unicode.IsDigit(r) || r == '.' || r == ':' || unicode.IsLetter(r) && r < 0x80 {
			return "", 0, "", false
		}
	}
	secs, ok = timeSeconds(tm)
	return tm, secs, rest, ok
}

// trailingTime reads a timestamp at the end of s.
func trailingTime(s string) (tm string, secs int, rest string, ok bool) {
	for i, cb := range closeBrackets {
		if strings.HasSuffix(s, cb) {
			inner := s[:len(s)-len(cb)]
			if j := strings.LastIndex(inner, openBrackets[i]); j >= 0 {
				t := inner[j+len(openBrackets[i]):]
				if scanTime(t) == len(t) && t != "" {
					secs, ok = timeSeconds(t)
					return t, secs, inner[:j], ok
				}
			}
			return "", 0, "", false
		}
	}
	j := strings.LastIndexAny(s, " \t")
	if j < 0 {
		return "", 0, "", false
	}
	t := s[j+1:]
	if t == "" || scanTime(t) != len(t) {
		return "", 0, "", false
	}
	secs, ok = timeSeconds(t)
	return t, secs, s[:j], ok
}

// scanTime returns the length of an "m:ss", "mm:ss" or "h:mm:ss" timestamp
// at the start of s (ASCII or full-width colon), or 0.
func scanTime(s string) int {
	i, groups := 0, 0
	for {
		d := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && d < 3 {
			i++
			d++
		}
		if d == 0 || (groups > 0 && d != 2) || d > 2 {
			return 0
		}
		groups++
		if groups == 3 {
			break
		}
		if strings.HasPrefix(s[i:], ":") {
			i++
		} else if strings.HasPrefix(s[i:], "：") {
			i += len("：")
		} else {
			break
		}
	}
	if groups < 2 {
		return 0
	}
	return i
}

// timeSeconds converts "1:05:37" to seconds.
func timeSeconds(t string) (int, bool) {
	t = strings.ReplaceAll(t, "：", ":")
	secs := 0
	parts := strings.Split(t, ":")
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, false
		}
		if i > 0 && n >= 60 {
			return 0, false
		}
		secs = secs*60 + n
	}
	return secs, true
}
