package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nianbao/store"
)

// TestExportFiltered: `analytics export --county C --year Y` writes the
// cells of that county's year only, as many as the database holds; a
// county of no report writes nothing; a year out of range is refused.
func TestExportFiltered(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	var out, errb bytes.Buffer
	if code := run([]string{"ingest", "--db", db, "../../data/sample"}, &out, &errb); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errb.String())
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	var county string
	var year, want, others int
	err = st.DB().QueryRow(`SELECT r.county, r.year, count(*) FROM reports r JOIN cells c ON c.report_id = r.id
		GROUP BY ALL ORDER BY r.county, r.year LIMIT 1`).Scan(&county, &year, &want)
	if err == nil {
		err = st.DB().QueryRow(`SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.county <> ? OR r.year <> ?`, county, year).Scan(&others)
	}
	st.Close()
	if err != nil || want == 0 || others == 0 {
		t.Fatalf("the sample should hold several counties' years: %v, %d cells of %s %d, %d others", err, want, county, year, others)
	}
	outDir := filepath.Join(dir, "out")
	if code := run([]string{"export", "--db", db, "--parquet", outDir, "--county", county, "--year", strconv.Itoa(year)}, &out, &errb); code != 0 {
		t.Fatalf("export exit %d: %s", code, errb.String())
	}
	st, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got, outside int
	if err := st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE county <> ? OR year <> ?)
		FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true)`, county, year, outDir).Scan(&got, &outside); err != nil {
		t.Fatal(err)
	}
	if got != want || outside != 0 {
		t.Errorf("export --county %s --year %d: %d rows (want %d), %d of other places or years", county, year, got, want, outside)
	}
	st.Close()
	empty := filepath.Join(dir, "empty")
	if code := run([]string{"export", "--db", db, "--parquet", empty, "--county", "没有这个县"}, &out, &errb); code != 0 {
		t.Errorf("export of a county with no report: exit %d: %s", code, errb.String())
	}
	if files, _ := filepath.Glob(filepath.Join(empty, "*", "*", "*", "*.parquet")); len(files) != 0 {
		t.Errorf("a county with no report wrote %v", files)
	}
	errb.Reset()
	if code := run([]string{"export", "--db", db, "--parquet", empty, "--year", "23"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--year 23 不是年份") {
		t.Errorf("--year 23: exit %d, %s", code, errb.String())
	}
}
