package ocr

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/report"
)

// rows.tsv is Tesseract's output for two rows of 表三 of the scanned
// 洪泽区 2024 report at 200 DPI, lines erased: 本年新收 (95 0 0 0 0 0 95) and
// 属于四类过程性信息 (1 0 0 0 0 0 1) where Tesseract joined three columns'
// zeros into one word "000".
func readFixture(t *testing.T) []Word {
	t.Helper()
	b, err := os.ReadFile("testdata/rows.tsv")
	if err != nil {
		t.Fatal(err)
	}
	words, err := ParseTSV(bytes.NewBuffer(b), 3)
	if err != nil {
		t.Fatal(err)
	}
	return words
}

func TestParseTSV(t *testing.T) {
	words := readFixture(t)
	if len(words) != 32 {
		t.Fatalf("%d words, want 32 (level-5 rows of the fixture)", len(words))
	}
	w := words[11]
	if w.Text != "95" || w.Left != 887 || w.Top != 1398 || w.Page != 3 || w.Conf < 75 || w.Conf > 76 {
		t.Errorf("word 12 = %+v, want 95 at (887,1398) on page 3, confidence 75.7", w)
	}
	page := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t91.5\t95\n"
	if ws, err := ParseTSV(bytes.NewBufferString(page), 3); err != nil || len(ws) != 1 || ws[0].PageWidth != 1654 || ws[0].PageHeight != 2339 {
		t.Errorf("page size from the level-1 row: %+v %v", ws, err)
	}
	if _, err := ParseTSV(bytes.NewBufferString("not tsv\n"), 1); err == nil {
		t.Error("a text without the TSV header was accepted")
	}
}

// TestLayoutRows lays the fixture out: each row one line, the label's
// characters joined, seven numbers each separated by at least two spaces,
// the glued "000" read as the three zeros its box spans.
func TestLayoutRows(t *testing.T) {
	lines := Layout(readFixture(t))
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2: %+v", len(lines), lines)
	}
	for i, want := range []struct {
		label string
		nums  []string
	}{
		{"本年新收政府信息公开申请数量", []string{"95", "0", "0", "0", "0", "0", "95"}},
		{"6.属于四关过程性信息", []string{"1", "0", "0", "0", "0", "0", "1"}},
	} {
		text := lines[i].Text
		if !strings.Contains(text, want.label) {
			t.Errorf("line %d %q lacks the label %q", i+1, text, want.label)
		}
		rest := text[strings.Index(text, want.label)+len(want.label):]
		if got := strings.Fields(rest); strings.Join(got, " ") != strings.Join(want.nums, " ") {
			t.Errorf("line %d numbers %q, want %q", i+1, got, want.nums)
		}
		if strings.Contains(strings.TrimSpace(rest), "0 0") && !strings.Contains(rest, "0  0") {
			t.Errorf("line %d: numbers one space apart, the parser would not see columns: %q", i+1, rest)
		}
	}
	// Every placed word stands where its text is on the line.
	for _, l := range lines {
		r := []rune(l.Text)
		for _, p := range l.Words {
			if got := string(r[p.At : p.At+len([]rune(p.Text))]); got != p.Text {
				t.Errorf("word %q placed at %d, the line has %q there", p.Text, p.At, got)
			}
		}
	}
}

func TestFixDigits(t *testing.T) {
	for _, c := range []struct{ in, want, fixed string }{
		{"95", "95", ""},
		{"O", "0", "O"},
		{"〇", "0", "〇"},
		{"1O", "10", "1O"},
		{"l2", "12", "l2"},
		{"S0", "50", "S0"},
		{"1]", "1", "1]"},
		{"|31", "31", "|31"},
		{"OS", "OS", ""},           // no real digit: a word, not a number
		{"公开", "公开", ""},           // text stays text
		{"7730.28", "7730.28", ""}, // a fee keeps its point
		{"Sl", "Sl", ""},
	} {
		w := Word{Text: c.in}
		got := fixDigits(&w)
		if got != c.want || w.Fixed != c.fixed {
			t.Errorf("fixDigits(%q) = %q (fixed from %q), want %q (from %q)", c.in, got, w.Fixed, c.want, c.fixed)
		}
	}
}

func TestLayoutRowNumberAndProse(t *testing.T) {
	mk := func(left int, text string) Word {
		return Word{Left: left, Width: 20 * len([]rune(text)), Height: 24, Conf: 90, Text: text}
	}
	lines := Layout([]Word{
		mk(100, "1"), mk(125, "属于国家秘密"), mk(600, "0"), mk(700, "0"),
	})
	if !strings.Contains(lines[0].Text, "1.属于国家秘密") || !lines[0].Words[0].Numbering {
		t.Errorf("row number: %q (numbering %v)", lines[0].Text, lines[0].Words[0].Numbering)
	}
	prose := Layout([]Word{mk(100, "受理申请"), mk(190, "17"), mk(235, "件")})
	if strings.Contains(prose[0].Text, "17.") {
		t.Errorf("a count in prose became a row number: %q", prose[0].Text)
	}
}

// TestEraseRules draws a ruled cell around a digit-sized blot: the rules
// go, the blot stays.
func TestEraseRules(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	black := color.Gray{0}
	for x := 20; x < 380; x++ {
		img.SetGray(x, 50, black)
		img.SetGray(x, 51, black)
		img.SetGray(x, 250, black)
	}
	for y := 50; y < 251; y++ {
		img.SetGray(20, y, black)
		img.SetGray(379, y, black)
	}
	for y := 140; y < 170; y++ { // a "1": 30 px tall at 200 DPI
		for x := 200; x < 204; x++ {
			img.SetGray(x, y, black)
		}
	}
	g := EraseRules(img, 200)
	if g.GrayAt(100, 50).Y != 0xff || g.GrayAt(100, 250).Y != 0xff || g.GrayAt(20, 150).Y != 0xff || g.GrayAt(379, 100).Y != 0xff {
		t.Error("a ruling line was left")
	}
	if g.GrayAt(201, 150).Y != 0 {
		t.Error("the digit was erased")
	}
}

// TestMark: a cell of 表二 read with low confidence is flagged, one under
// Threshold outside the rules is unread, and the report says it was read
// from images; a cell's note gives its page box.
func TestMark(t *testing.T) {
	r := report.New("scan.pdf")
	r.Set("t2.licensing.decisions", 9487, report.Source{Line: 1, Raw: "9487"})
	r.Set("t2.penalty.decisions", 2776, report.Source{Line: 2, Raw: "2776"})
	r.Set("t2.enforcement.decisions", 84, report.Source{Line: 3, Raw: "84"})
	words := [][]Placed{
		{{Word: Word{Page: 2, Left: 10, Top: 20, Width: 60, Height: 25, Conf: 95, Text: "9487"}}},
		{{Word: Word{Page: 2, Left: 10, Top: 60, Width: 60, Height: 25, Conf: 70, Text: "2776"}}},
		{{Word: Word{Page: 2, Left: 10, Top: 99, Width: 30, Height: 25, Conf: 12, Text: "84"}}},
	}
	Mark(r, words)
	if !r.Has("t2.licensing.decisions") || !strings.Contains(r.Sources["t2.licensing.decisions"].Note, "第 2 页 区域(10,20,60,25) 置信度 95%") {
		t.Errorf("sure cell: %v %q", r.Cells, r.Sources["t2.licensing.decisions"].Note)
	}
	if r.Has("t2.enforcement.decisions") {
		t.Error("a cell at 12% confidence was kept")
	}
	named := map[string]string{}
	read := false
	for _, f := range r.Findings {
		for _, c := range f.Cells {
			named[c] = f.Rule
		}
		read = read || (f.Rule == RuleRead && f.Severity == report.SeverityInfo && strings.Contains(f.Message, ReadMark))
	}
	if named["t2.penalty.decisions"] != RuleUncertain || named["t2.enforcement.decisions"] != RuleUncertain || named["t2.licensing.decisions"] != "" {
		t.Errorf("findings name %v", named)
	}
	if !read {
		t.Errorf("no %s finding: %+v", RuleRead, r.Findings)
	}
}

// TestMarkBlankWithoutWord: a cell of 表二 the parser counted 0 for a
// gap where no word was read (its note: a blank column) is flagged — on a
// scan the gap may be a digit Tesseract did not see (a JPEG-blurred 2 of
// 行政处罚 read as nothing was kept as 0, silently wrong) — while its row's
// read cells are not.
func TestMarkBlankWithoutWord(t *testing.T) {
	r := report.New("scan.pdf")
	r.Set("t2.penalty.previous", 17, report.Source{Line: 1, Raw: "17"})
	r.Set("t2.penalty.change", 2, report.Source{Line: 1, Raw: "2"})
	r.Set("t2.penalty.decisions", 0, report.Source{Line: 1, Note: "PDF文本中该列空白，按各列位置推断，按0计"})
	words := [][]Placed{{
		{Word: Word{Page: 1, Left: 10, Top: 20, Width: 60, Height: 25, Conf: 95, Text: "行政处罚"}},
		{Word: Word{Page: 1, Left: 300, Top: 20, Width: 30, Height: 25, Conf: 96, Text: "17"}},
		{Word: Word{Page: 1, Left: 600, Top: 20, Width: 20, Height: 25, Conf: 97, Text: "2"}},
	}}
	Mark(r, words)
	named := map[string]string{}
	for _, f := range r.Findings {
		for _, c := range f.Cells {
			named[c] = f.Rule
		}
	}
	if named["t2.penalty.decisions"] != RuleUncertain {
		t.Errorf("the blank read as 0 without a word is not flagged: %+v", r.Findings)
	}
	if named["t2.penalty.previous"] != "" || named["t2.penalty.change"] != "" {
		t.Errorf("cells read from words were flagged: %v", named)
	}
}

func TestPGMRoundTrip(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(g.Pix, []byte{0, 50, 100, 150, 200, 255})
	var b bytes.Buffer
	if err := EncodePGM(&b, g); err != nil {
		t.Fatal(err)
	}
	if w, h, err := PGMSize(b.Bytes()); w != 3 || h != 2 || err != nil {
		t.Errorf("size %d×%d %v", w, h, err)
	}
	back, err := DecodePGM(b.Bytes())
	if err != nil || !bytes.Equal(back.Pix, g.Pix) {
		t.Errorf("decoded %v %v, want %v", back, err, g.Pix)
	}
	for _, bad := range []string{"P6\n3 2\n255\n", "P5\n# c\n3 x\n255\n", "P5\n3 2\n255\nab", "P5 99999999999 2 255\n"} {
		if _, err := DecodePGM([]byte(bad)); err == nil {
			t.Errorf("DecodePGM(%q) accepted", bad)
		}
	}
}

// TestDeskew turns a ruled table 1.2° crooked: Deskew finds the angle
// within 0.1°, and once straight its rules are long enough for
// EraseRules again (crooked, they are not).
func TestDeskew(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1200, 900))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, y := range []int{200, 260, 320, 380} {
		for x := 100; x < 1100; x++ {
			img.Pix[y*img.Stride+x] = 0
			img.Pix[(y+1)*img.Stride+x] = 0
		}
	}
	for y := 280; y < 300; y++ { // a digit in the second row
		for x := 600; x < 604; x++ {
			img.Pix[y*img.Stride+x] = 0
		}
	}
	for _, deg := range []float64{1.2, -0.8} {
		crooked := Rotate(img, deg)
		if g := EraseRules(crooked, 150); inkRows(g, 150, 430) == 0 {
			t.Fatalf("%.1f°: the crooked rules were erased anyway; the test shows nothing", deg)
		}
		straight, got := Deskew(crooked)
		if math.Abs(got+deg) > 0.1 {
			t.Errorf("Deskew of a page turned %.1f° turned it %.2f°", deg, got)
		}
		g := EraseRules(straight, 150)
		if n := inkRows(g, 150, 430); n > 25 {
			t.Errorf("%.1f°: %d rows of ink left after deskew and erase, want the digit's (20)", deg, n)
		}
	}
	if _, got := Deskew(img); got != 0 {
		t.Errorf("a straight page turned %.2f°", got)
	}
}

// inkRows counts the pixel rows between y0 and y1 holding ink.
func inkRows(g *image.Gray, y0, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := 0; x < g.Rect.Dx(); x++ {
			if g.Pix[y*g.Stride+x] < dark {
				n++
				break
			}
		}
	}
	return n
}

// TestFlatten: a page lit to 70 % at one corner reads as white paper
// after Flatten, its ink still ink; an evenly lit page is left as it is.
func TestFlatten(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 600, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 600; x++ {
			v := 255.0
			if x%100 < 4 && y%50 < 30 { // strokes all over the page
				v = 20
			}
			f := 1 - 0.3*(float64(x)/600+float64(y)/800)/2
			img.Pix[y*img.Stride+x] = uint8(v * f)
		}
	}
	flat := Flatten(img)
	if p := flat.GrayAt(590, 790).Y; p != 0xff {
		t.Errorf("paper in the dark corner is %d after Flatten, want white", p)
	}
	if p := flat.GrayAt(501, 760).Y; p >= dark {
		t.Errorf("a stroke in the dark corner is %d after Flatten, want ink", p)
	}
	even := image.NewGray(image.Rect(0, 0, 100, 100))
	for i := range even.Pix {
		even.Pix[i] = 0xff
	}
	even.Pix[5050] = 200 // a glyph's grey edge
	if Flatten(even).Pix[5050] != 200 {
		t.Error("an evenly lit page was changed")
	}
}

// TestDeskewProse turns a crop of prose (洪泽区 2024's section 五, 200
// DPI) a little either way: Deskew finds the turn within 0.05°. Before
// every pixel row was projected, only every other one, 0° scored twice
// any turn and a page of text turned 1° came back 0° (docs/benchmarks.md,
// "Degradations, third pass").
func TestDeskewProse(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "lattice_text.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// On a page as wide as the crop and three times as tall, as a scan's.
	page := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), 3*img.Bounds().Dy()))
	for i := range page.Pix {
		page.Pix[i] = 0xff
	}
	draw.Draw(page, img.Bounds().Add(image.Pt(0, img.Bounds().Dy())), img, img.Bounds().Min, draw.Src)
	for _, deg := range []float64{1, -1, 0.5, -1.7, 2.4} {
		if _, got := Deskew(Rotate(page, deg)); math.Abs(got+deg) > 0.05 {
			t.Errorf("Deskew of prose turned %.1f° turned it %.2f°, want %.2f°", deg, got, -deg)
		}
	}
	if _, got := Deskew(page); got != 0 {
		t.Errorf("straight prose turned %.2f°", got)
	}
}
