package ingest_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/registry"
	"nianbao/store"
)

// ingestFigures is one measured ingest beside DuckDB's own floor: the same
// cells loaded by COPY from a CSV file into an empty table.
type ingestFigures struct {
	Reports int
	Bytes   int64
	Ingest  time.Duration
	Cells   int
	Floor   time.Duration
}

func (f ingestFigures) String() string {
	return fmt.Sprintf("%d reports, %.1f MB: ingest %.2f s = %.0f reports/s, %.2f MB/s; COPY of the same %d cells from CSV %.3f s; ratio %.1f×",
		f.Reports, float64(f.Bytes)/1e6, f.Ingest.Seconds(), float64(f.Reports)/f.Ingest.Seconds(), float64(f.Bytes)/1e6/f.Ingest.Seconds(),
		f.Cells, f.Floor.Seconds(), f.Ingest.Seconds()/f.Floor.Seconds())
}

// registeredStore opens a fresh database file in dir with the registry
// loaded, as any database past its first ingest is.
func registeredStore(tb testing.TB, dir, name string) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.EnsureRegistry(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return st
}

// measureIngest ingests dir into a fresh database file (the registry
// loaded first, as in any database past its first ingest) and then times
// DuckDB loading the cells it stored from CSV, in the same run.
func measureIngest(tb testing.TB, dir string, batch int) ingestFigures {
	tb.Helper()
	ctx := context.Background()
	var f ingestFigures
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			f.Bytes += info.Size()
		}
		return nil
	})
	tmp := tb.TempDir()
	st := registeredStore(tb, tmp, "ingest.duckdb")
	start := time.Now()
	sum, err := ingest.IngestPathsWith(ctx, st, []string{dir}, ingest.Meta{}, ingest.Options{BatchSize: batch}, nil)
	f.Ingest = time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	f.Reports = sum.Stored
	if sum.Failed > 0 {
		tb.Fatalf("%d failed: %v", sum.Failed, sum.Failures)
	}
	f.Cells, f.Floor, _ = copyFloor(tb, st, tmp)
	return f
}

// copyFloor writes the cells st holds as CSV and times DuckDB loading them
// by COPY into an empty table of a fresh file: the floor an ingest is
// measured against. cpu is the process's CPU time during the COPY (DuckDB's
// threads included), the steadier figure on a shared machine.
func copyFloor(tb testing.TB, st *store.Store, tmp string) (cells int, floorTime, cpu time.Duration) {
	tb.Helper()
	ctx := context.Background()
	csvPath := filepath.Join(tmp, "cells.csv")
	out, err := os.Create(csvPath)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(out)
	rows, err := st.DB().QueryContext(ctx, `SELECT report_id, code, value FROM cells`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var code string
		var v float64
		if err := rows.Scan(&id, &code, &v); err != nil {
			tb.Fatal(err)
		}
		w.Write([]string{strconv.FormatInt(id, 10), code, strconv.FormatFloat(v, 'g', -1, 64)})
		cells++
	}
	rows.Close()
	w.Flush()
	out.Close()
	floor, err := sql.Open("duckdb", filepath.Join(tmp, "floor.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	defer floor.Close()
	if _, err := floor.Exec(`CREATE TABLE cells (report_id BIGINT, code VARCHAR, value DOUBLE)`); err != nil {
		tb.Fatal(err)
	}
	start, cpu0 := time.Now(), cpuTime(tb)
	if _, err := floor.Exec(`COPY cells FROM '` + csvPath + `' (HEADER false)`); err != nil {
		tb.Fatal(err)
	}
	return cells, time.Since(start), cpuTime(tb) - cpu0
}

// BenchmarkIngestGenerated ingests generated text reports end to end
// (collect, read, parse on all cores, one writer storing batches, the
// assessment's re-check per county) and prints the ratio to DuckDB's own
// COPY of the same cells. NIANBAO_BENCH_TOWNS sets the towns per county
// (6 counties × 6 years; default 17, about 600 reports; 167 ≈ 6 000).
func BenchmarkIngestGenerated(b *testing.B) {
	towns := 17
	if n, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_TOWNS")); err == nil && n > 0 {
		towns = n
	}
	dir := b.TempDir()
	if _, err := generate.WriteCorpus(dir, generate.Options{Seed: 7, Counties: generate.CountyNames, Towns: []int{towns}}, generate.Layouts()); err != nil {
		b.Fatal(err)
	}
	for _, batch := range []int{1, ingest.DefaultBatchSize} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			var f ingestFigures
			for b.Loop() {
				f = measureIngest(b, dir, batch)
			}
			b.Log(f)
			b.ReportMetric(float64(f.Reports)/f.Ingest.Seconds(), "reports/s")
			b.ReportMetric(f.Ingest.Seconds()/f.Floor.Seconds(), "x_floor")
		})
	}
}

// nationalByFormat writes a sample of the national corpus spread over the
// country (limit reports) into one folder per format, with the manifests.
func nationalByFormat(tb testing.TB, limit int) map[string]string {
	tb.Helper()
	reg, err := registry.Default()
	if err != nil {
		tb.Fatal(err)
	}
	root := tb.TempDir()
	if _, err := generate.WriteNational(root, generate.NationalPlaces(reg, 3), generate.NationalOptions{Seed: 3, Limit: limit}); err != nil {
		tb.Fatal(err)
	}
	dirs := map[string]string{}
	err = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() == "manifest.csv" {
			return err
		}
		format := filepath.Ext(path)[1:]
		rel, _ := filepath.Rel(root, path)
		dst := filepath.Join(root+"-"+format, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(path, dst); err != nil {
			return err
		}
		// The folder's manifest goes along (it names every file, of every
		// format; ingest only looks up the files it reads).
		m := filepath.Join(filepath.Dir(path), "manifest.csv")
		if data, err := os.ReadFile(m); err == nil {
			os.WriteFile(filepath.Join(filepath.Dir(dst), "manifest.csv"), data, 0o644)
		}
		dirs[format] = root + "-" + format
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dirs
}

// BenchmarkIngestFormats ingests a national sample one format at a time
// (text, HTML, Word, Excel; PDF needs a browser to render) and prints each
// against DuckDB's floor. NIANBAO_BENCH_NATIONAL sets the sample (default 600).
func BenchmarkIngestFormats(b *testing.B) {
	limit := 600
	if n, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_NATIONAL")); err == nil && n > 0 {
		limit = n
	}
	dirs := nationalByFormat(b, limit)
	for _, format := range []string{"txt", "html", "docx", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			var f ingestFigures
			for b.Loop() {
				f = measureIngest(b, dirs[format], ingest.DefaultBatchSize)
			}
			b.Log(f)
			b.ReportMetric(float64(f.Reports)/f.Ingest.Seconds(), "reports/s")
			b.ReportMetric(f.Ingest.Seconds()/f.Floor.Seconds(), "x_floor")
		})
	}
}

// TestIngestBenchmarkRuns keeps the benchmark's code working in CI on a
// handful of reports; it asserts what was stored, never a time.
func TestIngestBenchmarkRuns(t *testing.T) {
	dir := t.TempDir()
	truth, err := generate.WriteCorpus(dir, generate.Options{Seed: 7, Counties: generate.CountyNames[:2], Towns: []int{3}, FirstYear: 2023, LastYear: 2023}, generate.Layouts())
	if err != nil {
		t.Fatal(err)
	}
	f := measureIngest(t, dir, 4)
	if f.Reports != len(truth) || f.Cells == 0 {
		t.Fatalf("stored %d of %d reports, %d cells", f.Reports, len(truth), f.Cells)
	}
	t.Log(f)
	for format, dir := range nationalByFormat(t, 40) {
		f := measureIngest(t, dir, 4)
		if f.Reports == 0 || f.Cells == 0 {
			t.Errorf("%s: stored %d reports, %d cells", format, f.Reports, f.Cells)
		}
		t.Log(format, f)
	}
}
