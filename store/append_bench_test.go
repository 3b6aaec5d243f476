package store

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"nianbao/report"
)

// BenchmarkAppendCells writes the cells and sources of a batch of 1 024
// reports (190 cells and 190 sources each, versioned) into cells and
// cell_sources in one transaction, three ways, and reports the CPU per
// report (user+sys of the process: DuckDB's threads included):
//
//   - appendrow: the Appender, one AppendRow per row (what the store does);
//
//   - csv-copy: the rows written to two CSV files in Go, loaded by
//     INSERT … SELECT FROM read_csv in the same transaction;
//
//   - unnest: one INSERT per report binding each column as a list.
//
//   - tableudf: the rows kept as Go columns and handed to DuckDB a chunk
//     at a time through a table function (RegisterTableUDF), one
//     INSERT … SELECT per table (columns_bench_test.go).
//
// with-commit-ms/report adds COMMIT and the final CHECKPOINT, where the
// rows are written (to the log, then to the file).
//
// duckdb-go v2.10506 has no public way to append a whole DataChunk through
// an Appender (AppendRow fills its chunk; the connection handle the C
// appender needs is unexported), and its Arrow support needs the
// duckdb_arrow build tag and apache/arrow-go: neither is measured.
// docs/benchmarks.md "Each value written once" has the figures.
func BenchmarkAppendCells(b *testing.B) {
	// NIANBAO_BENCH_BATCH sets the reports of the batch: DuckDB writes a
	// transaction's rows to the database file as it goes (not to its log)
	// once a table gets a whole row group, 122 880 rows, ~650 reports.
	n := 1024
	if v, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_BATCH")); err == nil && v > 0 {
		n = v
	}
	batch := make([]*report.Report, n)
	for i := range batch {
		batch[i] = versioned(float64(i%50), "h", "说明")
	}
	for _, way := range []struct {
		name  string
		write func(b *testing.B, w *writer, dir string, batch []*report.Report)
	}{
		{"appendrow", appendRowWay},
		{"csv-copy", csvWay},
		{"unnest", unnestWay},
		{"tableudf", tableUDFWay},
	} {
		b.Run(way.name, func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			s, err := Open(filepath.Join(dir, "bench.duckdb"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var cpu, commit time.Duration
			reports := 0
			for b.Loop() {
				conn, err := s.db.Conn(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
					b.Fatal(err)
				}
				before := cpuTime()
				w := newWriter(conn, true)
				way.write(b, w, dir, batch)
				if err := w.close(); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - before
				before = cpuTime()
				if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
					b.Fatal(err)
				}
				commit += cpuTime() - before
				conn.Close()
				reports += n
			}
			// The rows written are paid for again at the checkpoint (in the
			// log until then): CPU per report with COMMIT and CHECKPOINT too.
			before := cpuTime()
			if err := s.checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			commit += cpuTime() - before
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(reports), "cpu-ms/report")
			b.ReportMetric(float64((cpu+commit).Microseconds())/1000/float64(reports), "with-commit-ms/report")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func appendRowWay(b *testing.B, w *writer, _ string, batch []*report.Report) {
	for i, r := range batch {
		id := int64(i + 1)
		for _, code := range w.codesFor(r) {
			if err := w.appendRow("cells", id, code, r.Cells[code]); err != nil {
				b.Fatal(err)
			}
		}
		for _, code := range w.codesFor(r) {
			s := r.Sources[code]
			if err := w.appendRow("cell_sources", id, code, int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note); err != nil {
				b.Fatal(err)
			}
		}
	}
}

const (
	benchCellsCSV   = `INSERT INTO cells SELECT * FROM read_csv($1, header = false, columns = {'report_id': 'BIGINT', 'code': 'VARCHAR', 'value': 'DOUBLE'})`
	benchSourcesCSV = `INSERT INTO cell_sources SELECT * FROM read_csv($1, header = false, columns = {'report_id': 'BIGINT', 'code': 'VARCHAR', 'line': 'INTEGER', 'page': 'INTEGER', 'tbl': 'INTEGER', 'grid_row': 'INTEGER', 'grid_col': 'INTEGER', 'raw': 'VARCHAR', 'note': 'VARCHAR'})`
)

func csvWay(b *testing.B, w *writer, dir string, batch []*report.Report) {
	cells, sources := filepath.Join(dir, "cells.csv"), filepath.Join(dir, "sources.csv")
	fc, err := os.Create(cells)
	if err != nil {
		b.Fatal(err)
	}
	fs, err := os.Create(sources)
	if err != nil {
		b.Fatal(err)
	}
	cw, sw := csv.NewWriter(fc), csv.NewWriter(fs)
	rec := make([]string, 9)
	for i, r := range batch {
		id := strconv.Itoa(i + 1)
		for _, code := range w.codesFor(r) {
			rec[0], rec[1], rec[2] = id, code, strconv.FormatFloat(r.Cells[code], 'g', -1, 64)
			cw.Write(rec[:3])
		}
		for _, code := range w.codesFor(r) {
			s := r.Sources[code]
			rec[0], rec[1] = id, code
			rec[2], rec[3], rec[4], rec[5], rec[6] = strconv.Itoa(s.Line), strconv.Itoa(s.Page), strconv.Itoa(s.Table), strconv.Itoa(s.Row), strconv.Itoa(s.Col)
			rec[7], rec[8] = s.Raw, s.Note
			sw.Write(rec)
		}
	}
	cw.Flush()
	sw.Flush()
	if err := fc.Close(); err != nil {
		b.Fatal(err)
	}
	if err := fs.Close(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.ExecContext(ctx, benchCellsCSV, cells); err != nil {
		b.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, benchSourcesCSV, sources); err != nil {
		b.Fatal(err)
	}
}

const (
	benchCellsUnnest   = `INSERT INTO cells SELECT $1, unnest($2::VARCHAR[]), unnest($3::DOUBLE[])`
	benchSourcesUnnest = `INSERT INTO cell_sources SELECT $1, unnest($2::VARCHAR[]), unnest($3::INTEGER[]), unnest($4::INTEGER[]), unnest($5::INTEGER[]), unnest($6::INTEGER[]), unnest($7::INTEGER[]), unnest($8::VARCHAR[]), unnest($9::VARCHAR[])`
)

func unnestWay(b *testing.B, w *writer, _ string, batch []*report.Report) {
	ctx := context.Background()
	for i, r := range batch {
		codes := w.codesFor(r)
		vals := make([]float64, len(codes))
		line, page, tbl, row, col := make([]int32, len(codes)), make([]int32, len(codes)), make([]int32, len(codes)), make([]int32, len(codes)), make([]int32, len(codes))
		raw, note := make([]string, len(codes)), make([]string, len(codes))
		for j, code := range codes {
			vals[j] = r.Cells[code]
			s := r.Sources[code]
			line[j], page[j], tbl[j], row[j], col[j], raw[j], note[j] = int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note
		}
		if _, err := w.ExecContext(ctx, benchCellsUnnest, int64(i+1), codes, vals); err != nil {
			b.Fatal(err)
		}
		if _, err := w.ExecContext(ctx, benchSourcesUnnest, int64(i+1), codes, line, page, tbl, row, col, raw, note); err != nil {
			b.Fatal(err)
		}
	}
}

// tableUDFWay hands the batch's columns to DuckDB through a chunked table
// function (duckdb-go's RegisterTableUDF): one INSERT … SELECT per table.
func tableUDFWay(b *testing.B, w *writer, _ string, batch []*report.Report) {
	ctx := context.Background()
	var cells, sources rowColumns
	for i, r := range batch {
		id := int64(i + 1)
		for _, code := range w.codesFor(r) {
			cells.add(id, code, r.Cells[code])
		}
		for _, code := range w.codesFor(r) {
			s := r.Sources[code]
			sources.add(id, code, int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note)
		}
	}
	for _, t := range []struct {
		table string
		rows  *rowColumns
	}{{"cells", &cells}, {"cell_sources", &sources}} {
		if err := w.insertColumns(ctx, t.table, t.rows); err != nil {
			b.Fatal(err)
		}
	}
}
