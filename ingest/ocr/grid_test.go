package ocr

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/report"
)

// The page of these tests: table 3's seven columns centred at 907, 987 …
// 1387 px (a digit 14 px wide, 80 px apart, as on the 洪泽区 scans at
// 200 DPI), the header's 自然人 over the first and 总计 over the last.
const (
	col0  = 900
	pitch = 80
)

// rowWords is a table-3 row on Tesseract line n: its label at x=200 and a
// word per entry of cells, each at its column (a "" leaves the column
// empty); extra words are added as given.
func rowWords(n int, label string, cells []string, extra ...Word) []Word {
	ws := []Word{{Page: 3, Left: 200, Top: 100 * n, Width: 30 * len([]rune(label)), Height: 24, Conf: 90, Text: label, line: n}}
	for k, c := range cells {
		if c == "" {
			continue
		}
		ws = append(ws, Word{Page: 3, Left: col0 + k*pitch, Top: 100 * n, Width: 14 * len(c), Height: 24, Conf: 90, Text: c, line: n})
	}
	for _, e := range extra {
		e.Page, e.Top, e.Height, e.Conf, e.line = 3, 100*n, 24, 90, n
		ws = append(ws, e)
	}
	return ws
}

func header() []Word {
	return []Word{
		{Page: 3, Left: 880, Top: 40, Width: 50, Height: 24, Conf: 80, Text: "自然", line: 0},
		{Page: 3, Left: 932, Top: 40, Width: 25, Height: 24, Conf: 80, Text: "人", line: 0},
		{Page: 3, Left: 1370, Top: 40, Width: 50, Height: 24, Conf: 80, Text: "总计", line: 0},
	}
}

// cellsOf gives the numbers of a laid-out line after its label, and
// which of them stand in for a cell no word was read for.
func cellsOf(l Line) (texts []string, missing []int) {
	for _, p := range l.Words {
		if isCount(p) && p.Left >= col0-pitch {
			if p.Missing() != "" {
				missing = append(missing, len(texts))
			}
			texts = append(texts, p.Text)
		}
	}
	return texts, missing
}

// TestColumns rebuilds rows of table 3 from their words' boxes: a full
// row stays as laid out; a missed zero, a word that is no number and a
// run glued across columns with more digits than columns cost one cell
// (or the columns it covers) each; a zero read twice in one cell is one
// zero; digits glued across as many columns as digits are split.
func TestColumns(t *testing.T) {
	zero7 := []string{"0", "0", "0", "0", "0", "0", "0"}
	cases := []struct {
		name    string
		words   []Word
		want    string // the row's seven cells
		missing []int  // the columns read as missing
		rebuilt bool
	}{
		{"full row", rowWords(1, "予以公开", []string{"9", "0", "0", "0", "0", "0", "9"}), "9 0 0 0 0 0 9", nil, false},
		{"zero missed", rowWords(1, "予以公开", []string{"9", "0", "", "0", "0", "0", "9"}), "9 0 0 0 0 0 9", []int{2}, true},
		{"zero doubled", rowWords(1, "予以公开", []string{"9", "0", "0", "0", "0", "0", "9"},
			Word{Left: col0 + 2*pitch + 20, Width: 14, Text: "0"}), "9 0 0 0 0 0 9", nil, true},
		{"two numbers in a cell", rowWords(1, "予以公开", []string{"9", "0", "0", "0", "0", "0", "9"},
			Word{Left: col0 + 20, Width: 14, Text: "3"}), "0 0 0 0 0 0 9", []int{0}, true},
		{"no number", rowWords(1, "予以公开", []string{"1", "0", "0", "0", "0", "0", "工"}), "1 0 0 0 0 0 0", []int{6}, true},
		{"glued across", rowWords(1, "部分公开", []string{"", "", "", "", "", "", "4"},
			Word{Left: col0, Width: 5*pitch + 14, Text: "400000"}), "4 0 0 0 0 0 4", nil, true},
		{"glued, digits short", rowWords(1, "部分公开", []string{"", "", "", "0", "0", "0", "4"},
			Word{Left: col0, Width: 2*pitch + 14, Text: "40"}), "0 0 0 0 0 0 4", []int{0, 1, 2}, true},
		{"too few columns read", rowWords(1, "部分公开", []string{"", "", "", "", "0", "0", "4"},
			Word{Left: col0, Width: 3*pitch + 14, Text: "40"}), "40 0 0 4", nil, false},
		{"zeros with specks", rowWords(1, "部分公开", []string{"4", "", "", "", "", "", "4"},
			Word{Left: col0 + pitch, Width: 4*pitch + 14, Text: "0.00.0.0"}), "4 0 0 0 0 0 4", nil, true},
	}
	for _, c := range cases {
		words := append(header(), rowWords(2, "本年新收", []string{"9", "0", "0", "0", "0", "0", "9"})...)
		words = append(words, rowWords(3, "上年结转", zero7)...)
		for i := range c.words {
			c.words[i].Top += 300
			c.words[i].line = 4
		}
		words = append(words, c.words...)
		lines := Columns(Layout(words))
		if len(lines) != 4 {
			t.Fatalf("%s: %d lines, want 4: %+v", c.name, len(lines), lines)
		}
		row := lines[3]
		got, missing := cellsOf(row)
		if strings.Join(got, " ") != c.want || !slices.Equal(missing, c.missing) {
			t.Errorf("%s: %q, cells %q missing %v; want %q missing %v", c.name, row.Text, got, missing, c.want, c.missing)
		}
		// The parser sees seven cells, at least two spaces apart.
		if f := strings.Fields(row.Text[strings.Index(row.Text, "公开")+len("公开"):]); c.rebuilt && len(f) != 7 {
			t.Errorf("%s: %q has %d cells after its label", c.name, row.Text, len(f))
		}
		if rebuilt := row.Text != Layout(words)[3].Text; rebuilt != c.rebuilt {
			t.Errorf("%s: rebuilt %v, want %v (%q)", c.name, rebuilt, c.rebuilt, row.Text)
		}
		for _, p := range row.Words {
			if r := []rune(row.Text); string(r[p.At:p.At+len([]rune(p.Text))]) != p.Text {
				t.Errorf("%s: word %q placed at %d, the line has %q there", c.name, p.Text, p.At, string(r[p.At:]))
			}
		}
	}
}

// TestColumnsNeedsGrid: without a full row the columns are unknown and a
// short row is left to the parser; a header that stands elsewhere than
// the full rows' columns is no header of this grid.
func TestColumnsNeedsGrid(t *testing.T) {
	words := append(header(), rowWords(2, "本年新收", []string{"9", "0", "", "0", "0", "0", "9"})...)
	lines := Layout(words)
	if got := Columns(lines); got[1].Text != lines[1].Text {
		t.Errorf("no full row, yet rebuilt: %q", got[1].Text)
	}
	moved := header()
	moved[2].Left = 1100 // 总计 over the fourth column
	words = append(moved, rowWords(2, "本年新收", []string{"9", "0", "0", "0", "0", "0", "9"})...)
	words = append(words, rowWords(3, "上年结转", []string{"9", "0", "", "0", "0", "0", "9"})...)
	lines = Layout(words)
	if got := Columns(lines); got[2].Text != lines[2].Text {
		t.Errorf("header off the columns, yet rebuilt: %q", got[2].Text)
	}
}

func TestFixLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"5.届于三类内部事务信息    0  0", "5.属于三类内部事务信息    0  0"},
		{"7.属于行政执法案郑   1", "7.属于行政执法案卷   1"},
		{"7.属于行政执法案卷   1", "7.属于行政执法案卷   1"},
		{"2.重夏申请   0", "2.重夏申请   0"},         // too short to tell
		{"7.届于行政执法案郑   1", "7.届于行政执法案郑   1"}, // two off
	} {
		var words []Placed
		for _, f := range strings.Fields(c.in) {
			// At is a rune offset.
			words = append(words, Placed{Word: Word{Text: f}, At: len([]rune(c.in[:strings.Index(c.in, f)]))})
		}
		got := fixLabel(Line{Text: c.in, Words: words})
		if got.Text != c.want {
			t.Errorf("fixLabel(%q) = %q, want %q", c.in, got.Text, c.want)
		}
		if got.Text != c.in && got.Words[0].Fixed != strings.Fields(c.in)[0] {
			t.Errorf("fixLabel(%q): the mended word keeps %q, want what was read", c.in, got.Words[0].Fixed)
		}
	}
}

// table3 is a consistent 2021 table 3: 9 requests from natural persons,
// all granted; every cell on a line of its own, read from one word
// (words[i] for line i+1).
func table3() (*report.Report, [][]Placed) {
	r := report.New("scan.pdf")
	r.Edition = report.Edition2021
	var words [][]Placed
	for _, row := range report.T3Rows {
		if row.Code == "other" {
			continue
		}
		for _, col := range report.T3Columns {
			v := 0.0
			if (row.Code == "new" || row.Code == "granted" || row.Code == "total") && (col == "natural" || col == "total") {
				v = 9
			}
			raw := fmtInt(v)
			words = append(words, []Placed{{Word: Word{Page: 3, Left: 900, Top: 10 * len(words), Width: 14, Height: 24, Conf: 90, Text: raw}}})
			r.Set(string(report.T3(row.Code, col)), v, report.Source{Line: len(words), Raw: raw})
		}
	}
	return r, words
}

// setRead makes a cell read as raw from a word (missing: a column no word
// was read for, "0").
func setRead(r *report.Report, words [][]Placed, code, raw, missing string) {
	src := r.Sources[code]
	v := 0.0
	for _, c := range raw {
		v = 10*v + float64(c-'0')
	}
	src.Raw = raw
	r.Set(code, v, src)
	words[src.Line-1][0].Text = raw
	words[src.Line-1][0].missing = missing
	if missing != "" {
		words[src.Line-1][0].Conf = 0
	}
}

// TestMarkColumns: a cell no word was read for stays 0 only where its row
// and its column sum with 0; otherwise it is unread, and the rules are
// computed without it. A digit read that is not printed ("929" for 9) is
// mended only where the row and the column both give the value.
func TestMarkColumns(t *testing.T) {
	named := func(r *report.Report, code, rule string) bool {
		for _, f := range r.Findings {
			if f.Rule == rule && strings.Contains(strings.Join(f.Cells, " "), code) {
				return true
			}
		}
		return false
	}
	const granted0, natural = "t3.granted.commercial", "t3.granted.natural"

	r, words := table3()
	setRead(r, words, granted0, "0", "该格没有识别出数字")
	report.Check(r)
	Mark(r, words)
	if v, ok := r.Cells[granted0]; !ok || v != 0 || named(r, granted0, RuleUncertain) || !strings.Contains(r.Sources[granted0].Note, "按0计") {
		t.Errorf("missing zero the sums fix: %v %v, note %q, findings %+v", v, ok, r.Sources[granted0].Note, r.Findings)
	}

	r, words = table3()
	setRead(r, words, natural, "0", "识别为“工”")
	report.Check(r)
	Mark(r, words)
	if r.Has(natural) || !named(r, natural, RuleUncertain) {
		t.Errorf("missing 9 read as 0: kept %v, findings %+v", r.Cells[natural], r.Findings)
	}
	if named(r, natural, report.RuleApplicants) || named(r, natural, report.RuleResults) {
		t.Errorf("rules not computed again without the missing cell: %+v", r.Findings)
	}

	// A cell whose row and column both lack a cell is checked by no rule:
	// read under CheckThreshold, it is flagged like a cell of 表二.
	r, words = table3()
	const research = "t3.granted.research"
	words[r.Sources[research].Line-1][0].Conf = 60
	delete(r.Cells, "t3.granted.total")
	delete(r.Cells, "t3.total.research")
	report.Check(r)
	Mark(r, words)
	if !r.Has(research) || !named(r, research, RuleUncertain) {
		t.Errorf("an unchecked cell at 60%%: kept %v, findings %+v", r.Has(research), r.Findings)
	}

	// 9 read as 3 in both 自然人 and 总计 of a row with one nonzero cell:
	// its row sum holds (3 = 3) and checks nothing; with the column
	// short, both are flagged.
	r, words = table3()
	for _, code := range []string{natural, "t3.granted.total"} {
		setRead(r, words, code, "3", "")
		words[r.Sources[code].Line-1][0].Conf = 70
	}
	delete(r.Cells, "t3.denied.state_secret.natural")
	delete(r.Cells, "t3.denied.state_secret.total")
	report.Check(r)
	Mark(r, words)
	if !named(r, natural, RuleUncertain) || !named(r, "t3.granted.total", RuleUncertain) {
		t.Errorf("3 = 3 for 9 = 9 taken as checked: findings %+v", r.Findings)
	}

	for _, c := range []struct {
		raw    string
		mended bool
	}{{"929", true}, {"99", true}, {"35", false}, {"8", false}} {
		r, words = table3()
		setRead(r, words, natural, c.raw, "")
		report.Check(r)
		Mark(r, words)
		v := r.Cells[natural]
		switch {
		case c.mended && (v != 9 || named(r, natural, report.RuleApplicants) || !strings.Contains(r.Sources[natural].Note, "原识别为“"+c.raw+"”")):
			t.Errorf("%q not mended to 9: %v, note %q, findings %+v", c.raw, v, r.Sources[natural].Note, r.Findings)
		case !c.mended && (v == 9 || !named(r, natural, report.RuleApplicants)):
			t.Errorf("%q mended to %v or not flagged: findings %+v", c.raw, v, r.Findings)
		}
	}
}

// table4.tsv is Tesseract's output for table 4 of the scanned 洪泽区 2023
// report (rasterised at 200 DPI, read back at 200 DPI, lines erased), and
// the last row of table 3 above it. The row prints 10 1 0 0 0 | 0 0 0 0 0
// | 5 0 0 0 0 and was read "l10 1 0 0 .00000000 05 0 .0 0 0", the zeros'
// box (confidence 0) running from the fifth column to the last, over the
// words read there.
func readTable4(t *testing.T) []Word {
	t.Helper()
	b, err := os.ReadFile("testdata/table4.tsv")
	if err != nil {
		t.Fatal(err)
	}
	words, err := ParseTSV(bytes.NewBuffer(b), 4)
	if err != nil {
		t.Fatal(err)
	}
	return words
}

// t4Row is the cells of a rebuilt line of table 4 and the columns read
// as missing.
func t4Row(l Line) (cells []string, missing []int) {
	for _, p := range l.Words {
		if isCount(p) {
			if p.Missing() != "" {
				missing = append(missing, len(cells))
			}
			cells = append(cells, p.Text)
		}
	}
	return cells, missing
}

// TestColumnsTable4 rebuilds table 4's row of the 洪泽区 2023 scan by
// columns from its header: fifteen cells in order, the glued "05" split
// at the pitch; the zero run covers five columns no other word holds but
// reads eight zeros, so those five are missing (Mark leaves them unread)
// — the row keeps its other ten cells.
func TestColumnsTable4(t *testing.T) {
	words := readTable4(t)
	laid := Layout(words)
	lines := Columns(laid)
	var row Line
	for i, l := range lines {
		if strings.Contains(l.Text, "五") {
			break
		}
		if len(numbers(l)) > len(numbers(row)) && i > 0 {
			row = l
		}
	}
	got, missing := t4Row(row)
	if want := "110 1 0 0 0 0 0 0 0 0 5 0 0 0 0"; strings.Join(got, " ") != want || !slices.Equal(missing, []int{4, 5, 6, 7, 8}) {
		t.Fatalf("row %q: cells %q missing %v, want %q", row.Text, got, missing, want)
	}
	if f := strings.Fields(row.Text); len(f) != t4Width {
		t.Errorf("%q: %d fields, want 15 for the parser", row.Text, len(f))
	}
	for _, p := range row.Words {
		if r := []rune(row.Text); string(r[p.At:p.At+len([]rune(p.Text))]) != p.Text {
			t.Errorf("word %q placed at %d, the line has %q there", p.Text, p.At, string(r[p.At:]))
		}
	}
	// Table 3's last row, above the heading, is not table 4's.
	if lines[0].Text != laid[0].Text {
		t.Errorf("table 3's row changed: %q", lines[0].Text)
	}
}

// TestTable4Grid: table 4's header gives its grid only when its heading
// words are there and the row's numbers stand under them; a full row is
// left as read.
func TestTable4Grid(t *testing.T) {
	const left, step = 240, 80 // column k centred at left+k*step
	heading := []Word{{Page: 4, Left: 700, Top: 20, Width: 300, Height: 24, Conf: 90, Text: "行政复议行政诉讼", line: 0}}
	header := func() []Word {
		var ws []Word
		for k := range t4Width {
			text := []string{"结果", "结果", "其他", "尚未", "总计"}[k%5]
			ws = append(ws, Word{Page: 4, Left: left + k*step - 25, Top: 60, Width: 50, Height: 24, Conf: 90, Text: text, line: 1})
		}
		return ws
	}
	row := func(cells ...string) []Word {
		var ws []Word
		for k, c := range cells {
			if c == "" {
				continue
			}
			ws = append(ws, Word{Page: 4, Left: left + k*step - 7, Top: 120, Width: 14 * len(c), Height: 24, Conf: 90, Text: c, line: 2})
		}
		return ws
	}
	glued := Word{Page: 4, Left: left + 4*step - 7, Top: 120, Width: 4*step + 14, Height: 24, Conf: 40, Text: "00000", line: 2}
	cases := []struct {
		name    string
		words   []Word
		want    string
		missing []int
	}{
		{"full row", append(header(), row("1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "2", "0", "1", "0", "3")...),
			"1 0 0 0 1 0 0 0 0 0 2 0 1 0 3", nil},
		{"zero missed", append(header(), row("1", "0", "0", "0", "1", "0", "", "0", "0", "0", "2", "0", "1", "0", "3")...),
			"1 0 0 0 1 0 0 0 0 0 2 0 1 0 3", []int{6}},
		{"zeros glued", append(header(), append(row("1", "0", "0", "0", "", "", "", "", "", "0", "2", "0", "1", "0", "3"), glued)...),
			"1 0 0 0 0 0 0 0 0 0 2 0 1 0 3", nil},
		{"no header", row("1", "0", "0", "0", "1", "0", "", "0", "0", "0", "2", "0", "1", "0", "3"),
			"1 0 0 0 1 0 0 0 0 2 0 1 0 3", nil},
		{"header wider than the row", append(header(), append(row("1", "1", "0", "0", "2", "1", "", "", "", "1", "", "", "1", "0", "3"),
			Word{Page: 4, Left: left + 6*step - 7, Top: 120, Width: 2*step + 14, Height: 24, Conf: 60, Text: "000", line: 2},
			Word{Page: 4, Left: left + 10*step - 7, Top: 120, Width: step + 14, Height: 24, Conf: 60, Text: "20", line: 2})...),
			"1 1 0 0 2 1 0 0 0 1 2 0 1 0 3", nil},
		{"heading words short", append(header()[:14], row("1", "0", "0", "0", "1", "0", "", "0", "0", "0", "2", "0", "1", "0", "3")...),
			"1 0 0 0 1 0 0 0 0 2 0 1 0 3", nil},
		{"row off the header", append(header(), row("1", "0", "0", "0", "1", "0", "", "0", "0", "0", "2", "0", "1", "0", "3")...),
			"1 0 0 0 1 0 0 0 0 2 0 1 0 3", nil},
	}
	for _, c := range cases {
		for i := range c.words {
			if c.words[i].line == 2 && c.name == "row off the header" {
				c.words[i].Left += step / 2 // between the header's columns
			}
			if c.words[i].line == 1 && c.name == "header wider than the row" {
				// Heading words 3 % further apart than the row's columns
				// (as on 洪泽区 2024 at 150 DPI): the row's "000", split
				// in three by its box, falls one to a column only on the
				// columns the row's numbers give.
				c.words[i].Left = int(float64(c.words[i].Left+25-left)*1.03) + left - 25
			}
		}
		lines := Columns(Layout(append(slices.Clone(heading), c.words...)))
		got, missing := t4Row(lines[len(lines)-1])
		if strings.Join(got, " ") != c.want || !slices.Equal(missing, c.missing) {
			t.Errorf("%s: %q, cells %q missing %v; want %q missing %v", c.name, lines[len(lines)-1].Text, got, missing, c.want, c.missing)
		}
	}
}

// TestMarkTable4Missing: a cell of 表四 no word was read for is unread
// even where its group's total holds with 0 — the total is its one sum,
// and a printed total may itself be wrong (洪泽区 2023: 5 0 0 0 总计 0) —
// and the finding names 表四.
func TestMarkTable4Missing(t *testing.T) {
	r := report.New("scan.pdf")
	var words [][]Placed
	vals := []float64{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0}
	i := 0
	for c := range report.T4Codes() {
		v := vals[i]
		raw := fmtInt(v)
		w := Word{Page: 4, Left: 240 + 80*i, Top: 100, Width: 14, Height: 24, Conf: 90, Text: raw}
		if c == report.T4("litigation_after", "upheld") {
			// Not read: Columns put in "0".
			v, raw = 0, "0"
			w.Text, w.Conf, w.missing = raw, 0, "该格没有识别出数字"
		}
		words = append(words, []Placed{{Word: w}})
		r.Set(string(c), v, report.Source{Line: len(words), Raw: raw})
		i++
	}
	report.Check(r)
	Mark(r, words)
	const lost = "t4.litigation_after.upheld"
	if r.Has(lost) {
		t.Errorf("a missing cell of 表四 kept as %v", r.Cells[lost])
	}
	found := false
	for _, f := range r.Findings {
		if f.Rule == RuleUncertain && slices.Contains(f.Cells, lost) && strings.Contains(f.Message, "表四") {
			found = true
		}
	}
	if !found {
		t.Errorf("no finding names the unread cell of 表四: %+v", r.Findings)
	}
	if !r.Has("t4.reconsideration.upheld") || r.Cells["t4.reconsideration.upheld"] != 1 {
		t.Errorf("a read cell of a consistent group lost: %v", r.Cells)
	}
}
