package ingest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/report"
	"nianbao/store"
)

// countyWorkbook writes a county's summary workbook of three reports, one
// a row: one document whose reports a small batch size spreads over two
// batches.
func countyWorkbook(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := document.WriteSummaryTemplate(&buf, "all"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	header, err := f.GetRows("汇总")
	if err != nil || len(header) != 1 {
		t.Fatalf("template rows %d, %v", len(header), err)
	}
	col := map[string]int{}
	for i, h := range header[0] {
		col[h] = i + 1
	}
	set := func(row int, label string, v any) {
		t.Helper()
		cell, _ := excelize.CoordinatesToCellName(col[label], row)
		if err := f.SetCellValue("汇总", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, agency := range []string{"劳动镇人民政府", "石桥镇人民政府", "天池镇人民政府"} {
		row := i + 2
		set(row, "机关", agency)
		set(row, "县（区）", "乐至县")
		set(row, "年度", 2022)
		set(row, "版本", "2021")
		set(row, report.Label("t3.new.natural"), i+1)
		set(row, report.Label("t3.new.total"), i+1)
	}
	path := filepath.Join(dir, "乐至县汇总.xlsx")
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The originals of a document whose reports fall in two batches: kept
// once (the second batch finds it in the database, no map of the run's
// documents), and one over the cap named once.
func TestOriginalAcrossBatches(t *testing.T) {
	for _, c := range []struct {
		name             string
		max              int64
		kept, rows, refs int
	}{
		{"kept once", 0, 1, 1, 0},
		{"over the cap, named once", 100, 0, 0, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			path := countyWorkbook(t, t.TempDir())
			sum, err := ingest.IngestPathsWith(ctx, st, []string{path}, ingest.Meta{}, ingest.Options{BatchSize: 2, MaxOriginal: c.max}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Stored != 3 || sum.Failed != 0 {
				t.Fatalf("stored %d, failed %d: %v", sum.Stored, sum.Failed, sum.Failures)
			}
			var rows int
			if err := st.DB().QueryRow(`SELECT count(*) FROM source_documents`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if sum.Originals != c.kept || rows != c.rows || len(sum.NotKept) != c.refs {
				t.Errorf("originals %d, rows %d, not kept %q; want %d, %d, %d", sum.Originals, rows, sum.NotKept, c.kept, c.rows, c.refs)
			}
		})
	}
}
