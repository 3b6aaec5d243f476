package query_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
)

func TestExportParquet(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	dir := filepath.Join(t.TempDir(), "it's parquet") // a quote in the path
	if err := q.ExportParquet(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	// DuckDB percent-encodes partition values in directory names; readers
	// with hive partitioning decode them.
	files, _ := filepath.Glob(filepath.Join(dir, "year=2022", "province="+url.PathEscape("四川省"), "county="+url.PathEscape("乐至县"), "*.parquet"))
	if len(files) != 1 {
		entries, _ := os.ReadDir(filepath.Join(dir, "year=2022"))
		t.Fatalf("partition files %v (top: %v)", files, entries)
	}
	var cells int
	var sum float64
	err := st.DB().QueryRow(`SELECT count(*), sum(value) FILTER (WHERE code = 't3.new.total')
		FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true) WHERE county = '乐至县' AND year = 2022`, dir).Scan(&cells, &sum)
	if err != nil {
		t.Fatal(err)
	}
	var want int
	st.DB().QueryRow(`SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.county = '乐至县' AND r.year = 2022`).Scan(&want)
	if cells != want || sum != 10 {
		t.Fatalf("read back %d cells (want %d), new total %v (want 10)", cells, want, sum)
	}
	// The registry's codes are columns (issue 10).
	var codes int
	if err := st.DB().QueryRow(`SELECT count(DISTINCT division_code) FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true)
		WHERE county_code = '512022' AND city_code = '512000' AND province_code = '510000' AND division_code = '512022110'`, dir).Scan(&codes); err != nil || codes != 1 {
		t.Fatalf("codes in the export: %d %v", codes, err)
	}
}
