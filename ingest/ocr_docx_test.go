package ingest_test

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nianbao/ingest/document"
	"nianbao/ingest/ocr"
	"nianbao/ingest/ocr/degrade"
	"nianbao/report"
)

// pageImages rasterises a PDF's pages at dpi as grey images.
func pageImages(t testing.TB, pdf string, dpi int) []*image.Gray {
	t.Helper()
	pages, err := degrade.Rasterize(pdf, dpi, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// TestOCRDocxPictures reads 洪泽区 2024 as a Word file of one typed title
// and its five pages pasted as pictures (200 DPI): the pictures are read
// by OCR where they stand, no cell is silently wrong, and at least
// minExactDocx are exact.
func TestOCRDocxPictures(t *testing.T) {
	needOCR(t)
	path := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	born, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	truth := parseFile(t, "hzq2024_working.pdf", born)
	docx, err := degrade.PictureDOCX("洪泽区2024年政府信息公开工作年度报告", pageImages(t, path, 200))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("hzq2024.docx", docx)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OCR == nil || !strings.HasPrefix(doc.Text, "洪泽区2024年") {
		t.Fatalf("the pictures were not read by OCR after the typed title: %.200q", doc.Text)
	}
	got := parseFile(t, "hzq2024.docx", docx)
	s := score(truth, got)
	t.Logf("hzq2024 as a Word file of pictures: %v", s)
	if s.wrong > 0 {
		t.Errorf("%d cells silently wrong: %v", s.wrong, s.wrongCells)
	}
	if s.exact < minExactDocx {
		t.Errorf("%d cells exact, measured floor %d", s.exact, minExactDocx)
	}
	if !hasRule(got, ocr.RuleRead) {
		t.Errorf("no %s finding", ocr.RuleRead)
	}
}

// minExactDocx is the floor on exact cells of TestOCRDocxPictures, under
// the 153 measured (docs/benchmarks.md).
const minExactDocx = 145

// TestOCRPhoto reads a photo-like picture of table 3's page (洪泽区 2024
// page 3 at 200 DPI, turned 2°, out of focus and unevenly lit) uploaded
// as a PNG: no cell of table 3 silently wrong, at least minExactPhoto of
// its cells exact.
func TestOCRPhoto(t *testing.T) {
	needOCR(t)
	path := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	born, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	full := parseFile(t, "hzq2024_working.pdf", born)
	truth := report.New("truth")
	for c, v := range full.Cells {
		if strings.HasPrefix(c, "t3.") {
			truth.Cells[c] = v
		}
	}
	page := pageImages(t, path, 200)[2]
	photo := degrade.UnevenLight(degrade.BoxBlur(ocr.Rotate(page, 2)))
	var buf bytes.Buffer
	if err := png.Encode(&buf, photo); err != nil {
		t.Fatal(err)
	}
	got := parseFile(t, "photo.png", buf.Bytes())
	for c := range got.Cells {
		if !strings.HasPrefix(c, "t3.") {
			delete(got.Cells, c) // table 2 is on page 2: not in the picture
		}
	}
	s := score(truth, got)
	t.Logf("page 3 as a photo: %v", s)
	if s.wrong > 0 {
		t.Errorf("%d cells silently wrong: %v", s.wrong, s.wrongCells)
	}
	if s.exact < minExactPhoto {
		t.Errorf("%d cells exact, measured floor %d", s.exact, minExactPhoto)
	}
}

// minExactPhoto is the floor on exact cells of table 3 (161, of which the
// rows through 本机关不掌握 are on page 3) in TestOCRPhoto, under the 46
// measured (docs/benchmarks.md).
const minExactPhoto = 40

// boxRe reads the page box ocr.Mark notes on a cell read by OCR.
var boxRe = regexp.MustCompile(`区域\((\d+),(\d+),(\d+),(\d+)\)`)

// cellBox is the box, on the page image given, of a cell read by OCR.
func cellBox(t *testing.T, r *report.Report, code string) image.Rectangle {
	t.Helper()
	m := boxRe.FindStringSubmatch(r.Sources[code].Note)
	if m == nil {
		t.Fatalf("%s has no OCR box: %q", code, r.Sources[code].Note)
	}
	var n [4]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3])
}

// TestOCRBoxOnRotatedPage reads page 3 of 洪泽区 2024 (200 DPI) once
// straight and once turned 2° as a scanner feeds it: the box of a cell
// of table 3 read from the crooked page stands where its digits are on
// that page (where the straight page's box lands once turned), not where
// they are on the page Deskew straightened, and it covers ink.
func TestOCRBoxOnRotatedPage(t *testing.T) {
	needOCR(t)
	path := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	const deg, code, tol = 2.0, "t3.new.total", 4.0
	page := pageImages(t, path, 200)[2]
	crooked := ocr.Rotate(page, deg)
	read := func(g *image.Gray) *report.Report {
		var buf bytes.Buffer
		if err := png.Encode(&buf, g); err != nil {
			t.Fatal(err)
		}
		return parseFile(t, "page3.png", buf.Bytes())
	}
	straight, turned := cellBox(t, read(page), code), cellBox(t, read(crooked), code)
	// Where the straight box's centre is on the crooked page: Rotate
	// reads the pixel at q from c + R(deg)(q − c), so q = c + R(−deg)(p − c).
	w, h := float64(page.Rect.Dx()), float64(page.Rect.Dy())
	cx, cy := w/2, h/2
	px, py := float64(straight.Min.X+straight.Max.X)/2, float64(straight.Min.Y+straight.Max.Y)/2
	sin, cos := math.Sincos(deg * math.Pi / 180)
	qx, qy := cx+(px-cx)*cos+(py-cy)*sin, cy-(px-cx)*sin+(py-cy)*cos
	if d := math.Hypot(qx-px, qy-py); d < 3*tol {
		t.Fatalf("%s is %.1f px from where it was: too near the centre to tell a box mapped back", code, d)
	}
	gx, gy := float64(turned.Min.X+turned.Max.X)/2, float64(turned.Min.Y+turned.Max.Y)/2
	t.Logf("%s: straight %v, crooked %v; centre (%.0f,%.0f), expected (%.0f,%.0f)", code, straight, turned, gx, gy, qx, qy)
	if d := math.Hypot(gx-qx, gy-qy); d > tol {
		t.Errorf("%s box centre (%.0f,%.0f) on the crooked page is %.1f px from its digits at (%.0f,%.0f)", code, gx, gy, d, qx, qy)
	}
	ink := 0
	for y := turned.Min.Y; y < turned.Max.Y; y++ {
		for x := turned.Min.X; x < turned.Max.X; x++ {
			if crooked.GrayAt(x, y).Y < 128 {
				ink++
			}
		}
	}
	if ink < 20 {
		t.Errorf("%s box %v covers %d dark pixels of the crooked page: not on its digits", code, turned, ink)
	}
}
