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
	// Lattice marks a line of a ruled table read cell by cell
	// (ReadLattices): its numbers are in their columns already.
	Lattice bool
}

// Placed is a word at rune offset At of its line's text.
type Placed struct {
	Word
	At int
	// Numbering is a row's number printed as part of its label ("1.").
	Numbering bool
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
	for _, w := range splitZeros(words) {
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
		prevText := ""
		prevNumbering := false
		for _, w := range g.words {
			text := fixDigits(&w)
			want := int(float64(w.Left)/unit + 0.5)
			first, _ := utf8.DecodeRuneInString(text)
			columnGap := prevRight < 0 || float64(w.Left-prevRight) > 1.5*unit*2
			numbering := false
			if prevRight >= 0 {
				numbering = prevNumbering
				gap := float64(w.Left - prevRight)
				switch {
				case gap > 1.5*unit*2 || (gap > unit && isNumber(prevText) && isNumber(text)) || w.line < 0:
					// A column gap; or two numbers, which Tesseract
					// parts only at a space and a table prints in
					// cells of their own; or two cells of a lattice
					// (ReadLattices), however close (商业企业 科研机构).
					// At least two spaces, more to reach the word's
					// column.
					pad := max(want-col, 2)
					sb.WriteString(strings.Repeat(" ", pad))
					col += pad
				case isHan(prevLast) && isHan(first):
					// Characters of one label: no space.
				case numbering && isHan(first) && !strings.ContainsRune(units, first):
					// "1 属于国家秘密": a row's number whose dot was too
					// small to read. Printed as the template prints it
					// ("1.属于"), so the parser takes it for part of the
					// label and not for a count.
					sb.WriteByte('.')
					col++
					placed[len(placed)-1].Numbering = true
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
			prevText = text
			// A number of one or two digits at the start of a cell or
			// after a label's characters may be a row's number.
			prevNumbering = len(text) <= 2 && isNumber(text) && !strings.Contains(text, ".") && (columnGap || isHan(lastOf(placed, 2)))
		}
		out = append(out, Line{Page: g.words[0].Page, Text: sb.String(), Words: placed})
	}
	return out
}

// splitZeros splits a word of zeros ("000"): Tesseract joins a row's
// narrow-spaced zeros into one word, and a count never starts with 0, so
// the word can only be cells of 0 (so can "00.0", with a speck read as a
// point, and "oo", a zero one glyph wide read as two letters). How many is read from the box, not the
// text (Tesseract has been seen to read two cells of 0 as "000"): the
// cells the box spans at the page's column pitch, the distance between
// neighbouring numbers in its rows; without a pitch, one cell per digit.
// Each zero gets its slot of the box, a digit wide in its middle, so the
// layout puts each under its column.
func splitZeros(words []Word) []Word {
	pitch := numberPitch(words)
	out := make([]Word, 0, len(words))
	for _, w := range words {
		n := utf8.RuneCountInString(w.Text)
		// "00.0": zeros with a speck between them; no number starts "00".
		// "oo": a zero (or two) read as letters, fixed like O→0 and so
		// noted.
		zeros := strings.Trim(w.Text, "0") == "" || strings.HasPrefix(w.Text, "00") && strings.Trim(w.Text, "0.,") == ""
		letters := !zeros && strings.Trim(w.Text, "0oO〇") == ""
		if n < 2 || !zeros && !letters {
			out = append(out, w)
			continue
		}
		if letters {
			w.Fixed = w.Text
		}
		digit := max(w.Height/2, 1)
		switch {
		case pitch > 0:
			n = max(int(float64(w.Width-digit)/pitch+0.5)+1, 1)
		case letters:
			// A digit is about half as wide as it is tall.
			n = max(int(float64(w.Width)/float64(max(w.Height, 1))+0.5), 1)
		}
		slot := w.Width / n
		for i := 0; i < n; i++ {
			z := w
			z.Text = "0"
			z.Left = w.Left + i*slot + max(slot-digit, 0)/2
			z.Width = min(digit, slot)
			out = append(out, z)
		}
	}
	return out
}

// numberPitch is the median distance between the left edges of
// neighbouring one-word numbers on a line of at least four of them (a
// table row), or 0 when no line has four.
func numberPitch(words []Word) float64 {
	byLine := map[int][]Word{}
	for _, w := range words {
		if isNumber(w.Text) && strings.Trim(w.Text, "0") != "" || w.Text == "0" {
			byLine[w.line] = append(byLine[w.line], w)
		}
	}
	var d []int
	for _, ws := range byLine {
		if len(ws) < 4 {
			continue
		}
		slices.SortFunc(ws, func(a, b Word) int { return a.Left - b.Left })
		for i := 1; i < len(ws); i++ {
			d = append(d, ws[i].Left-ws[i-1].Left)
		}
	}
	if len(d) == 0 {
		return 0
	}
	sort.Ints(d)
	return float64(d[len(d)/2])
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

// units are the characters that follow a count in prose ("17 件"): a
// number before them is a count, never a row's number.
const units = "件条个次万元年月日项期家人份篇场批户余名所类"

// lastOf is the last rune of the n-th last placed word (n from 1).
func lastOf(placed []Placed, n int) rune {
	if len(placed) < n {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(placed[len(placed)-n].Text)
	return r
}

// isNumber tells a word of digits, with a decimal point or a sign.
func isNumber(s string) bool {
	if s == "" || !hasDigit(s) {
		return false
	}
	return strings.Trim(s, "0123456789.-") == ""
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
	// A ruling line's last pixels stick to a number as "|", "]" or "[":
	// dropped at the ends of a word that holds a digit.
	if u := strings.Trim(t, "|[]!"); u != t && hasDigit(u) {
		t = u
	}
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

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }
