package pipeline

import (
	"regexp"
	"strings"

	"wxarchive/model"
)

// unescaper undoes the escapes article links carry inside HTML attributes,
// JavaScript strings and JSON.
var unescaper = strings.NewReplacer(`\/`, "/", `\x26`, "&", `\u0026`, "&", `&amp;`, "&", `&#38;`, "&", `&#x26;`, "&")

// mpURL matches a mp.weixin.qq.com address with or without scheme; the
// character class stops at quotes, brackets, spaces and non-ASCII text.
var mpURL = regexp.MustCompile(`(?i)(?:https?:)?(?://)?mp\.weixin\.qq\.com/[A-Za-z0-9\-._~/?#@!$&*+;=%:]*`)

// ExtractLinks returns the WeChat article links (long and short form) found
// anywhere in text, canonicalised and de-duplicated by article key, in the
// order they first appear. Albums, expiring search links and malformed links
// are left out.
func ExtractLinks(text string) []model.Link {
	text = unescaper.Replace(text)
	var out []model.Link
	seen := map[model.Key]bool{}
	for _, m := range mpURL.FindAllString(text, -1) {
		m = strings.TrimRight(m, ".,;:!?&")
		l, err := model.ParseLink(m)
		if err != nil || (l.Kind != model.KindArticle && l.Kind != model.KindShort) {
			continue
		}
		if k := l.Key(); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// textFileLinks is ExtractLinks for a url file: in a plain-text file (.txt,
// .list or no extension) lines starting with '#' are comments.
func textFileLinks(name string, data []byte) []model.Link {
	text := string(data)
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".txt") || strings.HasSuffix(lower, ".list") || !strings.Contains(lower[strings.LastIndexByte(lower, '/')+1:], ".") {
		var b strings.Builder
		for _, line := range strings.Split(text, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
		text = b.String()
	}
	return ExtractLinks(text)
}
