package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nianbao/change"
	"nianbao/ingest"
)

// onePagePDF is a PDF of one page of w×h points with a line of text.
func onePagePDF(w, h int) []byte {
	stream := "BT /F1 12 Tf 72 72 Td (page 1) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>", w, h),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}

func (e *env) keep(t *testing.T, name string, data []byte) string {
	t.Helper()
	sha, err := e.st.KeepSource(context.Background(), name, data, "page 1")
	if err != nil {
		t.Fatal(err)
	}
	return sha
}

func getPage(t *testing.T, e *env, sha string, page int) (int, []byte) {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/web/sources/" + sha + "/page/" + strconv.Itoa(page) + ".png")
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestPDFPageImageCapped (issue 20): a page of 14 400 pt rendered at
// 100 DPI was a 20 000 × 20 000 image, 1.6 GB and 29 s for pdftoppm. Its
// image is now at most 2000 px a side; an A4 page keeps 100 DPI.
func TestPDFPageImageCapped(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils)")
	}
	e := newEnv(t, false)
	cases := []struct {
		name         string
		w, h         int // points
		wantW, wantH int // pixels, ±2
	}{
		{"A4", 595, 842, 827, 1170},
		{"14400 pt square", 14400, 14400, 2000, 2000},
		{"long strip", 600, 14400, 83, 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sha := e.keep(t, tc.name+".pdf", onePagePDF(tc.w, tc.h))
			start := time.Now()
			code, body := getPage(t, e, sha, 1)
			took := time.Since(start)
			if code != http.StatusOK {
				t.Fatalf("%d %s", code, body)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d×%d px, %d KB, %v", tc.name, cfg.Width, cfg.Height, len(body)>>10, took.Round(time.Millisecond))
			if abs(cfg.Width-tc.wantW) > 2 || abs(cfg.Height-tc.wantH) > 2 {
				t.Errorf("image %d×%d, want %d×%d", cfg.Width, cfg.Height, tc.wantW, tc.wantH)
			}
			if cfg.Width > 2000 || cfg.Height > 2000 {
				t.Errorf("image %d×%d over 2000 px", cfg.Width, cfg.Height)
			}
		})
	}
}

func abs(n int) int { return max(n, -n) }

// TestPDFPageRendersBounded: six pages asked at once are rendered at
// most two at a time, all answered, and a page asked again comes from
// the cache. pdftoppm is a script here that notes how many copies of it
// run.
func TestPDFPageRendersBounded(t *testing.T) {
	dir := t.TempDir()
	var tiny bytes.Buffer
	png.Encode(&tiny, image.NewGray(image.Rect(0, 0, 4, 4)))
	if err := os.WriteFile(filepath.Join(dir, "tiny.png"), tiny.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
d='` + dir + `'
touch "$d/run.$$"
ls "$d" | grep -c '^run\.' >> "$d/seen"
sleep 0.4
for last; do :; done
cp "$d/tiny.png" "$last.png"
rm "$d/run.$$"
echo x >> "$d/calls"
`
	if err := os.WriteFile(filepath.Join(dir, "pdftoppm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	e := newEnv(t, false)
	// A comment after the end makes the document (its sha, the cache's
	// key) this run's own.
	sha := e.keep(t, "six.pdf", fmt.Appendf(onePagePDF(595, 842), "%% %s %d\n", t.Name(), time.Now().UnixNano()))
	var wg sync.WaitGroup
	for page := 1; page <= 6; page++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := getPage(t, e, sha, page); code != http.StatusOK {
				t.Errorf("page %d: %d %s", page, code, body)
			}
		}()
	}
	wg.Wait()
	seen, _ := os.ReadFile(filepath.Join(dir, "seen"))
	most := 0
	for _, f := range strings.Fields(string(seen)) {
		n, _ := strconv.Atoi(f)
		most = max(most, n)
	}
	if most == 0 || most > 2 {
		t.Errorf("at most %d renders ran at once, want 1 or 2 (seen %q)", most, seen)
	}
	if code, _ := getPage(t, e, sha, 3); code != http.StatusOK {
		t.Errorf("page 3 again: %d", code)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
	if n := strings.Count(string(calls), "x"); n != 6 {
		t.Errorf("pdftoppm ran %d times for 6 pages and one asked again, want 6 (%q, seen %q)", n, calls, seen)
	}
}

// TestIngestedSourceOpens: a report loaded in bulk (analytics ingest goes
// through change.Ingest) keeps its original, so its cells open at their
// line like an upload's; ingesting the same files again stores nothing.
func TestIngestedSourceOpens(t *testing.T) {
	e := newEnv(t, false)
	files := []string{filepath.Join("testdata", "fengtang-2022.txt")}
	pdf := filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2023_working.pdf")
	if _, err := os.Stat(pdf); err == nil {
		files = append(files, pdf)
	} else {
		t.Logf("no PDF of the corpus (%v): the text file only", err)
	}
	ctx := context.Background()
	ing := func() ingest.Summary {
		sum, err := change.New(e.st, nil).Ingest(ctx, change.Admin("cli:测试"), files, ingest.Meta{}, ingest.Options{}, nil)
		if err != nil || sum.Stored+sum.Unchanged != len(files) {
			t.Fatalf("ingest: %v %+v", err, sum)
		}
		return sum
	}
	countSources := func() (n int, bytes int64) {
		if err := e.st.DB().QueryRow(`SELECT count(*), coalesce(sum(octet_length(bytes)), 0) FROM source_documents`).Scan(&n, &bytes); err != nil {
			t.Fatal(err)
		}
		return n, bytes
	}
	n0, _ := countSources()
	first := ing()
	n1, b1 := countSources()
	if first.Originals != len(files) || n1-n0 != len(files) || first.OriginalBytes <= 0 {
		t.Fatalf("first ingest kept %d originals (%d bytes), %d new rows; want %d", first.Originals, first.OriginalBytes, n1-n0, len(files))
	}
	again := ing()
	n2, b2 := countSources()
	if again.Originals != 0 || again.OriginalBytes != 0 || n2 != n1 || b2 != b1 {
		t.Errorf("re-ingest stored %d originals (%d bytes); rows %d→%d, bytes %d→%d", again.Originals, again.OriginalBytes, n1, n2, b1, b2)
	}
	b := e.browser()
	for _, f := range files {
		var id int64
		if err := e.st.DB().QueryRow(`SELECT id FROM reports WHERE source_file = ?`, filepath.Base(f)).Scan(&id); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { b.sourceAtLine(t, strconv.FormatInt(id, 10)) })
	}
}

// TestIngestOriginalCap: a document over the cap is stored as a report
// without its original, and the summary says so by file name.
func TestIngestOriginalCap(t *testing.T) {
	e := newEnv(t, false)
	file := filepath.Join("testdata", "fengtang-2022.txt")
	sum, err := change.New(e.st, nil).Ingest(context.Background(), change.Admin("cli:测试"), []string{file}, ingest.Meta{}, ingest.Options{MaxOriginal: 100}, nil)
	if err != nil || sum.Stored != 1 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	if sum.Originals != 0 || len(sum.NotKept) != 1 || !strings.Contains(sum.NotKept[0], "fengtang-2022.txt") {
		t.Errorf("over the cap: kept %d, not kept %q", sum.Originals, sum.NotKept)
	}
}
