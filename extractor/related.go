package extractor

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"wxarchive/model"
)

// listNumber is the numbering a list of links puts before each title:
// "1、", "2.", "(3)", "④".
var listNumber = regexp.MustCompile(`^\s*(?:[0-9]{1,3}\s*[、.．)）:：]|[(（][0-9]{1,3}[)）]|[①-⑳])\s*`)

// genericAnchors are link texts that say where to click, not what is there.
var genericAnchors = regexp.MustCompile(`^\PL*(详情|阅读原文|原文|点击(这里|此处|查看|阅读|进入)?|戳(这里|我)?|这里|此处|链接|详细教程|教程|查看(更多|详情)?|更多|传送门|入口|点我|了解更多|阅读全文|全文)\PL*$`)

// relatedTitle cleans a link's text into the title of the linked article:
// no list numbering, no brackets around the whole, and none at all when
// the text only says where to click.
func relatedTitle(t string) string {
	t = cleanLine(t)
	for {
		before := t
		t = strings.TrimSpace(listNumber.ReplaceAllString(t, ""))
		for _, p := range [][2]string{{"[", "]"}, {"《", "》"}, {"【", "】"}, {"「", "」"}, {"“", "”"}} {
			if strings.HasPrefix(t, p[0]) && strings.HasSuffix(t, p[1]) && strings.Count(t, p[0]) == 1 {
				t = strings.TrimSpace(t[len(p[0]) : len(t)-len(p[1])])
			}
		}
		if t == before {
			break
		}
	}
	if genericAnchors.MatchString(t) || utf8.RuneCountInString(t) < 2 {
		return ""
	}
	return t
}

// related canonicalises the article links found in the body: non-article
// links and links to the article itself are dropped, duplicates (same key)
// are merged keeping the first non-empty title.
func related(links []model.Related, self model.ID) []model.Related {
	selfKey := self.Key()
	var out []model.Related
	index := map[model.Key]int{}
	for _, l := range links {
		pl, err := model.ParseLink(l.URL)
		if err != nil || (pl.Kind != model.KindArticle && pl.Kind != model.KindShort) {
			continue
		}
		k := pl.Key()
		if k == "" || (selfKey != "" && k == selfKey) {
			continue
		}
		if pl.Kind == model.KindArticle && self.Biz != "" && pl.ID.Biz == self.Biz && pl.ID.Mid == self.Mid && pl.ID.Idx == self.Idx {
			continue
		}
		title := metaText(relatedTitle(l.Title))
		if i, ok := index[k]; ok {
			if out[i].Title == "" {
				out[i].Title = title
			}
			continue
		}
		index[k] = len(out)
		out = append(out, model.Related{URL: pl.Canon, Title: title})
	}
	return out
}
