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
// Table 4 loses all fifteen cells the same way: its one row of numbers
// glued ("110 1 0 0 00000000 05 0 0 0 0") is not fifteen numbers.
// A scan knows more than text: every word has its box. Columns rebuilds
// such a row from the boxes: the columns stand where the table's full
// rows put their numbers (table 3, checked against the header's 自然人 and
// 总计) or, for table 4, whose one row is the row to rebuild, where its
// header spans them; each word goes to the column its box is in, and a
// column left empty, doubled with two different numbers, or holding a
// word that is no number becomes one cell marked missing — the row keeps
// its other cells, and the accounting rules (1–3, 4) decide the missing
// ones (Mark).

// t3Width and t4Width are the numbers of columns of table 3 (自然人 …
// 总计) and table 4 (three groups of 结果维持 … 总计).
const (
	t3Width = 7
	t4Width = 15
)

// grid is the columns of a table on one page: each column's centre on
// the image and, when full rows gave them, the rune offset its numbers
// start at in the laid-out text (nil: the cells are laid out two spaces
// apart, which is all table 4's parser needs, its numbers being read in
// order).
type grid struct {
	centre []float64
	at     []int
	pitch  float64
}

// table is a table Columns rebuilds rows of.
type table struct {
	width int
	// header finds the page's grid when no full row does, or checks the
	// one the full rows gave; nil keeps the full rows' grid.
	header func(lines []Line, idx []int, g grid, full bool) (grid, bool)
}

var (
	t3Table = table{width: t3Width, header: t3Header}
	t4Table = table{width: t4Width, header: t4Header}
)

// Columns rebuilds the rows of tables 3 and 4 whose numbers do not fall
// one to a column (see above). Other lines, and every line of a page
// where the columns cannot be told, are returned as they are.
func Columns(lines []Line) []Line {
	out := slices.Clone(lines)
	var region []int // indexes of the current table's lines
	var in *table
	flush := func() {
		if in == nil {
			region = nil
			return
		}
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
			// A ruled table's lines have their columns from the rules.
			idx := slices.DeleteFunc(byPage[p], func(i int) bool { return out[i].Lattice })
			g, ok := in.pageGrid(out, idx)
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
		if in == &t3Table {
			out[i] = fixLabel(l)
			l = out[i]
		}
		flat := strings.ReplaceAll(l.Text, " ", "")
		switch {
		case strings.Contains(flat, "自然人"):
			flush()
			in = &t3Table
		case in != &t4Table && strings.Contains(flat, "复议") && strings.Contains(flat, "诉讼"):
			// Table 4's heading (四、…行政复议、行政诉讼情况) or its
			// header: table 3, if open, ends.
			flush()
			in = &t4Table
		case in == &t3Table && (strings.Contains(flat, "复议") || strings.Contains(flat, "诉讼")) ||
			in != nil && strings.HasPrefix(flat, "五、"):
			// Table 4's heading read in part, or the next section.
			flush()
			in = nil
		}
		if in != nil {
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

// pageGrid finds a table's columns on one page: from the lines that end
// in exactly as many numbers as the table has columns (the full rows),
// each column's median centre; then the table's header checks it, or
// gives it where no row is full.
func (t *table) pageGrid(lines []Line, idx []int) (grid, bool) {
	g, full := fullRows(lines, idx, t.width)
	return t.header(lines, idx, g, full)
}

// fullRows is the grid of the lines of idx holding exactly width numbers,
// the last of them ending the line.
func fullRows(lines []Line, idx []int, width int) (grid, bool) {
	cs := make([][]float64, width)
	ats := make([][]int, width)
	for _, i := range idx {
		ns := numbers(lines[i])
		ws := lines[i].Words
		if len(ns) != width || len(ws) < width || ws[len(ws)-1].Word != ns[width-1].Word {
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
	g := grid{centre: make([]float64, width), at: make([]int, width)}
	for k := range cs {
		sort.Float64s(cs[k])
		sort.Ints(ats[k])
		g.centre[k] = cs[k][len(cs[k])/2]
		g.at[k] = ats[k][len(ats[k])/2]
	}
	return g, g.even()
}

// even sets the grid's pitch and tells whether its columns are about
// equally wide, as a ruled table's are: a full row whose numbers bunch
// up is no row of the table.
func (g *grid) even() bool {
	n := len(g.centre)
	g.pitch = (g.centre[n-1] - g.centre[0]) / float64(n-1)
	if g.pitch <= 0 {
		return false
	}
	for k := 1; k < n; k++ {
		if d := g.centre[k] - g.centre[k-1]; d < 0.5*g.pitch || d > 1.6*g.pitch {
			return false
		}
	}
	return true
}

// t3Header checks table 3's grid: the header's 自然人 and 总计, when on
// the page, must stand over the first and the last column, or the page is
// left alone. A page without a full row has no grid: the header alone
// does not say where the five middle columns are.
func t3Header(lines []Line, idx []int, g grid, full bool) (grid, bool) {
	if !full {
		return grid{}, false
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

// t4Words are the characters of table 4's column headings (结果维持,
// 结果纠正, 其他结果, 尚未审结, 总计), which Tesseract reads a word of one
// to four of them.
const t4Words = "结果维持纠正其他尚未审总计"

// t4Header gives table 4's grid from its header when its row is not full:
// the fifteen columns are equally wide (the template's), from the
// leftmost heading word's centre (结果维持 of 行政复议) to the rightmost's
// (总计 of 复议后起诉). It is taken only where at least fifteen heading
// words stand above the row and most of the row's numbers read as single
// words stand within a third of a pitch of a column's centre; a row that
// already holds fifteen numbers is not rebuilt.
func t4Header(lines []Line, idx []int, _ grid, full bool) (grid, bool) {
	if full {
		return grid{}, false
	}
	row := -1 // the line with the most numbers: table 4's row
	for _, i := range idx {
		if row < 0 || len(numbers(lines[i])) > len(numbers(lines[row])) {
			row = i
		}
	}
	if row < 0 || len(numbers(lines[row])) < 2 {
		return grid{}, false
	}
	first, last, n := 0.0, 0.0, 0
	for _, i := range idx {
		if i >= row {
			break
		}
		for _, p := range lines[i].Words {
			if strings.Trim(p.Text, t4Words) != "" {
				continue
			}
			c := centre(p.Word)
			if n == 0 || c < first {
				first = c
			}
			if n == 0 || c > last {
				last = c
			}
			n++
		}
	}
	if n < t4Width {
		return grid{}, false
	}
	g := grid{centre: make([]float64, t4Width)}
	for k := range g.centre {
		g.centre[k] = first + float64(k)*(last-first)/(t4Width-1)
	}
	if !g.even() {
		return grid{}, false
	}
	// The header's words give the columns only roughly (a heading word
	// centred in its cell, 总计 printed in two lines): the row's numbers
	// read as single words, each near a column, set the columns exactly —
	// the line through them, column by column.
	// Twice: the columns fitted to the numbers near them first catch the
	// numbers further along.
	for range 2 {
		var ks, xs []float64
		single := 0
		for _, p := range numbers(lines[row]) {
			if float64(p.Width) > g.pitch/2 {
				continue // glued digits, placed by their box later
			}
			single++
			if k, d := g.nearest(centre(p.Word)); d <= g.pitch/3 {
				ks, xs = append(ks, float64(k)), append(xs, centre(p.Word))
			}
		}
		if single < 3 || 2*len(ks) <= single {
			return grid{}, false
		}
		if a, b, ok := fitLine(ks, xs); ok && b > 0.8*g.pitch && b < 1.25*g.pitch {
			for k := range g.centre {
				g.centre[k] = a + b*float64(k)
			}
			g.pitch = b
		}
	}
	return g, true
}

// fitLine is the least-squares line x = a + b·k through the points, when
// the ks are not all one.
func fitLine(ks, xs []float64) (a, b float64, ok bool) {
	n := float64(len(ks))
	var sk, sx, skk, skx float64
	for i := range ks {
		sk += ks[i]
		sx += xs[i]
		skk += ks[i] * ks[i]
		skx += ks[i] * xs[i]
	}
	d := n*skk - sk*sk
	if n < 2 || d == 0 {
		return 0, 0, false
	}
	b = (n*skx - sk*sx) / d
	return (sx - b*sk) / n, b, true
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

// rebuild lays a row out again, one cell per column, when its words do
// not already fall one to a column. A line with fewer than half its
// columns and one read is no row to rebuild (a wrapped label, a page
// number).
func (g grid) rebuild(l Line) (Line, bool) {
	width := len(g.centre)
	lo := g.centre[0] - 0.6*g.pitch
	first := -1
	var boxes []Word // the words of the row, in its columns' reach
	for i, p := range l.Words {
		if centre(p.Word) < lo {
			continue
		}
		if first < 0 {
			first = i
		}
		boxes = append(boxes, p.Word)
	}
	if first < 0 {
		return l, false
	}
	cols := make([]column, width)
	for i, w := range boxes {
		g.place(cols, w, slices.Delete(slices.Clone(boxes), i, i+1))
	}
	read, simple := 0, true
	for _, c := range cols {
		if c.bad == "" && len(c.words) > 0 {
			read++
		}
		simple = simple && c.bad == "" && len(c.words) == 1 && c.words[0].Fixed == ""
	}
	if simple || read < width/2+1 {
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
		pad := 2
		if g.at != nil {
			pad = max(g.at[k]-at, 2)
		}
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
// columns, else each column it covers is unread. A run of zeros whose box
// also covers other words of the row (Tesseract boxed ".00000000" from
// the fifth column of table 4 to the last, over the words read there)
// covers only the columns no other word is in; there it is as many zeros
// as columns, or it says nothing sure of them: which of the columns its
// zeros stand in is not known, and each of them is missing.
func (g grid) place(cols []column, w Word, others []Word) {
	span := g.span(w)
	if zs := strings.Count(w.Text, "0"); len(span) > 1 && zs < len(span) && strings.Trim(w.Text, "0.,") == "" {
		all := len(span)
		span = slices.DeleteFunc(span, func(k int) bool {
			for _, o := range others {
				if slices.Contains(g.span(o), k) {
					return true
				}
			}
			return false
		})
		if len(span) == 0 {
			return // the other words hold every column it covers
		}
		if zs != len(span) {
			for _, k := range span {
				cols[k].bad = fmt.Sprintf("“%s”跨%d列，有%d个0", w.Text, all, zs)
			}
			return
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

// span is the columns whose centre a word's box covers, a quarter pitch
// of slack each side.
func (g grid) span(w Word) []int {
	var span []int
	for k, c := range g.centre {
		if c >= float64(w.Left)-g.pitch/4 && c <= float64(w.Left+w.Width)+g.pitch/4 {
			span = append(span, k)
		}
	}
	return span
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
			out := l // a lattice's line stays one
			out.Words = slices.Clone(l.Words)
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
