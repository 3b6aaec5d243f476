package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ReadLattices lays out a page whose ruled tables FindLattices found:
// words are the page's Tesseract words (chi_sim, rules erased) and clean
// the page they were read from. Outside the tables the words are laid out
// as Layout does. Inside, each cell is read on its own:
//
//   - a cell with two Chinese characters or more is a label: its words,
//     on however many text lines the cell wraps them, become one word;
//   - any other cell is read again from its crop with digits only (one
//     Tesseract run per page for all crops, ReadDigits); it is a number
//     cell where its grid column reads as numbers more than as labels.
//     Where the page's reading and the digit reading disagree, the cell
//     goes under Threshold and is kept only where its row and its column
//     sums check it (Mark); a cell with no ink, or ink no digit was read
//     from, is a word marked missing, which Mark keeps as 0 only where
//     those sums fix it.
//
// A row of the grid is one text line (its labels, then its numbers under
// the columns the rules give); labels spanning rows (（三）不予公开, a
// header over two rows) are lines of their own, so the parser meets the
// lines a born-digital table gives. A row label lost by OCR takes its
// number from the row above or its wording from the template's order
// (renumber, templateNext). The lines of a table are marked Lattice:
// Columns leaves them as they are. A page where a row of table 3 has
// not seven numbers under 自然人, or table 4's not fifteen, is laid out
// from its words as before.
func ReadLattices(ctx context.Context, cmd Commander, dir string, clean *image.Gray, dpi int, lats []Lattice, words []Word, page int) ([]Line, error) {
	type cellWords struct {
		lat, cell int
		words     []Word
	}
	var cells []cellWords
	index := map[[2]int]int{}
	for li, l := range lats {
		for ci := range l.Cells {
			index[[2]int{li, ci}] = len(cells)
			cells = append(cells, cellWords{lat: li, cell: ci})
		}
	}
	var outside []Word
	for _, w := range words {
		li, ci, ok := cellAt(lats, w)
		if !ok {
			outside = append(outside, w)
			continue
		}
		k := index[[2]int{li, ci}]
		cells[k].words = append(cells[k].words, w)
	}
	// The number cells: no Chinese (table 4's first column is numbers).
	inset := max(dpi/30, 4)
	var crops []image.Rectangle
	var cropOf []int // index into cells
	for k, cw := range cells {
		c := lats[cw.lat].Cells[cw.cell]
		if isLabel(cw.words) {
			continue
		}
		crops = append(crops, inkBox(clean, c.Box.Inset(inset), dpi))
		cropOf = append(cropOf, k)
	}
	digits, err := ReadDigits(ctx, cmd, dir, clean, crops, page)
	if err != nil {
		return nil, err
	}
	// A cell whose digit reading the page's reading contradicts is read a
	// third time, its crop thresholded on its own (Otsu): a blurred or
	// JPEG page's faint 0 that chi_sim read "oo" or "，" is settled by
	// two readings of three (numberWord).
	again := make([]image.Rectangle, len(crops))
	var disputes int
	for i, k := range cropOf {
		if o, _ := pageReading(cells[k].words, crops[i]); o != "" && !sameReading(o, wordsText(digits[i])) && len(digits[i]) > 0 {
			again[i] = crops[i]
			disputes++
		}
	}
	third := make([][]Word, len(crops))
	if disputes > 0 {
		if third, err = ReadDigits(ctx, cmd, dir, Binarize(clean, again), again, page); err != nil {
			return nil, err
		}
	}
	read := map[int]Word{} // cell index → the number word
	// A grid column is of numbers where no fewer of its cells read as
	// digits than as labels (table 4: one row of numbers under one row of
	// heads): a label the page's reading missed ("5.要求…" read as
	// nothing) is no number because the digit reading found a 5.
	digitN, labelN := map[[2]int]int{}, map[[2]int]int{}
	for _, cw := range cells {
		if c := lats[cw.lat].Cells[cw.cell]; c.ColSpan == 1 && c.RowSpan == 1 && isLabel(cw.words) {
			labelN[[2]int{cw.lat, c.Col}]++
		}
	}
	for i, k := range cropOf {
		cw := cells[k]
		c := lats[cw.lat].Cells[cw.cell]
		w, ok := numberWord(clean, crops[i], digits[i], third[i], cw.words, page)
		if !ok {
			w = Word{
				Page: page, Left: c.Box.Min.X + inset, Top: c.Box.Min.Y + inset,
				Width: max(c.Box.Dx()-2*inset, 1), Height: max(c.Box.Dy()-2*inset, 1),
				PageWidth: clean.Rect.Dx(), PageHeight: clean.Rect.Dy(),
				Text: "0", missing: "该格没有识别出数字",
			}
			if crops[i].Empty() {
				w.missing = "该格空白"
			}
		} else if c.ColSpan == 1 && c.RowSpan == 1 {
			digitN[[2]int{cw.lat, c.Col}]++
		}
		read[k] = w
	}
	isNumber := func(k int) bool {
		w, ok := read[k]
		if !ok {
			return false
		}
		c := lats[cells[k].lat].Cells[cells[k].cell]
		switch {
		case c.RowSpan > 1:
			// A blank spanning rows: a group label's continuation on
			// the next page.
			return false
		case c.ColSpan > 1:
			return w.missing == "" // table 2's one number across its columns
		}
		col := [2]int{cells[k].lat, c.Col}
		return digitN[col] > 0 && digitN[col] >= labelN[col]
	}
	// noise: a cell neither number nor label whose words were read from
	// no dark ink (a grey seal's strokes, lighter than print, which
	// Tesseract's own threshold still saw): no print, so no word of the
	// table's lines.
	noise := func(k int) bool {
		cw := cells[k]
		return !isNumber(k) && len(cw.words) > 0 && !isLabel(cw.words) &&
			inkBox(clean, lats[cw.lat].Cells[cw.cell].Box.Inset(inset), dpi).Empty()
	}
	// hasNumber: lattice, row — a row of numbers: a number was read in it,
	// and no fewer than the labels that start in it or the cells of it
	// where none was. A heading row of 表四 (结果维持 …) that the page's
	// reading lost on a turned page, three of its heads read as digits and
	// seven as nothing, is no row of numbers: counted as one, its three
	// "numbers" against 表四's fifteen sent the page, 表三 with it, to the
	// word boxes.
	numbersIn, othersIn := map[[2]int]int{}, map[[2]int]int{}
	for k, cw := range cells {
		row := [2]int{cw.lat, lats[cw.lat].Cells[cw.cell].Row}
		switch w, ok := read[k]; {
		case isNumber(k) && w.missing == "":
			numbersIn[row]++
		case isLabel(cw.words) || ok && w.missing != "":
			othersIn[row]++
		}
	}
	hasNumber := map[[2]int]bool{}
	for row, n := range numbersIn {
		hasNumber[row] = n >= othersIn[row]
	}
	// A cell of a number column that the page read as words, in a row of
	// numbers, is a number misread (a JPEG-noisy 0 read "和宙"): its crop
	// is read for digits too, and the two readings disagreeing leave it
	// disputed (numberWord), kept only where its row and column sums
	// check it. Taken for a label, it left its row six numbers and sent
	// 表三's page to the word boxes.
	var late []int
	var lateCrops []image.Rectangle
	for k, cw := range cells {
		c := lats[cw.lat].Cells[cw.cell]
		col := [2]int{cw.lat, c.Col}
		if _, ok := read[k]; ok || c.RowSpan != 1 || c.ColSpan != 1 || !hasNumber[[2]int{cw.lat, c.Row}] || digitN[col] == 0 || digitN[col] < labelN[col] {
			continue
		}
		late = append(late, k)
		lateCrops = append(lateCrops, inkBox(clean, c.Box.Inset(inset), dpi))
	}
	if len(late) > 0 {
		ds, err := ReadDigits(ctx, cmd, dir, clean, lateCrops, page)
		if err != nil {
			return nil, err
		}
		for i, k := range late {
			if w, ok := numberWord(clean, lateCrops[i], ds[i], nil, cells[k].words, page); ok {
				read[k] = w
			}
		}
	}
	out := slices.Clone(outside)
	numbering := map[[2]int][2]int{} // lattice, column → the last row numbered and its number
	// rowLabel is a table row's own label: the rightmost cell of the
	// row's height that is no number, and its word in out (-1: none read).
	type rowLabel struct {
		cell Cell
		idx  int
	}
	labels := map[[2]int]rowLabel{}
	for k, cw := range cells {
		c := lats[cw.lat].Cells[cw.cell]
		row := [2]int{cw.lat, c.Row}
		// A table's line: rows by the grid; cells spanning the same rows
		// together (自然人 and 总计 over two header rows: one line, in
		// their order, which the parser reads the columns' order from).
		id := -(1 + cw.lat<<20 + c.Row<<10)
		if c.RowSpan > 1 {
			id = -(1 + cw.lat<<20 + c.Row<<10 + 1 + c.RowSpan)
		}
		if isNumber(k) {
			if hasNumber[row] {
				w := read[k]
				w.line = id
				out = append(out, w)
			}
			continue
		}
		if noise(k) {
			continue
		}
		if c.RowSpan == 1 && hasNumber[row] {
			if l, ok := labels[row]; !ok || l.cell.Col < c.Col {
				labels[row] = rowLabel{cell: c, idx: -1}
			}
		}
		if len(cw.words) == 0 {
			continue
		}
		w := joinWords(cw.words)
		w.line = id
		if c.RowSpan == 1 {
			w.Text = renumber(w.Text, numbering, [2]int{cw.lat, c.Col}, c.Row)
			if l, ok := labels[row]; ok && l.cell == c {
				labels[row] = rowLabel{cell: c, idx: len(out)}
			}
		}
		out = append(out, w)
	}
	// A row label read past recognition (or not at all) right under a
	// row the template knows is the template's next row, where the two
	// agree (templateNext); rows still unknown between two known rows are
	// the template's rows between them, where the template has exactly as
	// many there (templateBetween): the rules fix the rows, the template
	// their order, whatever the OCR made of the label ("和" for
	// 5.要求行政机关确认或重新出具已获取信息 on a blurred page).
	setLabel := func(li, r int, lab rowLabel, wording string) {
		if lab.idx < 0 {
			b := lab.cell.Box.Inset(inset)
			out = append(out, Word{
				Page: page, Left: b.Min.X, Top: b.Min.Y, Width: b.Dx(), Height: b.Dy(),
				PageWidth: clean.Rect.Dx(), PageHeight: clean.Rect.Dy(),
				line: -(1 + li<<20 + r<<10),
			})
			lab.idx = len(out) - 1
			labels[[2]int{li, r}] = lab
		}
		out[lab.idx].Fixed = out[lab.idx].Text
		out[lab.idx].Text = wording
	}
	for li, l := range lats {
		prev := ""
		// known[r]: the template row that row r is ("" unknown); read[r]:
		// its label read as that row (not inferred).
		known, direct := map[int]string{}, map[int]bool{}
		for r := 0; r+1 < len(l.Ys); r++ {
			lab, ok := labels[[2]int{li, r}]
			if !ok {
				prev = ""
				continue
			}
			text := ""
			if lab.idx >= 0 {
				text = out[lab.idx].Text
			}
			if item := templateItem(text); item != "" {
				prev = item
				known[r], direct[r] = item, true
				if utf8.RuneCountInString(itemCore(item)) >= minLabel && normLabel(text) != normLabel(item) && !strings.HasPrefix(normLabel(text), normLabel(item)) {
					// "上本机关不掌握相关政府信息": the wording with a
					// number misread before it is the template's row.
					out[lab.idx].Fixed = text
					out[lab.idx].Text = item
				}
				continue
			}
			next := templateNext(prev, text)
			prev = next
			if next == "" {
				continue
			}
			known[r] = next
			setLabel(li, r, lab, next)
		}
		for r := 1; r+1 < len(l.Ys); r++ {
			if _, ok := labels[[2]int{li, r}]; !ok || known[r] != "" || known[r-1] == "" {
				continue
			}
			end := r // the first row after the unknown ones
			for end+1 < len(l.Ys) && known[end] == "" {
				if _, ok := labels[[2]int{li, end}]; !ok {
					break
				}
				end++
			}
			if !direct[end] {
				continue
			}
			between := templateBetween(known[r-1], known[end], end-r)
			for i, wording := range between {
				known[r+i] = wording
				setLabel(li, r+i, labels[[2]int{li, r + i}], wording)
			}
		}
	}
	// The rules give the columns only where all of them were found: a
	// rule missed (a photo's faint line) merges a column into its
	// neighbour, and every number after it slides one column over — a
	// shift no sum can see, since rows and columns shift together. A row
	// of table 3 has seven numbers, the first under 自然人; table 4's row
	// fifteen. A page whose lattice breaks this is read from its word
	// boxes as before.
	headCol, t4 := map[int]int{}, map[int]bool{}
	for _, cw := range cells {
		text := ""
		for _, w := range cw.words {
			text += w.Text
		}
		c := lats[cw.lat].Cells[cw.cell]
		if strings.Contains(text, "自然") {
			headCol[cw.lat] = c.Col
		}
		if strings.Contains(text, "复议") {
			t4[cw.lat] = true
		}
	}
	count, first := map[[2]int]int{}, map[[2]int]int{}
	for k, cw := range cells {
		c := lats[cw.lat].Cells[cw.cell]
		row := [2]int{cw.lat, c.Row}
		if !isNumber(k) || !hasNumber[row] {
			continue
		}
		if f, ok := first[row]; !ok || c.Col < f {
			first[row] = c.Col
		}
		count[row]++
	}
	// Nor may a row's numbers have words beside them that are neither
	// number nor label (a seal's ink read as a digit in a cell the rules
	// left no number column): the line would hold one number too many.
	// A noise cell is left out of the line, not a reason to leave the
	// lattice.
	for k, cw := range cells {
		c := lats[cw.lat].Cells[cw.cell]
		row := [2]int{cw.lat, c.Row}
		if f, ok := first[row]; ok && c.RowSpan == 1 && c.Col > f && !isNumber(k) && !isLabel(cw.words) && len(cw.words) > 0 && !noise(k) {
			slog.Debug("ocr: lattice cell neither number nor label, page read by word boxes", "page", page, "row", c.Row, "col", c.Col, "span", [2]int{c.RowSpan, c.ColSpan}, "words", joinWords(cw.words).Text)
			return Layout(words), nil
		}
	}
	for row, n := range count {
		lab := labels[row]
		text := ""
		if lab.idx >= 0 {
			text = out[lab.idx].Text
		}
		hc, headed := headCol[row[0]]
		t3Row := templateItem(text) != ""
		if t3Row && (n != 7 || headed && first[row] != hc) || t4[row[0]] && n != 15 {
			slog.Debug("ocr: lattice columns do not fit the table, page read by word boxes", "page", page, "lattice", row[0], "row", row[1], "numbers", n, "label", text)
			return Layout(words), nil
		}
	}
	lines := Layout(out)
	for i, l := range lines {
		lines[i].Lattice = len(l.Words) > 0 && l.Words[0].line < 0
	}
	return lines, nil
}

// cellAt finds the lattice cell a word's centre is in.
func cellAt(lats []Lattice, w Word) (lat, cell int, ok bool) {
	p := image.Pt(w.Left+w.Width/2, w.Top+w.Height/2)
	for li, l := range lats {
		if !p.In(l.Bounds()) {
			continue
		}
		for ci, c := range l.Cells {
			if p.In(c.Box) {
				return li, ci, true
			}
		}
	}
	return 0, 0, false
}

// isLabel tells a cell whose words hold two Chinese characters or more
// (〇 excepted, a zero): one may be a digit misread (1 as 工). 一 is
// excepted too: it is what Tesseract makes of a level stroke — a grey
// seal's star across a cell of 0 read "一一" sent 表三's page to the word
// boxes — and no row label is made of it alone.
func isLabel(ws []Word) bool {
	n := 0
	for _, w := range ws {
		for _, r := range w.Text {
			if unicode.Is(unicode.Han, r) && r != '〇' && r != '一' {
				n++
			}
		}
	}
	return n >= 2
}

// joinWords makes one word of a cell's words in reading order (text line,
// then left to right), its box their union and its confidence the least.
func joinWords(ws []Word) Word {
	ws = slices.Clone(ws)
	slices.SortStableFunc(ws, func(a, b Word) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.Left - b.Left
	})
	out := ws[0]
	var sb strings.Builder
	box := image.Rect(ws[0].Left, ws[0].Top, ws[0].Left+ws[0].Width, ws[0].Top+ws[0].Height)
	for _, w := range ws {
		sb.WriteString(w.Text)
		box = box.Union(image.Rect(w.Left, w.Top, w.Left+w.Width, w.Top+w.Height))
		out.Conf = min(out.Conf, w.Conf)
	}
	out.Text = sb.String()
	out.Left, out.Top, out.Width, out.Height = box.Min.X, box.Min.Y, box.Dx(), box.Dy()
	return out
}

// inkBox is the box of the ink in r (pixels darker than dark), padded
// a little, or an empty rectangle where there is none worth reading: a
// speck of a scan or JPEG noise is not a digit (less than a twelfth of an
// inch tall, or a handful of pixels).
func inkBox(g *image.Gray, r image.Rectangle, dpi int) image.Rectangle {
	r = r.Intersect(g.Rect)
	box := image.Rectangle{}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g.Pix[(y-g.Rect.Min.Y)*g.Stride+x-g.Rect.Min.X] < dark {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if n < max(dpi/25, 4) || box.Dy() < dpi/24 {
		return image.Rectangle{}
	}
	pad := max(dpi/50, 2)
	return image.Rect(box.Min.X-pad, box.Min.Y-pad, box.Max.X+pad, box.Max.Y+pad).Intersect(r)
}

// numberWord is the word of a number cell: the digits read from its crop,
// with the box of its ink. The page's own reading of the cell (chi_sim,
// its digit confusions fixed) is a second opinion: the same number keeps
// the better confidence, a different one (or none) leaves the digits
// under Threshold — a rule must confirm them — and where the digit
// reading found nothing the cell is unread (ok false). Where the two
// differ, the crop's third reading (third, thresholded on its own)
// agreeing with the digits settles it to an unsure reading: under
// CheckThreshold, so one sum must check it or it is flagged.
func numberWord(g *image.Gray, box image.Rectangle, d, third []Word, page []Word, n int) (Word, bool) {
	if box.Empty() || len(d) == 0 {
		return Word{}, false
	}
	conf := 100.0
	for _, w := range d {
		conf = min(conf, w.Conf)
	}
	w := Word{
		Page: n, Left: box.Min.X, Top: box.Min.Y, Width: box.Dx(), Height: box.Dy(),
		PageWidth: g.Rect.Dx(), PageHeight: g.Rect.Dy(), Conf: conf, Text: wordsText(d),
	}
	o, otherConf := pageReading(page, box)
	switch {
	case o == w.Text:
		w.Conf = max(w.Conf, otherConf)
	case sameReading(o, w.Text):
		// "00" for a zero: the same reading.
	case o == "":
		// The page's reading missed the cell, or boxed it with its
		// neighbours (a run of zeros as one word): no second opinion, so
		// a cell no rule checks is for a person to check.
		w.Conf = min(w.Conf, CheckThreshold-1)
	case len(third) > 0 && wordsText(third) == w.Text:
		w.Fixed = "整页识别为“" + o + "”，单格两次识别为“" + w.Text + "”"
		for _, t := range third {
			w.Conf = min(w.Conf, t.Conf)
		}
		w.Conf = min(w.Conf, CheckThreshold-1)
	default:
		w.Conf = min(w.Conf, Threshold-1)
		w.disputed = true
		w.Fixed = "整页识别为“" + o + "”，单格识别为“" + w.Text + "”"
	}
	return w, true
}

// wordsText is the words' texts run together.
func wordsText(ws []Word) string {
	var sb strings.Builder
	for _, w := range ws {
		sb.WriteString(w.Text)
	}
	return sb.String()
}

// sameReading tells two readings of a cell alike: equal, or both zeros
// ("00" for a zero).
func sameReading(a, b string) bool {
	return a == b || a != "" && b != "" && strings.Trim(a, "0") == "" && strings.Trim(b, "0") == ""
}

// pageReading is the page's own reading of a number cell (its words,
// left to right, their digit confusions fixed) and its least confidence;
// a word boxed across its neighbours (a run of zeros) is not the cell's.
func pageReading(page []Word, box image.Rectangle) (string, float64) {
	var other strings.Builder
	conf := 100.0
	page = slices.Clone(page)
	slices.SortFunc(page, func(a, b Word) int { return a.Left - b.Left })
	for _, p := range page {
		if p.Width > 2*box.Dx() {
			continue
		}
		other.WriteString(fixDigits(&p))
		conf = min(conf, p.Conf)
	}
	return other.String(), conf
}

// Binarize is a copy of g with each box thresholded on its own (Otsu's
// threshold of the box's pixels): ink black, paper white, whatever the
// blur, the JPEG's ringing or the light did to that cell's grey.
func Binarize(g *image.Gray, boxes []image.Rectangle) *image.Gray {
	out := Gray(g)
	for _, b := range boxes {
		b = b.Intersect(out.Rect)
		if b.Empty() {
			continue
		}
		var hist [256]int
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for _, v := range out.Pix[y*out.Stride+b.Min.X : y*out.Stride+b.Max.X] {
				hist[v]++
			}
		}
		t := otsu(hist)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := out.Pix[y*out.Stride+b.Min.X : y*out.Stride+b.Max.X]
			for x, v := range row {
				if v <= t {
					row[x] = 0
				} else {
					row[x] = 0xff
				}
			}
		}
	}
	return out
}

// otsu is the grey level that best splits a histogram in two (the
// largest between-class variance): pixels at or under it are ink.
func otsu(hist [256]int) uint8 {
	total, sum := 0, 0.0
	for v, n := range hist {
		total += n
		sum += float64(v * n)
	}
	best, bestVar := uint8(0), -1.0
	w0, sum0 := 0, 0.0
	for t := 0; t < 255; t++ {
		w0 += hist[t]
		sum0 += float64(t * hist[t])
		w1 := total - w0
		if w0 == 0 || w1 == 0 {
			continue
		}
		m0, m1 := sum0/float64(w0), (sum-sum0)/float64(w1)
		if v := float64(w0) * float64(w1) * (m0 - m1) * (m0 - m1); v > bestVar {
			best, bestVar = uint8(t), v
		}
	}
	return best
}

// ReadDigits reads the digits in each box of img (an empty box reads
// nothing) with one Tesseract run: the boxes' crops are set out on a white
// montage, apart by more than a digit's height so that no two join into a
// word, and read with a digit whitelist. The words come back per box, left
// to right, with their boxes on the montage (only Text and Conf matter).
func ReadDigits(ctx context.Context, cmd Commander, dir string, img *image.Gray, boxes []image.Rectangle, page int) ([][]Word, error) {
	out := make([][]Word, len(boxes))
	var hs []int
	for _, b := range boxes {
		if !b.Empty() {
			hs = append(hs, b.Dy())
		}
	}
	if len(hs) == 0 {
		return out, nil
	}
	sort.Ints(hs)
	med := hs[len(hs)/2]
	// Tesseract drops a lone digit much under 30 pixels tall as noise: the
	// crops are enlarged to about digitHeight (a 10.5 pt digit is 22
	// pixels at 200 DPI, 16 at 150).
	scale := min(max(float64(digitHeight)/float64(med), 1), 3)
	h0 := int(float64(med)*scale + 0.5)
	// Crops closer than a few digits' height are taken for one word.
	gap := max(h0, 20)
	hgap := montageGap * h0
	type placed struct {
		i      int
		at, sz image.Point
	}
	// Crops one a line: set side by side, even three heights apart, the
	// crops of a 150 DPI page were read as one word of 22 digits. Only a
	// page of more cells than fit Tesseract's 32767 pixels in height gets
	// rows of several, as tall as their tallest crop.
	var ps []placed
	var width, height, right int
	for width = montageWidth; ; width *= 2 {
		ps, right = ps[:0], 0
		x, y, rowH := gap, gap, 0
		var row []int // indexes into ps of the current row
		endRow := func() {
			for _, k := range row {
				ps[k].at.Y = y + (rowH-ps[k].sz.Y)/2
			}
			y += rowH + gap
			row, rowH = row[:0], 0
		}
		for i, b := range boxes {
			// Ink taller than three digits or wider than fifteen is no
			// number of one line (a seal, a scribble): left unread.
			if b.Empty() || b.Dy() > 3*med || b.Dx() > 15*med {
				continue
			}
			sz := image.Pt(int(float64(b.Dx())*scale+0.5), int(float64(b.Dy())*scale+0.5))
			if x > gap && x+sz.X > width {
				endRow()
				x = gap
			}
			row = append(row, len(ps))
			ps = append(ps, placed{i: i, at: image.Pt(x, 0), sz: sz})
			rowH = max(rowH, sz.Y)
			x += sz.X + hgap
			right = max(right, x)
		}
		endRow()
		height = y
		if height <= maxMontage || width >= maxMontage {
			break
		}
	}
	if height > maxMontage || len(ps) == 0 {
		return out, nil // nothing Tesseract could take: the cells stay unread
	}
	m := image.NewGray(image.Rect(0, 0, right, height))
	for i := range m.Pix {
		m.Pix[i] = 0xff
	}
	slots := make([]image.Rectangle, len(ps))
	slotOf := make([]int, len(ps))
	for k, p := range ps {
		b := boxes[p.i]
		for dy := 0; dy < p.sz.Y; dy++ {
			for dx := 0; dx < p.sz.X; dx++ {
				m.Pix[(p.at.Y+dy)*m.Stride+p.at.X+dx] = sample(img, b, float64(dx)/scale, float64(dy)/scale)
			}
		}
		slots[k] = image.Rectangle{Min: p.at.Sub(image.Pt(hgap/2, gap/2)), Max: p.at.Add(p.sz).Add(image.Pt(hgap/2, gap/2))}
		slotOf[k] = p.i
	}
	name := filepath.Join(dir, fmt.Sprintf("digits-%d.pgm", page))
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := EncodePGM(f, m); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	words, err := tesseract(ctx, cmd, "tesseract (digits)", name, page, "-l", digitLang(), "--psm", "6", "-c", "tessedit_char_whitelist=0123456789.")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(words, func(a, b Word) int { return a.Left - b.Left })
	for _, w := range words {
		p := image.Pt(w.Left+w.Width/2, w.Top+w.Height/2)
		for k, s := range slots {
			if p.In(s) {
				out[slotOf[k]] = append(out[slotOf[k]], w)
				break
			}
		}
	}
	return out, nil
}

var (
	digitLangOnce sync.Once
	digitLangName = "chi_sim"
)

// digitLang is the model the digit crops are read with: eng where
// installed (tesseract-ocr-eng, a dependency of tesseract-ocr on Debian),
// else chi_sim, which reads digits too.
func digitLang() string {
	digitLangOnce.Do(func() {
		bin, err := exec.LookPath("tesseract")
		if err != nil {
			return
		}
		out, err := exec.Command(bin, "--list-langs").CombinedOutput()
		if err == nil && bytes.Contains(out, []byte("\neng\n")) {
			digitLangName = "eng"
		}
	})
	return digitLangName
}

// renumber gives back a row's item number Tesseract lost ("4.保护第三方…"
// read ".保护第三方…"): the items of a group are numbered 1, 2, 3 down
// their column, so a label starting with its dot right under item n is
// item n+1. Labels that keep their number are remembered in numbering.
func renumber(text string, numbering map[[2]int][2]int, col [2]int, row int) string {
	n := 0
	i := 0
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		n = n*10 + int(text[i]-'0')
		i++
	}
	if i > 0 && i < len(text) && text[i] == '.' {
		numbering[col] = [2]int{row, n}
		return text
	}
	last, ok := numbering[col]
	if i == 0 && strings.HasPrefix(text, ".") && ok && last[0] == row-1 {
		numbering[col] = [2]int{row, last[1] + 1}
		return strconv.Itoa(last[1]+1) + text
	}
	return text
}

// digitHeight is the height in pixels the digit crops are enlarged to,
// and montageWidth the width of the montage's rows (doubled until the
// montage is at most maxMontage tall).
const (
	digitHeight  = 36
	montageWidth = 1 // one crop a line
	// maxMontage is under Tesseract's largest image side (32767).
	maxMontage = 30000
)

// montageGap is the space between two crops on a montage row, in crop
// heights.
var montageGap = 3

// sample is the grey of img at (fx, fy) inside box b, bilinear.
func sample(img *image.Gray, b image.Rectangle, fx, fy float64) uint8 {
	x0, y0 := int(fx), int(fy)
	ax, ay := fx-float64(x0), fy-float64(y0)
	at := func(x, y int) float64 {
		x, y = min(b.Min.X+x, b.Max.X-1), min(b.Min.Y+y, b.Max.Y-1)
		return float64(img.Pix[(y-img.Rect.Min.Y)*img.Stride+x-img.Rect.Min.X])
	}
	v := (at(x0, y0)*(1-ax)+at(x0+1, y0)*ax)*(1-ay) + (at(x0, y0+1)*(1-ax)+at(x0+1, y0+1)*ax)*ay
	return uint8(v + 0.5)
}
