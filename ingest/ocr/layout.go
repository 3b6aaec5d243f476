package ocr

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line is one text line laid out from a page's words, with the words at
// their rune offsets in Text.
type Line struct {
	Page  int
	Text  string
	Words []Placed
}

// Placed is a word at rune offset At of its line's text.
type Placed struct {
	Word
	At int
}

// Layout lays out a page's words as text lines, the way pdftotext -layout
// prints a born-digital page: one line per Tesseract line (top to bottom),
// each word at the character column its left edge stands at, so a table's
// numbers line up under their columns whatever the label before them.
// Characters of a word that Tesseract split (a Chinese label is often one
// word per character) join again when the gap between them is narrower
// than a character; a wider gap is at least two spaces, which the parser
// reads as a column break.
func Layout(words []Word) []Line {
	if len(words) == 0 {
		return nil
	}
	unit := charUnit(words)
	byLine := map[int][]Word{}
	var keys []int
	for _, w := range words {
		if _, ok := byLine[w.line]; !ok {
			keys = append(keys, w.line)
		}
		byLine[w.line] = append(byLine[w.line], w)
	}
	// Tesseract's lines in reading order are top to bottom in one block
	// (psm 6); sort by the median top anyway, so a second block does not
	// print after the first whole.
	type group struct {
		top   int
		words []Word
	}
	groups := make([]group, 0, len(keys))
	for _, k := range keys {
		ws := byLine[k]
		slices.SortFunc(ws, func(a, b Word) int { return a.Left - b.Left })
		tops := make([]int, len(ws))
		for i, w := range ws {
			tops[i] = w.Top + w.Height/2
		}
		sort.Ints(tops)
		groups = append(groups, group{top: tops[len(tops)/2], words: ws})
	}
	slices.SortStableFunc(groups, func(a, b group) int { return a.top - b.top })
	out := make([]Line, 0, len(groups))
	for _, g := range groups {
		var sb strings.Builder
		col := 0 // runes written
		var placed []Placed
		prevRight := -1
		var prevLast rune
		for _, w := range g.words {
			text := fixDigits(&w)
			want := int(float64(w.Left)/unit + 0.5)
			first, _ := utf8.DecodeRuneInString(text)
			if prevRight >= 0 {
				gap := float64(w.Left - prevRight)
				switch {
				case gap > 1.5*unit*2:
					// A column gap: at least two spaces, more to reach
					// the word's column.
					pad := max(want-col, 2)
					sb.WriteString(strings.Repeat(" ", pad))
					col += pad
				case isHan(prevLast) && isHan(first):
					// Characters of one label: no space.
				default:
					sb.WriteByte(' ')
					col++
				}
			} else if want > 0 {
				sb.WriteString(strings.Repeat(" ", want))
				col += want
			}
			placed = append(placed, Placed{Word: w, At: col})
			sb.WriteString(text)
			col += utf8.RuneCountInString(text)
			prevRight = w.Left + w.Width
			prevLast, _ = utf8.DecodeLastRuneInString(text)
		}
		out = append(out, Line{Page: g.words[0].Page, Text: sb.String(), Words: placed})
	}
	return out
}

// charUnit is the width of one text column in pixels: half the median
// height of the words, the width of a digit in a Chinese body font.
func charUnit(words []Word) float64 {
	hs := make([]int, 0, len(words))
	for _, w := range words {
		if w.Height > 0 {
			hs = append(hs, w.Height)
		}
	}
	if len(hs) == 0 {
		return 10
	}
	sort.Ints(hs)
	return max(float64(hs[len(hs)/2])/2, 1)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// digitLike maps the characters Tesseract confuses with digits in a
// number cell to the digit they stand for.
var digitLike = map[rune]rune{
	'O': '0', 'o': '0', '〇': '0', 'D': '0', 'Q': '0',
	'l': '1', 'I': '1', '|': '1', 'i': '1',
	'S': '5', 's': '5',
	'B': '8', 'Z': '2', 'z': '2',
}

// fixDigits corrects a word that is a number but for confusable letters
// (O/0, l/1, S/5, 〇): only a word holding at least one real digit and
// nothing but digits and confusables, or a lone O/〇 (a table's zero). The
// word keeps what was recognised in Fixed; the cell read from it says so,
// and the accounting rules check it like any other.
func fixDigits(w *Word) string {
	t := strings.Trim(w.Text, ".,:;'\"`")
	if t == "" {
		return w.Text
	}
	digits, other := 0, 0
	var sb strings.Builder
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
			sb.WriteRune(r)
		case digitLike[r] != 0:
			other++
			sb.WriteRune(digitLike[r])
		default:
			return w.Text
		}
	}
	if other == 0 && t == w.Text {
		return w.Text
	}
	if digits == 0 && !(other == 1 && (t == "O" || t == "〇" || t == "o")) {
		return w.Text
	}
	w.Fixed = w.Text
	w.Text = sb.String()
	return w.Text
}
