package extractor

import "regexp"

// The body's last blocks after the article's own end: the account's
// furniture that no phrase names. Two shapes, both found by structure:
//
//   - a closing rule: a thematic break (<hr>) in the tail with nothing of
//     the article after it, only up to maxClosingPictures pictures (the
//     account's banner, its QR code) and credits;
//   - trailing ornaments: animations, icons and thin rules (see decorative)
//     that end the body after its last text or picture, with nothing but
//     credits after them.
//
// Credits stay wherever they stand; a rule or an ornament that a line above
// announces ("效果如下：", "▼") is the article's and stays.

// maxClosingPictures is how many pictures may follow a closing rule and go
// with it; more are the article's.
const maxClosingPictures = 2

// maxTrailingOrnaments is how many ornaments may end the body and go.
const maxTrailingOrnaments = 3

// leadIn is a line that announces what follows it: a picture it introduces.
var leadIn = regexp.MustCompile(`[：:]\PL{0,3}$|如下|如图|下图|动图|效果图|[↓⬇▼▽👇⤵↘⇩⇓]\PL{0,3}$`)

// isPicture reports a unit that is only pictures, standing alone (no link,
// card or player).
func isPicture(u unit) bool {
	return u.runes == 0 && u.imgs > 0 && !u.media && !u.card && u.links == 0 && !u.anyLink
}

// blank reports a unit a reader does not see (an empty paragraph, a <br>).
func blank(u unit) bool {
	return u.runes == 0 && u.imgs == 0 && !u.media && !u.card && !u.rule
}

func (s *stripper) tailOrnament(r Rule) {
	s.closingRule(r)
	s.trailingOrnaments(r)
}

// closingRule removes a closing rule and the pictures after it.
func (s *stripper) closingRule(r Rule) {
	var pics []int
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		switch {
		case u.gone || blank(u) || isCredit(u):
		case isPicture(u) && len(pics) < maxClosingPictures:
			pics = append(pics, i)
		case u.rule:
			// the article's text must stand above the rule, and the
			// rule in the body's second half
			if !s.inTailLeft(i) || s.announced(i) {
				return
			}
			s.remove(i)
			cut := []int{i}
			for k := len(pics) - 1; k >= 0; k-- {
				s.remove(pics[k])
				cut = append(cut, pics[k])
			}
			s.recordUnits(r.Name, cut, func(int) string { return "closing rule: pictures after the article's end" })
			return
		default:
			return
		}
	}
}

// trailingOrnaments removes the ornaments that end the body.
func (s *stripper) trailingOrnaments(r Rule) {
	var orn []int
	for i := len(s.units) - 1; i >= 0; i-- {
		u := s.units[i]
		switch {
		case u.gone || blank(u) || isCredit(u):
		case isPicture(u) && u.decorImg && len(orn) < maxTrailingOrnaments:
			orn = append(orn, i)
		default:
			// something of the article must stand above the ornaments,
			// and must not announce them
			if len(orn) == 0 || s.before[i]+u.runes == 0 || s.announced(orn[len(orn)-1]) {
				return
			}
			var cut []int
			for k := len(orn) - 1; k >= 0; k-- {
				s.remove(orn[k])
				cut = append(cut, orn[k])
			}
			s.recordUnits(r.Name, cut, func(int) string { return "ornament after the article's end" })
			return
		}
	}
}

// inTailLeft reports whether unit i lies in the second half of the text
// the body has left (other rules may have cut much of it), with some text
// above it.
func (s *stripper) inTailLeft(i int) bool {
	above, below := 0, 0
	for j, v := range s.units {
		if v.gone {
			continue
		}
		if j < i {
			above += v.runes
		} else {
			below += v.runes
		}
	}
	return above > 0 && above >= below
}

// announced reports whether the nearest text above unit i (skipping blank
// units) announces what follows it.
func (s *stripper) announced(i int) bool {
	for j := i - 1; j >= 0; j-- {
		v := s.units[j]
		if v.gone || blank(v) || v.rule {
			continue
		}
		return v.runes > 0 && v.runes <= 80 && leadIn.MatchString(v.text)
	}
	return false
}
