package parse

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// A row label's words are matched on the text with its white space taken
// out, so a label wrapped over lines or split by stray spaces (一、本年\n新收,
// 规 章) is found by a plain substring search rather than a regular
// expression allowing a gap between every two characters — the same
// matches, several times cheaper.

// words is a label pattern of literal alternatives; a pattern that is not
// literal (3.其他 with its numeral) keeps its regular expression.
type words struct {
	alts []string
	re   *regexp.Regexp
}

// kw builds a label pattern from alternative words.
func kw(alts ...string) *words { return &words{alts: alts} }

// squeezed is a stretch of text without its white space, with the offset
// in the text of each of its bytes.
type squeezed struct {
	s   string
	pos []int32
	// at, when set (indexFirsts), lists where each first character of the
	// template's words stands in s (at[k] for firsts[k]): each word is
	// then tried where its first character stands instead of by a scan of
	// the whole table.
	at     [][]int32
	firsts []rune // the characters at lists (nil: no index)
}

// indexFirsts records in sq where each of the first characters of the
// template's literal words stands; findIn then looks only there. One pass
// over the table instead of one search of the table per word.
func (sq *squeezed) indexFirsts(tmpl []rowDef) {
	var firsts []rune
	// slot[b]: k+1 when firsts[k] is the one first character whose low
	// byte is b, -1 when several share it, 0 when none: most runes of a
	// table stop at it, and the others need no search of firsts (a search
	// and a map append for each was a tenth of a parse).
	var slot [256]int16
	for _, row := range tmpl {
		if row.key == nil || row.key.re != nil {
			continue
		}
		for _, alt := range row.key.alts {
			r, _ := utf8.DecodeRuneInString(alt)
			if r == utf8.RuneError {
				return // not indexed: findIn searches as before
			}
			if !slices.Contains(firsts, r) {
				firsts = append(firsts, r)
				if slot[r&255] == 0 {
					slot[r&255] = int16(len(firsts))
				} else {
					slot[r&255] = -1
				}
			}
		}
	}
	at := make([][]int32, len(firsts))
	for i, r := range sq.s {
		k := int(slot[r&255])
		switch {
		case k == 0:
			continue
		case k > 0 && firsts[k-1] == r:
			k--
		case k > 0:
			continue
		default:
			if k = slices.Index(firsts, r); k < 0 {
				continue
			}
		}
		at[k] = append(at[k], int32(i))
	}
	sq.at, sq.firsts = at, firsts
}

func squeeze(s string, base int) squeezed {
	return squeezeInto(nil, s, base)
}

// squeeze is squeeze with the positions in the text's reused array: the
// squeezed text must not be used after the next call.
func (t *text) squeeze(s string, base int) squeezed {
	sq := squeezeInto(t.offsets, s, base)
	t.offsets = sq.pos
	return sq
}

func squeezeInto(pos []int32, s string, base int) squeezed {
	var b strings.Builder
	b.Grow(len(s))
	pos = grown(pos, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\f', '\r':
			continue
		}
		b.WriteByte(s[i])
		pos = append(pos, int32(base+i))
	}
	return squeezed{s: b.String(), pos: pos}
}

// findIn returns the matches in the squeezed text as offsets of the
// original text, leftmost first and not overlapping, an earlier
// alternative winning at the same place (as a regexp alternation would).
func (w *words) findIn(sq squeezed, s string, base int) [][2]int {
	if w.re != nil {
		var out [][2]int
		for _, m := range w.re.FindAllStringIndex(s, -1) {
			out = append(out, [2]int{base + m[0], base + m[1]})
		}
		return out
	}
	type hit struct{ a, b, alt int }
	var hits []hit
	for k, alt := range w.alts {
		first, _ := utf8.DecodeRuneInString(alt)
		if k := slices.Index(sq.firsts, first); k >= 0 {
			// Every occurrence, left to right and not overlapping, as the
			// search below finds them.
			from := 0
			for _, i := range sq.at[k] {
				if int(i) >= from && strings.HasPrefix(sq.s[i:], alt) {
					hits = append(hits, hit{int(i), int(i) + len(alt), k})
					from = int(i) + len(alt)
				}
			}
			continue
		}
		for from := 0; from < len(sq.s); {
			i := strings.Index(sq.s[from:], alt)
			if i < 0 {
				break
			}
			i += from
			hits = append(hits, hit{i, i + len(alt), k})
			from = i + len(alt)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].a != hits[j].a {
			return hits[i].a < hits[j].a
		}
		return hits[i].alt < hits[j].alt
	})
	var out [][2]int
	end := -1
	for _, h := range hits {
		if h.a < end {
			continue
		}
		out = append(out, [2]int{int(sq.pos[h.a]), int(sq.pos[h.b-1]) + 1})
		end = h.b
	}
	return out
}

// FindAllStringIndex finds the pattern in s, as a regexp would.
func (w *words) FindAllStringIndex(s string, _ int) [][]int {
	var out [][]int
	for _, m := range w.findIn(squeeze(s, 0), s, 0) {
		out = append(out, []int{m[0], m[1]})
	}
	return out
}

// MatchString tells whether the pattern occurs in s.
func (w *words) MatchString(s string) bool { return len(w.findIn(squeeze(s, 0), s, 0)) > 0 }
