package ingest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/store"
)

// TestHostileParserInputs feeds the parser, through ingest.ParseBytes,
// the worst inputs the document limits still let through, and measures
// each one's time and allocation. The ceilings are generous: they catch
// a parser that is quadratic in what the limits allow, not a slow
// machine. The figures are in docs/reliability.md.
func TestHostileParserInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile parser inputs take a while; not run with -short")
	}
	lim := document.DefaultLimits()
	row := "本年新收政府信息公开申请数量 | 20 | 3 | "
	budget := int(lim.TextBytes) * 7 / 8 // room for the title line
	longLine := strings.Repeat("label | 20 | 3 | ", int(lim.LineBytes)/len("label | 20 | 3 | ")-1)
	cases := []struct {
		name string
		file string
		text func() string
	}{
		{"one line at the line limit", "line.txt", func() string { return "某镇2023年政府信息公开工作年度报告\n" + longLine + "\n" }},
		{"lines at the line limit up to the text limit", "lines.txt", func() string {
			return "某镇2023年政府信息公开工作年度报告\n" + strings.Repeat(longLine+"\n", budget/len(longLine))
		}},
		{"table rows up to a quarter of the limit", "rows1.txt", func() string {
			return "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + strings.Repeat(row+"\n", (budget/4)/(len(row)+1))
		}},
		{"table rows up to the text limit", "rows.txt", func() string {
			return "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + strings.Repeat(row+"\n", budget/(len(row)+1))
		}},
		{"section headings repeated up to the text limit", "heads.txt", func() string {
			h := "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
			return strings.Repeat(h, budget/len(h))
		}},
		{"full-width digits up to the text limit", "digits.txt", func() string {
			return "某镇2023年政府信息公开工作年度报告\n" + strings.Repeat("（一）予以公开 １２３ ４５６ ７８９ \n", budget/60)
		}},
		{"html grid of half the text limit", "grid.html", func() string {
			var sb strings.Builder
			sb.WriteString("<html><body><p>某镇2023年政府信息公开工作年度报告</p><table>")
			cols := 40
			for r := 0; r < min(int(lim.GridCells)/cols, budget/2/(cols*10)); r++ {
				sb.WriteString("<tr><td>（一）予以公开</td>")
				for c := 1; c < cols; c++ {
					fmt.Fprintf(&sb, "<td>%d</td>", c)
				}
				sb.WriteString("</tr>")
			}
			sb.WriteString("</table></body></html>")
			return sb.String()
		}},
	}
	t.Logf("%-38s %9s %10s %12s  %s", "class", "input", "time", "allocated", "outcome")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text())
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			reports, err := ingest.ParseBytes(c.file, data, ingest.Meta{})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			outcome := "error: " + fmt.Sprint(err)
			if err == nil {
				outcome = fmt.Sprintf("%d report(s), %d cells", len(reports), len(reports[0].Cells))
			}
			t.Logf("%-38s %8.1fM %10s %11.1fM  %.90s", c.name, float64(len(data))/(1<<20), elapsed.Round(time.Millisecond), float64(alloc)/(1<<20), outcome)
			if elapsed > 120*time.Second {
				t.Errorf("took %v: the parser is not linear in its input", elapsed)
			}
			if alloc > 200*uint64(len(data))+256<<20 {
				t.Errorf("allocated %d MB for %d MB of input", alloc>>20, len(data)>>20)
			}
		})
	}
}

// TestHostileFileInFolder: ingesting a folder where one file is a zip
// bomb and one a page of huge spans stores the good reports and reports
// the two others as their own failures, naming them. Stored file names
// carry no folder.
func TestHostileFileInFolder(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("..", "data", "sample", "雁江区", "2023", "丰裕镇.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte("年"), 1<<16)
	for n := 0; n < 200<<20; n += len(chunk) {
		w.Write(chunk)
	}
	zw.Close()
	spans := "<table>" + strings.Repeat(`<tr><td colspan="1000" rowspan="65534">x</td></tr>`, 300) + "</table>"
	for name, data := range map[string][]byte{"a-good.txt": good, "b-bomb.docx": bomb.Bytes(), "c-spans.html": []byte(spans)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "h.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := ingest.IngestPaths(context.Background(), st, []string{dir}, ingest.Meta{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 1 || sum.Failed != 2 {
		t.Fatalf("stored %d, failed %d (%v); want 1 and 2", sum.Stored, sum.Failed, sum.Failures)
	}
	for _, want := range []string{"b-bomb.docx", "c-spans.html"} {
		found := false
		for _, f := range sum.Failures {
			found = found || strings.Contains(f, want)
		}
		if !found {
			t.Errorf("no failure names %s: %v", want, sum.Failures)
		}
	}
	var file string
	if err := st.DB().QueryRow(`SELECT source_file FROM reports`).Scan(&file); err != nil {
		t.Fatal(err)
	}
	if file != "a-good.txt" {
		t.Errorf("source_file %q, want the file name alone", file)
	}
}
