package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/ingest/ocr"
	"nianbao/ingest/ocr/degrade"
)

// TestOCRBenchCommand scans one page of a real report (page 3 of 洪泽区
// 2024, table 3) at 150 DPI with no fault and reads it back: the JSON
// gives one read whose classes add up to the page's cells, none silently
// wrong; wrong flags are refused before any scan.
func TestOCRBenchCommand(t *testing.T) {
	for _, args := range [][]string{{"ocrbench", "--dpi", "abc"}, {"ocrbench", "--degrade", "没有这种"}} {
		var errOut bytes.Buffer
		if code := run(args, &bytes.Buffer{}, &errOut); code != 1 || !strings.Contains(errOut.String(), "analytics ocrbench") {
			t.Errorf("%v: exit %d, %q; want 1 and a sentence", args, code, errOut.String())
		}
	}
	if degrade.Tools() != nil || !ocr.Available() {
		t.Skip("pdftoppm, img2pdf or tesseract with chi_sim not installed: run scripts/setup.sh")
	}
	src := filepath.Join("..", "..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	page := filepath.Join(t.TempDir(), "hzq2024-p3.pdf")
	if out, err := exec.Command("pdfseparate", "-f", "3", "-l", "3", src, page).CombinedOutput(); err != nil {
		t.Skipf("pdfseparate: %v %s", err, out)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"ocrbench", "--dpi", "150", "--degrade", "无", "--peer", "", "--generated=false", "--json", page}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got []degrade.Result
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(got) != 1 || got[0].DPI != 150 || got[0].Degradation != "无" || got[0].Pages != 1 {
		t.Fatalf("want one read of one page at 150 DPI without fault: %+v", got)
	}
	s := got[0].Score
	if s.Cells() < 50 || s.Exact == 0 || s.Wrong != 0 || got[0].Seconds <= 0 {
		t.Errorf("table 3 of page 3: %v in %.1f s", s, got[0].Seconds)
	}
	if !strings.Contains(errOut.String(), "无 150 DPI hzq2024-p3.pdf") {
		t.Errorf("no progress line: %q", errOut.String())
	}
}

// TestOCRBenchTable: the table prints a row per read and a total per
// degradation and resolution, with Chinese headings.
func TestOCRBenchTable(t *testing.T) {
	var out bytes.Buffer
	writeOCRBench(&out, []degrade.Result{
		{Document: "a.pdf", DPI: 150, Degradation: "模糊", Score: degrade.Score{Exact: 8, Flagged: 1, Unread: 1}, Pages: 2, Seconds: 1},
		{Document: "b.pdf", DPI: 150, Degradation: "模糊", Score: degrade.Score{Exact: 9, Unread: 1}, Pages: 2, Seconds: 3},
		{Document: "a.pdf", DPI: 200, Degradation: "模糊", Score: degrade.Score{Exact: 10}, Pages: 2, Seconds: 2},
	})
	lines := strings.Split(out.String(), "\n")
	if !strings.Contains(lines[0], "退化") || !strings.Contains(lines[0], "静默错误") || !strings.Contains(lines[0], "页/秒") {
		t.Errorf("headings: %q", lines[0])
	}
	var total string
	for _, l := range lines {
		if strings.Contains(l, "合计") {
			if total != "" {
				t.Errorf("two totals (200 DPI has one read): %q", out.String())
			}
			total = l
		}
	}
	// 有提示 prints "1 (0 对)": three fields.
	if f := strings.Fields(total); len(f) < 12 || f[3] != "20" || f[4] != "17" || f[6] != "1" || f[7] != "(0" || f[11] != "1.00" {
		t.Errorf("total of 150 DPI: %q, want 20 cells, 17 exact, 1.00 pages/s", total)
	}
}
