package extractor

import (
	"regexp"
	"strings"
	"unicode"
)

// This file holds what the rules share about the last part of a body: the
// footer above a tail cut, credit lines, labelled blocks, follow pitches,
// and how a QR image finds its caption.

// creditLine is a credit of the article (who wrote, edited, checked it, or
// where it comes from): metadata, kept even after an end marker. The label
// is followed by a colon or a bar, in any of the forms pages use: ASCII,
// full width (｜／：), box drawing (│┃), vertical forms (︱︲), the
// mathematical ∣ and the CJK stroke 丨.
var creditLine = regexp.MustCompile(`^\PL{0,2}(撰稿|撰文|文字|文|作者|审稿|审核|审校|初审|复审|终审|编辑|责编|责任编辑|校对|排版|美编|摄影|图片|图|供稿|来源|主编|监制|统筹|策划|出品)\s*[:：|｜丨│┃︱︲∣ǀ/／]`)

// isCredit reports a short credit line.
func isCredit(u unit) bool {
	return u.runes > 0 && u.runes <= 40 && u.links == 0 && creditLine.MatchString(u.text)
}

// footerText reports a short block that can belong to an account's footer:
// a slogan or a signature, not a sentence of the article (which ends with
// punctuation) nor a credit.
func footerText(u unit) bool {
	if u.runes == 0 || u.runes > 20 || u.links > 0 || u.imgs > 0 || u.card || isCredit(u) {
		return false
	}
	switch lastRune(u.text) {
	case '。', '！', '？', '!', '?', '…', '”', '"', '）', ')', '；', ';', '：', ':', '，', ',':
		return false
	}
	return true
}

// footerStart returns where the footer above unit i begins: a furniture
// image (an animation, an icon, a rule) with the short slogan lines and
// further furniture between it and a tail cut. It returns i when there is
// none: slogan lines without an image above them stay.
func (s *stripper) footerStart(i int) int {
	start, lines := i, 0
	for j := i - 1; j >= 0; j-- {
		v := s.units[j]
		switch {
		case v.gone || v.runes == 0 && v.imgs == 0:
		case v.runes == 0 && v.decorImg && v.links == 0 && !v.card:
			if !s.inTail(j) {
				return start
			}
			start = j
		case footerText(v) && lines < 3:
			lines++
		default:
			return start
		}
	}
	return start
}

// cutTail cuts the body at unit i, taking the footer just above it along
// (see footerStart), and returns the removed units.
func (s *stripper) cutTail(i int) []int {
	return s.cutFrom(s.footerStart(i))
}

// nextContent returns the next unit after i that is not gone and not empty,
// or -1.
func (s *stripper) nextContent(i int) int {
	for j := i + 1; j < len(s.units); j++ {
		if v := s.units[j]; !v.gone && (v.runes > 0 || v.imgs > 0 || v.card) {
			return j
		}
	}
	return -1
}

// nextIsLinkedImage reports whether the next content after i is an image
// linking to an article, without text: an article card's cover.
func (s *stripper) nextIsLinkedImage(i int) bool {
	j := s.nextContent(i)
	return j >= 0 && s.units[j].links > 0 && s.units[j].imgs > 0 && s.units[j].runes == 0
}

// labelled reports a block a marker such as "广告" can label: an image, a
// card, or a link without text.
func labelled(v unit) bool {
	return v.card || v.runes == 0 && (v.imgs > 0 || v.links > 0)
}

// markers removes marker blocks together with what they label.
func (s *stripper) markers(r Rule) {
	for i := range s.units {
		u := s.units[i]
		if u.gone || u.runes == 0 || u.runes > r.MaxRunes || u.links > 0 || u.imgs > 0 || !r.match(u.text) {
			continue
		}
		if r.Position == PositionTail && !s.inTail(i) {
			continue
		}
		j := s.nextContent(i)
		if j < 0 || !labelled(s.units[j]) {
			continue
		}
		label := s.units[j].text
		if label == "" {
			label = "[image]"
		}
		s.remove(i)
		s.remove(j)
		s.record(r.Name, u.text+" "+label)
	}
}

// followPitch cuts the body at a tail block that asks to follow the account
// by its own name ("关注军渡，你会获得…").
func (s *stripper) followPitch(r Rule) {
	if s.account == "" {
		return
	}
	for i := range s.units {
		u := s.units[i]
		if u.gone || u.runes == 0 || u.runes > r.MaxRunes || !r.pre.mayMatch(u.text) || !s.inTail(i) {
			continue
		}
		loc := r.re.FindStringIndex(u.text)
		if loc == nil {
			continue
		}
		rest := strings.TrimLeftFunc(u.text[loc[1]:], func(c rune) bool {
			return unicode.IsSpace(c) || unicode.IsPunct(c) || unicode.IsSymbol(c)
		})
		if !strings.HasPrefix(rest, s.account) {
			continue
		}
		s.recordUnits(r.Name, s.cutTail(i), nil)
		return
	}
}

// qrCaption looks from the image at unit i in direction d (-1 up, 1 down)
// for a caption matching r, across at most three blocks of text and not
// past another image or a link. Short blocks
// (at most 20 runes) between the image and the caption go with it; a
// longer one keeps the caption alone. It returns the units to remove, and
// whether an arrow points from the caption at the image.
func (s *stripper) qrCaption(r Rule, i, d int) (take []int, pointed bool) {
	steps, gap := 0, false
	for j := i + d; j >= 0 && j < len(s.units) && steps < 3; j += d {
		v := s.units[j]
		if v.gone || v.runes == 0 && v.imgs == 0 {
			continue
		}
		steps++
		if v.links > 0 || v.card || v.imgs > 0 && v.runes == 0 {
			return nil, false // another image's caption, if any
		}
		if v.runes > r.MaxRunes {
			return nil, false
		}
		if r.match(v.text) {
			pointed = pointed || d < 0 && isArrow(lastRune(v.text)) || d > 0 && pointsUp.MatchString(v.text)
			if gap {
				return []int{j}, false
			}
			return append(take, j), pointed
		}
		if v.runes > 20 || v.imgs > 0 {
			gap = true
			continue
		}
		if d < 0 && onlyArrows(v.text) {
			pointed = true
		}
		take = append(take, j)
	}
	return nil, false
}

// pointsUp is a caption below an image that points at it.
var pointsUp = regexp.MustCompile(`上方|上面|上图|[↑▲⬆👆]`)

func isArrow(c rune) bool {
	switch c {
	case '↓', '⬇', '▼', '▽', '👇', '⤵', '↘', '⇩', '⇓':
		return true
	}
	return false
}

// pointsDown reports a short line that ends with arrows pointing down
// ("问卷调查入口▼▼", "▼"), without a link: it points at what follows.
func pointsDown(u unit) bool {
	if u.runes == 0 || u.runes > 20 || u.imgs > 0 || u.anyLink || u.links > 0 {
		return false
	}
	t := strings.TrimRightFunc(u.text, func(c rune) bool { return unicode.IsSpace(c) || c == '\ufe0f' })
	return t != "" && isArrow(lastRune(t))
}

// prevContent returns the unit before i that is not gone and not empty,
// or -1.
func (s *stripper) prevContent(i int) int {
	for j := i - 1; j >= 0; j-- {
		if v := s.units[j]; !v.gone && (v.runes > 0 || v.imgs > 0 || v.card || v.media) {
			return j
		}
	}
	return -1
}

// onlyArrows reports text made of arrows pointing down (and spaces).
func onlyArrows(s string) bool {
	seen := false
	for _, c := range s {
		switch {
		case isArrow(c):
			seen = true
		case unicode.IsSpace(c), c == '\ufe0f':
		default:
			return false
		}
	}
	return seen
}
