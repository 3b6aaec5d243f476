package ocr

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateLattice = flag.Bool("update-lattice", false, "rewrite testdata/lattice_*.golden from FindLattices")

// latticeImage reads a testdata crop of a page rendered at 200 DPI.
func latticeImage(t *testing.T, name string) *image.Gray {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return Gray(img)
}

// formatCells prints a lattice's cells one a line: row col rowspan
// colspan and the box.
func formatCells(l Lattice) string {
	var sb strings.Builder
	for _, c := range l.Cells {
		fmt.Fprintf(&sb, "%d %d %d %d %d %d %d %d\n", c.Row, c.Col, c.RowSpan, c.ColSpan, c.Box.Min.X, c.Box.Min.Y, c.Box.Max.X, c.Box.Max.Y)
	}
	return sb.String()
}

func parseCells(t *testing.T, s string) []Cell {
	t.Helper()
	var out []Cell
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var c Cell
		var x0, y0, x1, y1 int
		if _, err := fmt.Sscan(line, &c.Row, &c.Col, &c.RowSpan, &c.ColSpan, &x0, &y0, &x1, &y1); err != nil {
			t.Fatalf("golden line %q: %v", line, err)
		}
		c.Box = image.Rect(x0, y0, x1, y1)
		out = append(out, c)
	}
	return out
}

// TestFindLattices finds the ruled tables of two crops of the scanned
// 洪泽区 2024 report (200 DPI): table 4, whose header merges cells across
// columns (行政复议, 未经复议直接起诉) and rows (结果维持 …), and the head of
// table 3 (申请人情况 over seven columns, 自然人 and 总计 over two header
// rows, the labels' column merged down; the crop ends inside a row, which
// the vertical rules close). The goldens were written by
// FindLattices and checked against the picture: 15 columns and 4 rows
// for table 4, 9 columns and 7 rows for table 3.
func TestFindLattices(t *testing.T) {
	for _, tc := range []struct {
		image, golden string
		cols, rows    int
	}{
		{"lattice_t4.png", "lattice_t4.golden", 15, 4},
		{"lattice_t3.png", "lattice_t3.golden", 9, 7},
	} {
		t.Run(tc.image, func(t *testing.T) {
			ls := FindLattices(latticeImage(t, tc.image), 200)
			if len(ls) != 1 {
				t.Fatalf("%d lattices, want 1", len(ls))
			}
			l := ls[0]
			if len(l.Xs)-1 != tc.cols || len(l.Ys)-1 != tc.rows {
				t.Errorf("grid %d columns × %d rows, want %d × %d", len(l.Xs)-1, len(l.Ys)-1, tc.cols, tc.rows)
			}
			golden := filepath.Join("testdata", tc.golden)
			if *updateLattice {
				if err := os.WriteFile(golden, []byte(formatCells(l)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatCells(l); got != string(want) {
				t.Errorf("cells differ from %s:\ngot\n%s\nwant\n%s", golden, got, want)
			}
		})
	}
}

// TestFindLatticesDegraded finds the same cells on the table-4 crop
// blurred, JPEG-compressed at quality 30, with every fourth pixel of its
// rules' rows and columns knocked out (a broken line), and turned by 0.6°
// then straightened by Deskew: the same grid and spans, each rule within
// a few pixels.
func TestFindLatticesDegraded(t *testing.T) {
	clean := latticeImage(t, "lattice_t4.png")
	want := parseCells(t, formatCells(FindLattices(clean, 200)[0]))
	jpegged := func(g *image.Gray) *image.Gray {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: 30}); err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return Gray(img)
	}
	broken := func(g *image.Gray) *image.Gray {
		out := Gray(g)
		for i := 0; i < len(out.Pix); i += 4 {
			out.Pix[i] = 0xff
		}
		return out
	}
	turned := func(g *image.Gray) *image.Gray {
		// Rotate about the centre, then back: a page fed crooked.
		st, _ := Deskew(Rotate(g, 0.6))
		return st
	}
	for _, tc := range []struct {
		name string
		img  *image.Gray
		tol  int
	}{
		{"blur", blur3(blur3(clean)), 2},
		{"jpeg30", jpegged(clean), 2},
		{"broken", broken(clean), 2},
		{"turned", turned(clean), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := FindLattices(tc.img, 200)
			if len(ls) != 1 {
				t.Fatalf("%d lattices, want 1", len(ls))
			}
			got := ls[0].Cells
			if len(got) != len(want) {
				t.Fatalf("%d cells, want %d:\n%s", len(got), len(want), formatCells(ls[0]))
			}
			for i, c := range got {
				w := want[i]
				if c.Row != w.Row || c.Col != w.Col || c.RowSpan != w.RowSpan || c.ColSpan != w.ColSpan {
					t.Fatalf("cell %d at r%d c%d %d×%d, want r%d c%d %d×%d", i, c.Row, c.Col, c.RowSpan, c.ColSpan, w.Row, w.Col, w.RowSpan, w.ColSpan)
				}
				d := c.Box.Min.Sub(w.Box.Min)
				e := c.Box.Max.Sub(w.Box.Max)
				if abs(d.X) > tc.tol || abs(d.Y) > tc.tol || abs(e.X) > tc.tol || abs(e.Y) > tc.tol {
					t.Errorf("cell r%d c%d at %v, want %v within %d px", c.Row, c.Col, c.Box, w.Box, tc.tol)
				}
			}
		})
	}
}

// TestFindLatticesText finds no table in a page of prose (the 洪泽区 2024
// report's section 五): long strokes of characters are no rules.
func TestFindLatticesText(t *testing.T) {
	if ls := FindLattices(latticeImage(t, "lattice_text.png"), 200); len(ls) != 0 {
		t.Errorf("%d lattices in prose: %v", len(ls), ls[0].Bounds())
	}
}

// TestRenumber gives an item back the number Tesseract lost, only right
// under the item before it.
func TestRenumber(t *testing.T) {
	num := map[[2]int][2]int{}
	col := [2]int{0, 2}
	for _, tc := range []struct {
		row        int
		text, want string
	}{
		{3, "3.危及“三安全一稳定”", "3.危及“三安全一稳定”"},
		{4, ".保护第三方合法权益", "4.保护第三方合法权益"},
		{5, "5.属于三类内部事务信息", "5.属于三类内部事务信息"},
		{7, ".属于行政执法案卷", ".属于行政执法案卷"}, // row 6 not numbered: no guess
	} {
		if got := renumber(tc.text, num, col, tc.row); got != tc.want {
			t.Errorf("row %d %q: %q, want %q", tc.row, tc.text, got, tc.want)
		}
	}
}

// TestTemplateNext names a row by the template's order only where the
// editions agree and the label read does not contradict it.
func TestTemplateNext(t *testing.T) {
	for _, tc := range []struct {
		prev, label, want string
	}{
		{"4.无正当理由大量反复申请", "", "5.要求行政机关确认或重新出具已获取信息"},
		{"4.无正当理由大量反复申请", "5要求行政机关多认吕重新dtRE获", "5.要求行政机关确认或重新出具已获取信息"},
		{"4.无正当理由大量反复申请", "7.其他", ""},
		// 2019 prints （六）其他处理 next, 2021 its item 1: no name.
		{"5.要求行政机关确认或重新出具已获取信息", "", ""},
		{"", "", ""},
	} {
		if got := templateNext(tc.prev, tc.label); got != tc.want {
			t.Errorf("templateNext(%q, %q) = %q, want %q", tc.prev, tc.label, got, tc.want)
		}
	}
	if got := templateItem("(三)不予公开 4.保护第三方合法权益"); got != "4.保护第三方合法权益" {
		t.Errorf("templateItem: %q", got)
	}
}

func abs(x int) int { return max(x, -x) }

// blur3 is a 3×3 box blur.
func blur3(g *image.Gray) *image.Gray {
	out := Gray(g)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			s := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					s += int(g.Pix[(y+dy)*g.Stride+x+dx])
				}
			}
			out.Pix[y*out.Stride+x] = uint8(s / 9)
		}
	}
	return out
}

// TestFindLatticesSeal stamps a faint seal over the head of table 3 (a
// ring and a bar multiplied in at grey 185, as a red seal scanned in grey
// is): the lattice is the clean one, cell for cell. Before darkRules the
// ring's sides and top were taken for rules, split 表三's columns, and
// the page went to the word boxes.
func TestFindLatticesSeal(t *testing.T) {
	clean := latticeImage(t, "lattice_t3.png")
	want := formatCells(FindLattices(clean, 200)[0])
	sealed := Gray(clean)
	w, h := sealed.Rect.Dx(), sealed.Rect.Dy()
	cx, cy, r, thick := 0.6*float64(w), 0.55*float64(h), 0.2*float64(h)+80, 11.0
	stamp := func(x, y int) {
		if x >= 0 && y >= 0 && x < w && y < h {
			i := y*sealed.Stride + x
			sealed.Pix[i] = uint8(int(sealed.Pix[i]) * 185 / 255)
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if d := math.Hypot(float64(x)-cx, float64(y)-cy); math.Abs(d-r) <= thick/2 {
				stamp(x, y)
			}
		}
	}
	for x := int(cx - r/2); x < int(cx+r/2); x++ { // the star's level stroke
		for y := int(cy - thick/2); y <= int(cy+thick/2); y++ {
			stamp(x, y)
		}
	}
	ls := FindLattices(sealed, 200)
	if len(ls) != 1 {
		t.Fatalf("%d lattices, want 1", len(ls))
	}
	if got := formatCells(ls[0]); got != want {
		t.Errorf("sealed: %d×%d grid, cells\n%s\nwant the clean ones\n%s", len(ls[0].Xs)-1, len(ls[0].Ys)-1, got, want)
	}
}

// TestTemplateBetween names rows between two known ones only where an
// edition has exactly that many rows there.
func TestTemplateBetween(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		k    int
		want []string
	}{
		// 2019 only prints （六）其他处理 as a row: one row between.
		{"4.无正当理由大量反复申请", "（六）其他处理", 1, []string{"5.要求行政机关确认或重新出具已获取信息"}},
		{"4.无正当理由大量反复申请", "（六）其他处理", 2, nil},
		{"1.属于国家秘密", "4.保护第三方合法权益", 2, []string{"2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”"}},
		{"1.属于国家秘密", "4.保护第三方合法权益", 1, nil},
		// 2019 has three rows there, 2021 five: the count picks 2019.
		{"4.无正当理由大量反复申请", "四、结转下年度继续办理", 3, []string{"5.要求行政机关确认或重新出具已获取信息", "（六）其他处理", "（七）总计"}},
		{"4.无正当理由大量反复申请", "四、结转下年度继续办理", 4, nil},
		{"", "4.保护第三方合法权益", 1, nil},
	} {
		got := templateBetween(tc.a, tc.b, tc.k)
		if !slices.Equal(got, tc.want) {
			t.Errorf("templateBetween(%q, %q, %d) = %q, want %q", tc.a, tc.b, tc.k, got, tc.want)
		}
	}
}
