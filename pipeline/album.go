package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"wxarchive/model"
)

var (
	albumDataLink = regexp.MustCompile(`data-link="([^"]+)"`)
	albumJSURL    = regexp.MustCompile(`\burl:\s*'([^']*)'`)
	albumMsgID    = regexp.MustCompile(`\bmsgid:\s*'(\d+)'`)
	albumItemIdx  = regexp.MustCompile(`\bitemidx:\s*'(\d+)'`)
	albumContinue = regexp.MustCompile(`\bcontinue_flag:\s*'(\d)'`)
)

// MaxAlbumPages bounds the listing pages one album costs in one pass (20
// articles a page); the cursor kept in the queue lets the next pass go on.
const MaxAlbumPages = 5

// AlbumLinks returns the articles an album (合集) page lists: the url fields
// of cgiData's articleList and the data-link attributes of the rendered
// list, canonicalised and de-duplicated, in page order. A page of another
// shape falls back to every article link in it.
//
// The HTML holds only the first page of a longer album; the rest is listed
// by the paged JSON listing (see albumListingURL).
func AlbumLinks(page []byte) []model.Link {
	s := string(page)
	var parts []string
	for _, m := range albumDataLink.FindAllStringSubmatch(s, -1) {
		parts = append(parts, m[1])
	}
	if i := strings.Index(s, "articleList"); i >= 0 {
		for _, m := range albumJSURL.FindAllStringSubmatch(s[i:], -1) {
			parts = append(parts, m[1])
		}
	}
	if len(parts) == 0 {
		return ExtractLinks(s)
	}
	return ExtractLinks(strings.Join(parts, "\n"))
}

// AlbumCursor is the last article of an album listing that was read.
type AlbumCursor struct {
	MsgID   string `json:"msgid"`
	ItemIdx string `json:"itemidx"`
}

// albumPage is one page of an album listing.
type albumPage struct {
	Links []model.Link
	Last  AlbumCursor // its last article; zero when it lists none
	More  bool        // the album goes on after it
}

// parseAlbumHTML reads the first listing page from the album's HTML.
func parseAlbumHTML(page []byte) albumPage {
	p := albumPage{Links: AlbumLinks(page)}
	s := string(page)
	if i := strings.Index(s, "articleList"); i >= 0 {
		if m := albumMsgID.FindAllStringSubmatch(s[i:], -1); len(m) > 0 {
			p.Last.MsgID = m[len(m)-1][1]
		}
		if m := albumItemIdx.FindAllStringSubmatch(s[i:], -1); len(m) > 0 {
			p.Last.ItemIdx = m[len(m)-1][1]
		}
	}
	if m := albumContinue.FindStringSubmatch(s); m != nil {
		p.More = m[1] == "1"
	}
	return p
}

// albumListingURL is the paged JSON listing of an album after cursor c.
func albumListingURL(biz, album string, c AlbumCursor) string {
	q := url.Values{}
	q.Set("action", "getalbum")
	q.Set("__biz", biz)
	q.Set("album_id", album)
	q.Set("count", "20")
	q.Set("begin_msgid", c.MsgID)
	q.Set("begin_itemidx", c.ItemIdx)
	q.Set("f", "json")
	return "https://" + model.Host + "/mp/appmsgalbum?" + q.Encode()
}

// flexString is a JSON value WeChat writes as a string or as a number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

type albumItem struct {
	URL     string     `json:"url"`
	MsgID   flexString `json:"msgid"`
	ItemIdx flexString `json:"itemidx"`
}

// parseAlbumJSON reads one page of the paged listing. Its article_list is
// an array, or a lone object when the page holds one article.
func parseAlbumJSON(data []byte) (albumPage, error) {
	var r struct {
		BaseResp struct {
			Ret    int    `json:"ret"`
			ErrMsg string `json:"errmsg"`
		} `json:"base_resp"`
		Resp struct {
			List         json.RawMessage `json:"article_list"`
			ContinueFlag flexString      `json:"continue_flag"`
		} `json:"getalbum_resp"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return albumPage{}, fmt.Errorf("album listing is not JSON: %w", err)
	}
	if r.BaseResp.Ret != 0 {
		return albumPage{}, fmt.Errorf("album listing refused: ret %d %s", r.BaseResp.Ret, r.BaseResp.ErrMsg)
	}
	var items []albumItem
	if list := bytes.TrimSpace(r.Resp.List); len(list) > 0 {
		if list[0] == '{' {
			items = make([]albumItem, 1)
			if err := json.Unmarshal(list, &items[0]); err != nil {
				return albumPage{}, fmt.Errorf("album listing: article_list: %w", err)
			}
		} else if err := json.Unmarshal(list, &items); err != nil {
			return albumPage{}, fmt.Errorf("album listing: article_list: %w", err)
		}
	}
	p := albumPage{More: r.Resp.ContinueFlag == "1"}
	urls := make([]string, 0, len(items))
	for _, it := range items {
		urls = append(urls, it.URL)
	}
	p.Links = ExtractLinks(strings.Join(urls, "\n"))
	if n := len(items); n > 0 {
		p.Last = AlbumCursor{MsgID: string(items[n-1].MsgID), ItemIdx: string(items[n-1].ItemIdx)}
	}
	return p, nil
}
