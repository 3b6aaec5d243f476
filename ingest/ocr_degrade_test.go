package ingest_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nianbao/ingest/ocr"
	"nianbao/ingest/ocr/degrade"
	"nianbao/report"
)

// TestOCRDegraded reads the peer report 洪泽区 2024 scanned at 150 DPI
// and turned 1° crooked: no cell silently wrong, and at least
// minExactRotated exact (deskew). NIANBAO_OCR_BENCH=1 runs every
// degradation (ingest/ocr/degrade, the corpus of `analytics ocrbench`)
// over both peer reports and logs the table of docs/benchmarks.md
// (cells, and pages per second); NIANBAO_OCR_DEGRADE=名,名 runs only
// those degradations.
func TestOCRDegraded(t *testing.T) {
	needOCR(t)
	dir := filepath.Join("..", "..", "shared", "corpus", "peer")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("peer corpus absent (%s)", dir)
	}
	rotated, err := degrade.ByName("旋转1°")
	if err != nil {
		t.Fatal(err)
	}
	files, ds := []string{"hzq2024_working.pdf"}, rotated
	if os.Getenv("NIANBAO_OCR_BENCH") != "" {
		files = []string{"hzq2023_working.pdf", "hzq2024_working.pdf"}
		if ds, err = degrade.ByName(os.Getenv("NIANBAO_OCR_DEGRADE")); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		in, err := degrade.FromPDF(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			r, err := degrade.Read(in, 150, d, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			s := r.Score
			t.Logf("%s %s 150 DPI: %v; %d pages in %.1f s, %.2f pages/s", f, d.Name, s, r.Pages, r.Seconds, r.PagesPerSecond())
			if s.Wrong > 0 {
				t.Errorf("%s %s: %d cells silently wrong: %v", f, d.Name, s.Wrong, s.WrongCells)
			}
			if floor, ok := minExact150[f+" "+d.Name]; ok && s.Exact < floor {
				t.Errorf("%s %s: %d cells exact, measured floor %d", f, d.Name, s.Exact, floor)
			}
		}
	}
}

// minExact150 is the floor on exact cells of a peer report scanned at
// 150 DPI with a degradation, a few under what was measured
// (docs/benchmarks.md, "Degradations and speed"); only the rotated
// 洪泽区 2024 runs without NIANBAO_OCR_BENCH. The red seal of 洪泽区 2024
// read 143 before the red channel dropped it, the blurred one 140 before
// Sauvola's threshold: their floors fail without those steps. The third
// pass (docs/benchmarks.md, "Degradations, third pass") raised the turned
// 洪泽区 2024 (166 → 179), both sealed reports (151 → 176, 154 → 184) and
// the blurred 洪泽区 2023 (157 → 164).
var minExact150 = map[string]int{
	"hzq2023_working.pdf 无":      140,
	"hzq2023_working.pdf 旋转1°":   131,
	"hzq2023_working.pdf 模糊":     158,
	"hzq2023_working.pdf JPEG压缩": 138,
	"hzq2023_working.pdf 淡印章":    170,
	"hzq2023_working.pdf 红印章":    135,
	"hzq2023_working.pdf 光照不均":   119,
	"hzq2024_working.pdf 无":      150,
	"hzq2024_working.pdf 旋转1°":   174,
	"hzq2024_working.pdf 模糊":     153,
	"hzq2024_working.pdf JPEG压缩": 129,
	"hzq2024_working.pdf 淡印章":    178,
	"hzq2024_working.pdf 红印章":    156,
	"hzq2024_working.pdf 光照不均":   129,
}

var updateDegraded = flag.Bool("update-degraded", false, "rewrite ingest/ocr/testdata/degraded_p3.golden: the text layer's value of each cell the sealed page read")

// TestOCRDegradedGolden reads page 3 of 洪泽区 2024 (table 2's end and
// table 3 through 本机关不掌握) scanned at 150 DPI with one fault, as a
// one-page image-only PDF (rendered at 200 DPI, as ocrbench's scans are):
// turned 1°, and under a faint grey seal. The golden files
// list the cells the page prints with the text layer's values
// (MANIFEST.md's figures): every one must be read, with that value —
// exact, or flagged where no sum can check it (the page alone has half
// of table 3, so its columns do not add up), unread only as many as
// measured — and no cell read may be silently wrong. At the branch point
// of the third pass the sealed page went to the word boxes (the seal's
// ring taken for rules) and lost 部分公开's 9 of 自然人.
func TestOCRDegradedGolden(t *testing.T) {
	needOCR(t)
	path := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	born, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("peer corpus absent (%v)", err)
	}
	truth := parseFile(t, "hzq2024_working.pdf", born)
	pages := pageImages(t, path, 150)
	for _, tc := range []struct {
		name, golden string
		page         int
		spoil        func(*image.Gray) image.Image
		// maxUnread: golden cells that may be unread (with a finding),
		// as measured.
		maxUnread int
	}{
		{"seal", "degraded_p3.golden", 3, func(g *image.Gray) image.Image { return degrade.Stamp(g) }, 0},
		// One 1 of the 总计 column, read differently by the page and
		// the crop and checked by no column sum on the page alone.
		{"turned", "degraded_p3.golden", 3, func(g *image.Gray) image.Image { return ocr.Rotate(g, 1) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseFile(t, fmt.Sprintf("page%d-%s.pdf", tc.page, tc.name), onePagePDF(t, tc.spoil(pages[tc.page-1]), 150))
			golden := filepath.Join("ocr", "testdata", tc.golden)
			if *updateDegraded && tc.name == "seal" {
				var sb strings.Builder
				for _, c := range slices.Sorted(maps.Keys(got.Cells)) {
					if v, ok := truth.Cells[c]; ok && strings.HasPrefix(c, "t") {
						fmt.Fprintf(&sb, "%s %v\n", c, v)
					}
				}
				if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readGolden(t, golden)
			s := degrade.Compare(want, got)
			t.Logf("%s: %v", tc.golden, s)
			if s.Exact+s.Flagged < len(want.Cells)-tc.maxUnread || s.Wrong > 0 {
				t.Errorf("%d of %d golden cells read right (%d exact, %d flagged), %d unread, %d wrong", s.Exact+s.Flagged, len(want.Cells), s.Exact, s.Flagged, s.Unread, s.Wrong)
				for _, f := range got.Findings {
					if f.Severity != report.SeverityInfo {
						t.Logf("finding %s: %s", f.Rule, f.Message)
					}
				}
				for c, v := range want.Cells {
					if g, ok := got.Cells[c]; !ok || g != v {
						t.Logf("%s: read %v (ok %v), want %v", c, g, ok, v)
					}
				}
			}
			// Silently wrong against the whole report's truth: cells of
			// the page the golden file does not list count too.
			if w := degrade.Compare(truth, got); w.Wrong > 0 {
				t.Errorf("%d cells silently wrong: %v", w.Wrong, w.WrongCells)
			}
		})
	}
}

// readGolden reads a golden file of cells, "code value" a line.
func readGolden(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := report.New(filepath.Base(path))
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		code, v, ok := strings.Cut(line, " ")
		n, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			t.Fatalf("%s: line %q is not “code value”", path, line)
		}
		r.Cells[code] = n
	}
	if len(r.Cells) == 0 {
		t.Fatalf("%s lists no cell", path)
	}
	return r
}

// onePagePDF wraps a page image into an image-only PDF at dpi (img2pdf,
// as degrade.Scan does).
func onePagePDF(t *testing.T, page image.Image, dpi int) []byte {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := png.Encode(&buf, page); err != nil {
		t.Fatal(err)
	}
	in, out := filepath.Join(dir, "page.png"), filepath.Join(dir, "page.pdf")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("img2pdf", in, "--imgsize", fmt.Sprintf("%ddpix%ddpi", dpi, dpi), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("img2pdf: %v %s", err, b)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}
