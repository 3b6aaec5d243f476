package ingest_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
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

// pictureDOCX is a Word file whose body is a typed title and then one
// picture a paragraph (DrawingML, as Word pastes a picture): a report
// whose pages, tables and all, were pasted as images.
func pictureDOCX(t testing.TB, title string, pics []*image.Gray) []byte {
	t.Helper()
	var body, rels strings.Builder
	fmt.Fprintf(&body, `<w:p><w:r><w:t>%s</w:t></w:r></w:p>`, title)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, p := range pics {
		id := fmt.Sprintf("rIdImg%d", i+1)
		fmt.Fprintf(&body, `<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="%s"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`, id)
		fmt.Fprintf(&rels, `<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image%d.png"/>`, id, i+1)
		w, err := zw.Create(fmt.Sprintf("word/media/image%d.png", i+1))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(w, p); err != nil {
			t.Fatal(err)
		}
	}
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="png" ContentType="image/png"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>` +
			body.String() + `</w:body></w:document>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`,
	}
	for name, s := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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
	docx := pictureDOCX(t, "洪泽区2024年政府信息公开工作年度报告", pageImages(t, path, 200))
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
