package extractor

import (
	"wxarchive/model"
)

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
		title := cleanLine(l.Title)
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
