package ocr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"nianbao/report"
)

// Table 3 read from a scan loses whole rows when Tesseract misses a
// column's zero or reads one zero as two: the row then holds six or eight
// numbers, and the parser, which cannot know which column is short or
// doubled, refuses all seven cells (docs/benchmarks.md, "OCR (issue 24)").
// A scan knows more than text: every word has its box. Columns rebuilds
// such a row from the boxes: the seven columns stand where the header puts
// 自然人 and 总计 and where the table's full rows put their numbers, each
// word goes to the column its box is in, and a column left empty, doubled
// with two different numbers, or holding a word that is no number becomes
// one cell marked missing — the row keeps its other six cells.

// t3Width is the number of columns of the 7-column table 3.
const t3Width = 7

// grid is the columns of table 3 on one page: each column's centre on the
// image and the rune offset its numbers start at in the laid-out text.
type grid struct {
	centre []float64
	at     []int
	pitch  float64
}

// Columns rebuilds the rows of table 3 whose numbers do not fall one to
// a column (see above). Other lines, and every line of a page where the
// columns cannot be told from both the header and the full rows, are
// returned as they are.
func Columns(lines []Line) []Line {
	out := slices.Clone(lines)
	var region []int // indexes of the current table 3's lines
	in := false
	flush := func() {
		byPage := map[int][]int{}
		var pages []int
		for _, i := range region {
			p := out[i].Page
			if _, ok := byPage[p]; !ok {
				pages = append(pages, p)
			}
			byPage[p] = append(byPage[p], i)
		}
		for _, p := range pages {
			idx := byPage[p]
			g, ok := pageGrid(out, idx)
			if !ok {
				continue
			}
			for _, i := range idx {
				if l, ok := g.rebuild(out[i]); ok {
					out[i] = l
				}
			}
		}
		region = nil
	}
	for i, l := range out {
		if in {
			out[i] = fixLabel(l)
			l = out[i]
		}
		flat := strings.ReplaceAll(l.Text, " ", "")
		switch {
		case strings.Contains(flat, "自然人"):
			flush()
			in = true
		case in && (strings.Contains(flat, "复议") || strings.Contains(flat, "诉讼") || strings.HasPrefix(flat, "五、")):
			// Table 4's heading, or the next section: table 3 ends.
			flush()
			in = false
		}
		if in {
			region = append(region, i)
		}
	}
	flush()
	return out
}

// numbers are a line's words that are counts: digits, not a row's
// numbering, not a page number (-3-).
func numbers(l Line) []Placed {
	var ns []Placed
	for _, p := range l.Words {
		if isCount(p) {
			ns = append(ns, p)
		}
	}
	return ns
}

func isCount(p Placed) bool {
	return isNumber(p.Text) && !p.Numbering && !strings.HasPrefix(p.Text, "-") && !strings.HasSuffix(p.Text, "-")
}

func centre(w Word) float64 { return float64(w.Left) + float64(w.Width)/2 }

// pageGrid finds table 3's columns on one page: from the lines that end
// in exactly seven numbers (the full rows), each column's median centre;
// the header's 自然人 and 总计, when on the page, must stand over the first
// and the last column, or the page is left alone. A page without a full
// row has no grid: the header alone does not say where the five middle
// columns are.
func pageGrid(lines []Line, idx []int) (grid, bool) {
	cs := make([][]float64, t3Width)
	ats := make([][]int, t3Width)
	for _, i := range idx {
		ns := numbers(lines[i])
		ws := lines[i].Words
		if len(ns) != t3Width || len(ws) < t3Width || ws[len(ws)-1].Word != ns[t3Width-1].Word {
			continue
		}
		for k, n := range ns {
			cs[k] = append(cs[k], centre(n.Word))
			ats[k] = append(ats[k], n.At)
		}
	}
	if len(cs[0]) == 0 {
		return grid{}, false
	}
	g := grid{centre: make([]float64, t3Width), at: make([]int, t3Width)}
	for k := range cs {
		sort.Float64s(cs[k])
		sort.Ints(ats[k])
		g.centre[k] = cs[k][len(cs[k])/2]
		g.at[k] = ats[k][len(ats[k])/2]
	}
	g.pitch = (g.centre[t3Width-1] - g.centre[0]) / (t3Width - 1)
	if g.pitch <= 0 {
		return grid{}, false
	}
	for k := 1; k < t3Width; k++ {
		// Columns of a ruled table are about equally wide; a full row
		// whose numbers bunch up is no row of table 3.
		if d := g.centre[k] - g.centre[k-1]; d < 0.5*g.pitch || d > 1.6*g.pitch {
			return grid{}, false
		}
	}
	for _, i := range idx {
		if l, r, ok := spanOf(lines[i], "自然人"); ok {
			if c := (l + r) / 2; c < g.centre[0]-g.pitch/2 || c > g.centre[0]+g.pitch/2 {
				return grid{}, false
			}
		}
		if l, r, ok := spanOf(lines[i], "总计"); ok && len(numbers(lines[i])) == 0 {
			if c := (l + r) / 2; c < g.centre[t3Width-1]-g.pitch/2 || c > g.centre[t3Width-1]+g.pitch/2 {
				return grid{}, false
			}
		}
	}
	return g, true
}

// spanOf finds s in a line's words joined without spaces (Tesseract gives
// a Chinese header one word per character or two) and returns the left
// and right edges of the words it covers.
func spanOf(l Line, s string) (left, right float64, ok bool) {
	var flat strings.Builder
	var owner []int // word index of each byte of flat
	for i, p := range l.Words {
		flat.WriteString(p.Text)
		for range len(p.Text) {
			owner = append(owner, i)
		}
	}
	at := strings.Index(flat.String(), s)
	if at < 0 {
		return 0, 0, false
	}
	a, b := l.Words[owner[at]].Word, l.Words[owner[at+len(s)-1]].Word
	return float64(a.Left), float64(b.Left + b.Width), true
}

// column is what a row's words put in one column.
type column struct {
	words []Word
	bad   string // why the column cannot be read
}

// rebuild lays a row of table 3 out again, one cell per column, when its
// words do not already fall one to a column. A line with fewer than four
// columns read is no row to rebuild (a wrapped label, a page number).
func (g grid) rebuild(l Line) (Line, bool) {
	lo := g.centre[0] - 0.6*g.pitch
	first := -1
	cols := make([]column, t3Width)
	for i, p := range l.Words {
		if centre(p.Word) < lo {
			continue
		}
		if first < 0 {
			first = i
		}
		g.place(cols, p.Word)
	}
	if first < 0 {
		return l, false
	}
	read, simple := 0, true
	for _, c := range cols {
		if c.bad == "" && len(c.words) > 0 {
			read++
		}
		simple = simple && c.bad == "" && len(c.words) == 1 && c.words[0].Fixed == ""
	}
	if simple || read < 4 {
		return l, false
	}
	// The label as laid out, then each column's cell at the rune offset
	// the full rows print that column at (two spaces at least, a column
	// break for the parser).
	runes := []rune(l.Text)
	label := strings.TrimRight(string(runes[:l.Words[first].At]), " ")
	var sb strings.Builder
	sb.WriteString(label)
	at := utf8.RuneCountInString(label)
	placed := slices.Clone(l.Words[:first])
	top, height := rowBand(l.Words[first:])
	for k, c := range cols {
		w := g.cell(k, c, l.Words[first].Word, top, height)
		pad := max(g.at[k]-at, 2)
		sb.WriteString(strings.Repeat(" ", pad))
		at += pad
		placed = append(placed, Placed{Word: w, At: at})
		sb.WriteString(w.Text)
		at += utf8.RuneCountInString(w.Text)
	}
	return Line{Page: l.Page, Text: sb.String(), Words: placed}, true
}

// place puts one word of a row into its column. A word whose box spans
// several columns' centres is digits glued across cells ("400000" over
// six columns): split one digit a column when it has as many digits as
// columns, else each column it covers is unread.
func (g grid) place(cols []column, w Word) {
	var span []int
	for k, c := range g.centre {
		if c >= float64(w.Left)-g.pitch/4 && c <= float64(w.Left+w.Width)+g.pitch/4 {
			span = append(span, k)
		}
	}
	if len(span) == 0 {
		// Between two columns: the nearest, when it is clearly nearer.
		k, d := g.nearest(centre(w))
		if d > 0.45*g.pitch {
			return // far from every column: a speck, not a cell
		}
		span = []int{k}
	}
	if len(span) == 1 {
		k := span[0]
		if !isNumber(w.Text) || strings.ContainsAny(w.Text, ".-") {
			cols[k].bad = fmt.Sprintf("识别为“%s”", w.Text)
			return
		}
		cols[k].words = append(cols[k].words, w)
		return
	}
	digits := strings.Trim(w.Text, "0123456789") == "" && len(w.Text) == len(span)
	// Zeros with specks between them ("0.00.0.0" over five columns): a
	// count never starts with 0, so each column it covers holds 0.
	zeros := !digits && strings.Trim(w.Text, "0.,") == "" && strings.Count(w.Text, "0") >= len(span)
	for i, k := range span {
		if zeros {
			d := w
			d.Text, d.Fixed = "0", w.Text
			d.Width = max(w.Width/len(span), 1)
			d.Left = w.Left + i*d.Width
			cols[k].words = append(cols[k].words, d)
			continue
		}
		if !digits {
			cols[k].bad = fmt.Sprintf("“%s”跨%d列", w.Text, len(span))
			continue
		}
		d := w
		d.Text = w.Text[i : i+1]
		d.Fixed = w.Text
		d.Width = max(w.Width/len(span), 1)
		d.Left = w.Left + i*d.Width
		cols[k].words = append(cols[k].words, d)
	}
}

func (g grid) nearest(x float64) (k int, d float64) {
	d = -1
	for i, c := range g.centre {
		if e := max(x-c, c-x); d < 0 || e < d {
			k, d = i, e
		}
	}
	return k, d
}

// cell is the word a column's cell is read from: its one number; one zero
// when Tesseract read a zero twice (two zeros in one cell can only be
// one); otherwise a word marked missing, "0" to keep the row's width for
// the parser, with no confidence and the column's box, which Mark turns
// into an unread cell unless the accounting rules fix it.
func (g grid) cell(k int, c column, frame Word, top, height int) Word {
	if c.bad == "" && len(c.words) == 1 {
		return c.words[0]
	}
	if c.bad == "" && len(c.words) > 1 {
		zeros := true
		var texts []string
		for _, w := range c.words {
			zeros = zeros && w.Text == "0"
			texts = append(texts, w.Text)
		}
		if zeros {
			w := c.words[0]
			last := c.words[len(c.words)-1]
			w.Width = last.Left + last.Width - w.Left
			w.Fixed = strings.Join(texts, " ")
			return w
		}
		c.bad = fmt.Sprintf("一格内识别出“%s”", strings.Join(texts, " "))
	}
	if c.bad == "" {
		c.bad = "该格没有识别出数字"
	}
	return Word{
		Page: frame.Page, Left: int(g.centre[k] - g.pitch/2), Top: top, Width: int(g.pitch), Height: height,
		PageWidth: frame.PageWidth, PageHeight: frame.PageHeight,
		Text: "0", missing: c.bad,
	}
}

// rowBand is the median top and height of a row's words.
func rowBand(ws []Placed) (top, height int) {
	tops := make([]int, 0, len(ws))
	hs := make([]int, 0, len(ws))
	for _, p := range ws {
		tops = append(tops, p.Top)
		hs = append(hs, p.Height)
	}
	sort.Ints(tops)
	sort.Ints(hs)
	return tops[len(tops)/2], hs[len(hs)/2]
}

// t3Labels are the wordings of table 3's rows after their numbering, the
// run of characters the parser looks for (report.T3Rows).
var t3Labels = func() [][]rune {
	var out [][]rune
	for _, r := range report.T3Rows {
		l := r.Label
		if i := strings.LastIndexAny(l, ".）"); i >= 0 {
			l = l[i+len(string([]rune(l[i:])[0])):]
		}
		l = strings.TrimLeft(l, "一二三四、")
		if utf8.RuneCountInString(l) >= minLabel {
			out = append(out, []rune(l))
		}
	}
	return out
}()

// minLabel is the shortest row wording fixLabel mends: in a shorter one a
// character off may as well be another row's (重复申请).
const minLabel = 6

// fixLabel mends a row label of table 3 that Tesseract read one
// character off (届于三类内部事务信息, 属于行政执法案郑): a run of Chinese
// characters on the line as long as a row's wording, differing from it in
// exactly one character and from every other wording in more. Without
// it the parser cannot find the row and all seven cells are lost. The
// numbers are not touched; the mended word keeps what was read in Fixed.
func fixLabel(l Line) Line {
	text := []rune(l.Text)
	for _, lab := range t3Labels {
		if strings.Contains(l.Text, string(lab)) {
			return l // the line's label reads as printed
		}
	}
	for _, lab := range t3Labels {
		n := len(lab)
		for at := 0; at+n <= len(text); at++ {
			diff := -1
			for j := 0; j < n; j++ {
				if text[at+j] == lab[j] {
					continue
				}
				if diff >= 0 || !isHan(text[at+j]) {
					diff = -2
					break
				}
				diff = at + j
			}
			if diff < 0 || !onlyMatch(text[at:at+n], lab) {
				continue
			}
			out := Line{Page: l.Page, Words: slices.Clone(l.Words)}
			for k, p := range out.Words {
				if r := []rune(p.Text); diff >= p.At && diff < p.At+len(r) {
					r[diff-p.At] = lab[diff-at]
					out.Words[k].Fixed = p.Text
					out.Words[k].Text = string(r)
				}
			}
			fixed := slices.Clone(text)
			fixed[diff] = lab[diff-at]
			out.Text = string(fixed)
			return out
		}
	}
	return l
}

// onlyMatch tells that no wording but lab is within one character of s.
func onlyMatch(s, lab []rune) bool {
	for _, o := range t3Labels {
		if string(o) == string(lab) || len(o) != len(s) {
			continue
		}
		d := 0
		for j := range o {
			if o[j] != s[j] {
				d++
			}
		}
		if d <= 1 {
			return false
		}
	}
	return true
}
