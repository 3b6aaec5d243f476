package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nianbao/change"
	"nianbao/ingest"
	"nianbao/ingest/ocr"
)

// TestOCRSourceBox: a report page uploaded as a picture (page 3 of the
// peer report 洪泽区 2024 at 200 DPI) shows "由图片识别" over its tables;
// its source viewer shows the picture itself with the cited number's box
// drawn on it, as a share of the page.
func TestOCRSourceBox(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil || !ocr.Available() {
		t.Skip("pdftoppm or tesseract with chi_sim not installed: run scripts/setup.sh")
	}
	pdf := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	dir := t.TempDir()
	if out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-png", "-f", "3", "-l", "3", "-singlefile", pdf, filepath.Join(dir, "洪泽区2024年报第3页")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	file := filepath.Join(dir, "洪泽区2024年报第3页.png")
	e := newEnv(t, false)
	ctx := context.Background()
	sum, err := change.New(e.st, nil).Ingest(ctx, change.Admin("cli:测试"), []string{file}, ingest.Meta{County: "洪泽区", Agency: "洪泽区人民政府", Year: 2024}, ingest.Options{}, nil)
	if err != nil || sum.Stored != 1 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	var id int64
	if err := e.st.DB().QueryRow(`SELECT id FROM reports WHERE source_file = ?`, filepath.Base(file)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	code, page := b.get("/web/reports/" + strconv.FormatInt(id, 10))
	if code != http.StatusOK || !strings.Contains(page, "表三 收到和处理政府信息公开申请情况（由图片识别）") {
		t.Fatalf("report page %d lacks 由图片识别 on table 3: %s", code, excerpt(page))
	}
	code, page = b.get("/web/reports/" + strconv.FormatInt(id, 10) + "/source?code=t3.new.natural")
	if code != http.StatusOK || !strings.Contains(page, `id="ocr-box"`) || !strings.Contains(page, "框内数字由图片识别") {
		t.Fatalf("source viewer %d without the cell's box: %s", code, excerpt(page))
	}
	sha := page[strings.Index(page, "/web/sources/")+len("/web/sources/"):]
	sha = sha[:64]
	status, img := getPage(t, e, sha, 1)
	want, _ := os.ReadFile(file)
	if status != http.StatusOK || string(img) != string(want) {
		t.Errorf("page image of the picture: %d, %d bytes (want the %d bytes uploaded)", status, len(img), len(want))
	}
}
