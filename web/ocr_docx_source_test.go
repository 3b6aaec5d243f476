package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nianbao/change"
	"nianbao/ingest"
	"nianbao/ingest/ocr"
	"nianbao/ingest/ocr/degrade"
)

// TestOCRDocxSourceBox: a Word file whose table 3 is a pasted picture
// (page 3 of 洪泽区 2024 at 200 DPI) shows, in the source viewer of a
// cell read from the picture, the picture itself as the page image with
// the cell's box on it; the page image served is the picture as stored
// in the Word file, and a picture it does not have is a 404.
func TestOCRDocxSourceBox(t *testing.T) {
	if err := degrade.Tools(); err != nil || !ocr.Available() {
		t.Skip("pdftoppm, img2pdf or tesseract with chi_sim not installed: run scripts/setup.sh")
	}
	pdf := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	pages, err := degrade.Rasterize(pdf, 200, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docx, err := degrade.PictureDOCX("洪泽区2024年政府信息公开工作年度报告", pages[2:3])
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "洪泽区2024年报表三.docx")
	if err := os.WriteFile(file, docx, 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, false)
	sum, err := change.New(e.st, nil).Ingest(context.Background(), change.Admin("cli:测试"), []string{file}, ingest.Meta{County: "洪泽区", Agency: "洪泽区人民政府", Year: 2024}, ingest.Options{}, nil)
	if err != nil || sum.Stored != 1 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	var id int64
	if err := e.st.DB().QueryRow(`SELECT id FROM reports WHERE source_file = ?`, filepath.Base(file)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	code, page := e.browser().get("/web/reports/" + strconv.FormatInt(id, 10) + "/source?code=t3.new.natural")
	if code != http.StatusOK || !strings.Contains(page, `id="ocr-box"`) || !strings.Contains(page, "Word 文件第 1 张图片") {
		t.Fatalf("source viewer %d without the picture and the cell's box: %s", code, excerpt(page))
	}
	sha := page[strings.Index(page, "/web/sources/")+len("/web/sources/"):]
	sha = sha[:64]
	status, img := getPage(t, e, sha, 1)
	if want := docxMember(t, docx, "word/media/image1.png"); status != http.StatusOK || !bytes.Equal(img, want) {
		t.Errorf("page image of picture 1: %d, %d bytes (want the %d bytes of the picture)", status, len(img), len(want))
	}
	if status, _ := getPage(t, e, sha, 2); status != http.StatusNotFound {
		t.Errorf("picture 2 of a Word file of one picture: %d, want 404", status)
	}
}

func docxMember(t *testing.T, docx []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
