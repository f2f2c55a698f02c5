package model

import "time"

// Document is what the extractor makes of one page.
type Document struct {
	State   State    // StateArticle when Article is set
	Reason  string   // the page's own words for a non-article state
	ID      ID       // identity found in the page (may be partial or empty)
	Article *Article // nil unless State == StateArticle

	// ShortLink is the page's own short link (https://mp.weixin.qq.com/s/<token>,
	// from its msg_link or og:url) when it names one: an alias of the article.
	ShortLink string
}

// Article is one extracted article: metadata, Markdown body and the audit
// trail of what was stripped.
type Article struct {
	Meta     Meta
	Body     string          // normalised Markdown, without front matter
	Stripped []StrippedBlock // promotional blocks removed from the body
	Images   []string        // image URLs referenced by Body, in order, unique
}

// Meta is the front matter. Field names and order are the documented keys.
// Top-level keys avoid the names Hugo reserves (url, type): the article's
// URL is "source", 阅读原文 "read_original", the page type "format". Older
// stored versions use the old names; UnmarshalYAML reads both.
type Meta struct {
	Title       string     `yaml:"title,omitempty" json:"title,omitempty"`
	Author      string     `yaml:"author,omitempty" json:"author,omitempty"`
	Account     string     `yaml:"account,omitempty" json:"account,omitempty"`
	AccountID   string     `yaml:"account_id,omitempty" json:"account_id,omitempty"`
	Published   string     `yaml:"published,omitempty" json:"published,omitempty"` // RFC 3339, +08:00
	Modified    string     `yaml:"modified,omitempty" json:"modified,omitempty"`   // RFC 3339, +08:00
	Location    string     `yaml:"location,omitempty" json:"location,omitempty"`
	URL         string     `yaml:"source,omitempty" json:"url,omitempty"`               // the article's canonical URL (was "url")
	SourceURL   string     `yaml:"read_original,omitempty" json:"source_url,omitempty"` // 阅读原文 (was "source_url")
	Description string     `yaml:"description,omitempty" json:"description,omitempty"`
	Cover       string     `yaml:"cover,omitempty" json:"cover,omitempty"`
	CoverURL    string     `yaml:"cover_url,omitempty" json:"cover_url,omitempty"` // the remote cover, when Cover is a local copy
	Original    bool       `yaml:"original,omitempty" json:"original,omitempty"`
	Paid        bool       `yaml:"paid,omitempty" json:"paid,omitempty"`   // a paid article: the body is the free preface
	Type        string     `yaml:"format,omitempty" json:"type,omitempty"` // article, picture, text, video, … (was "type")
	WeChat      *ID        `yaml:"wechat,omitempty" json:"wechat,omitempty"`
	Tags        []string   `yaml:"tags,omitempty" json:"tags,omitempty"`
	Timelines   []Timeline `yaml:"timelines,omitempty" json:"timelines,omitempty"`
	Related     []Related  `yaml:"related,omitempty" json:"related,omitempty"`
	Reprint     *Origin    `yaml:"reprint,omitempty" json:"reprint,omitempty"` // the article this one reprints (转载)
}

// Origin names the article a reprint comes from, as far as the page says.
type Origin struct {
	URL       string `yaml:"url,omitempty" json:"url,omitempty"`
	Account   string `yaml:"account,omitempty" json:"account,omitempty"`
	AccountID string `yaml:"account_id,omitempty" json:"account_id,omitempty"`
	Author    string `yaml:"author,omitempty" json:"author,omitempty"`
}

// Timeline is a run of timestamped lines (a video's chapters).
type Timeline struct {
	Title    string          `yaml:"title,omitempty" json:"title,omitempty"`
	Backward bool            `yaml:"backward,omitempty" json:"backward,omitempty"` // times go backwards somewhere (a typo in the source)
	Entries  []TimelineEntry `yaml:"entries" json:"entries"`
}

// TimelineEntry is one line of a timeline.
type TimelineEntry struct {
	Time    string `yaml:"time" json:"time"`       // as written, e.g. "1:05:37"
	Seconds int    `yaml:"seconds" json:"seconds"` // offset in seconds
	Label   string `yaml:"label" json:"label"`
}

// Related is a link to another WeChat article found in the page.
type Related struct {
	URL   string `yaml:"url" json:"url"`
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
}

// StrippedBlock records one promotional block removed from the body.
type StrippedBlock struct {
	Rule   string `json:"rule"`             // rule name, e.g. "follow-card", "qr-code", "tail-list"
	Reason string `json:"reason,omitempty"` // why, when the rule weighs evidence ("score 7: contact, group")
	Text   string `json:"text"`             // the block's text, shortened
}

// Capture is one raw page handed from the fetcher (or a file) to the archive.
type Capture struct {
	Target     string // what the user asked for (URL, file name, "-")
	SourceURL  string // the URL the page was requested from, or --url
	FinalURL   string // after redirects, when fetched
	HTTPStatus int    // 0 when read from a file
	// ContentType is the Content-Type header served with the page ("" for
	// a file): the extractor reads its charset.
	ContentType string
	FetchedAt   time.Time // when the page was read
	Raw         []byte    // the page as served
}
