package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/change"
	"nianbao/ingest"
	"nianbao/ingest/ocr"
)

// TestOCRSourceBox: a report page uploaded as a picture (page 3 of the
// peer report 洪泽区 2024 at 200 DPI) shows "由图片识别" over its tables;
// its source viewer shows the picture itself with the cited number's box
// drawn on it, as a share of the page.
func TestOCRSourceBox(t *testing.T) {
	e, id, file := ocrPictureReport(t)
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

// ocrPictureReport stores page 3 of the peer report 洪泽区 2024, rendered
// at 200 DPI, as an uploaded picture, and returns the environment, the
// report's id and the picture's path; it skips where pdftoppm, Tesseract
// or the peer corpus is absent.
func ocrPictureReport(t *testing.T) (*env, int64, string) {
	t.Helper()
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
	return e, id, file
}

// phoneSourceProbe measures the source viewer as a phone draws it: the
// page's figure and text, the recognised number's box and the box that
// scrolls the page.
const phoneSourceProbe = `(() => {
  const r = el => { const b = el.getBoundingClientRect(); return {Left: b.left, Top: b.top, Width: b.width, Height: b.height}; };
  return {Screen: window.innerWidth, Overflow: document.documentElement.scrollWidth - window.innerWidth,
          Figure: r(document.querySelector('figure.page')), Text: r(document.getElementById('source-text')),
          Box: r(document.getElementById('ocr-box')), Scroller: r(document.getElementById('page-scroll')),
          Image: r(document.getElementById('pdf-page'))};
})()`

type rect struct{ Left, Top, Width, Height float64 }

type phoneSource struct {
	Screen                             float64
	Overflow                           float64
	Figure, Text, Box, Scroller, Image rect
}

// TestOCRSourceBoxOnPhone opens the source viewer of a recognised number
// on a 390 px phone: the page image takes the screen's width above the
// text (not a thumbnail beside it), is drawn larger than the screen in a
// box that scrolls, and opens with the number's box inside that box's
// view, tall enough to read (≥ 14 px), the page itself no wider than the
// phone. NIANBAO_SCREENSHOTS=DIR keeps a screenshot of the screen as the
// phone shows it (a full-page capture re-lays the scrolling box out).
func TestOCRSourceBoxOnPhone(t *testing.T) {
	e, id, _ := ocrPictureReport(t)
	ctx := chrome(t, 2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("%s/web/reports/%d/source?code=t3.new.natural", e.srv.URL, id)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("ocr-box"))); err != nil {
		t.Fatal(err)
	}
	// The script centres the box once the image has loaded.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('pdf-page').complete && document.getElementById('page-scroll').scrollTop > 0`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the page did not scroll to the number's box: %v", err)
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[phoneSource](phoneSourceProbe))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", p)
	if p.Overflow > 0 {
		t.Errorf("the page is %.0f px wider than the phone", p.Overflow)
	}
	if p.Figure.Width < 0.9*p.Screen {
		t.Errorf("the page image is %.0f px wide on a %.0f px screen: a thumbnail", p.Figure.Width, p.Screen)
	}
	if p.Text.Top < p.Figure.Top+p.Figure.Height {
		t.Errorf("the text (top %.0f) is beside the page image (bottom %.0f), not below it", p.Text.Top, p.Figure.Top+p.Figure.Height)
	}
	if p.Image.Width < 2*p.Scroller.Width {
		t.Errorf("the page is drawn %.0f px wide in a %.0f px box: digits too small to read", p.Image.Width, p.Scroller.Width)
	}
	if p.Box.Height < 14 {
		t.Errorf("the number's box is %.1f px tall: too small to read", p.Box.Height)
	}
	in := p.Box.Left >= p.Scroller.Left && p.Box.Left+p.Box.Width <= p.Scroller.Left+p.Scroller.Width &&
		p.Box.Top >= p.Scroller.Top && p.Box.Top+p.Box.Height <= p.Scroller.Top+p.Scroller.Height
	if !in {
		t.Errorf("the number's box %+v is outside the view of the page %+v", p.Box, p.Scroller)
	}
	if dir := os.Getenv("NIANBAO_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ocr-source-phone.png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
}
