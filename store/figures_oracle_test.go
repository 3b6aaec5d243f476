package store_test

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/registry"
	"nianbao/store"
)

// figuresOracle is the SQL that filled report_figures before issue 25,
// kept only here: an independent definition of every column the Go code
// (store/figures.go) must equal.
//
//go:embed testdata/figures_oracle.sql
var figuresOracle string

// TestFiguresEqualTheSQLOracle stores data/sample (both editions, every
// layout) and a generated national corpus (text, HTML, Word, Excel), so
// report_figures is written by the write path from the reports in memory;
// then it empties the table and opens the database again, so the fill at
// open computes every row from the stored cells. After each, every column
// of every row must equal what the SQL oracle computes from cells — NULL
// where it gives NULL, one row per report, none for another id.
func TestFiguresEqualTheSQLOracle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "oracle.duckdb")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	if err := st.EnsureRegistry(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	national := t.TempDir()
	if _, err := generate.WriteNational(national, generate.NationalPlaces(reg, 7), generate.NationalOptions{Seed: 7, Limit: 300}); err != nil {
		t.Fatal(err)
	}
	// data/sample went in batches (a folder's path), these one by one (the upload's).
	if _, err := ingest.IngestPathsWith(ctx, st, []string{filepath.Join(national)}, ingest.Meta{}, ingest.Options{BatchSize: 1}, nil); err != nil {
		t.Fatal(err)
	}
	compareWithOracle(t, st.DB(), "written with the reports")

	if _, err := st.DB().ExecContext(ctx, `DELETE FROM report_figures`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err = store.Open(path); err != nil {
		t.Fatal(err)
	}
	compareWithOracle(t, st.DB(), "filled at open from the stored cells")
}

// compareWithOracle compares report_figures with the oracle's rows.
func compareWithOracle(t *testing.T, db *sql.DB, step string) {
	t.Helper()
	oracle := strings.NewReplacer("/*which*/", "TRUE", "/*cells*/", "TRUE").Replace(figuresOracle)
	want := figureRows(t, db, oracle+" ORDER BY 1")
	got := figureRows(t, db, `SELECT * FROM report_figures ORDER BY report_id`)
	var reports int
	if err := db.QueryRow(`SELECT count(*) FROM reports`).Scan(&reports); err != nil {
		t.Fatal(err)
	}
	if len(want) != reports || reports < 300 {
		t.Fatalf("%s: the oracle gives %d rows for %d reports (want at least 300 reports)", step, len(want), reports)
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d report_figures rows, the oracle %d", step, len(got), len(want))
	}
	cols := figureColumnNames(t, db)
	differ := 0
	for i := range min(len(got), len(want)) {
		for j := range want[i] {
			if !reflect.DeepEqual(got[i][j], want[i][j]) {
				differ++
				if differ <= 10 {
					t.Errorf("%s: row %d (report %v), column %s: %v, the oracle %v", step, i, want[i][0], cols[j], show(got[i][j]), show(want[i][j]))
				}
			}
		}
	}
	if differ > 10 {
		t.Errorf("%s: %d values differ in all", step, differ)
	}
}

// figureRows reads rows laid out as report_figures: id, two booleans,
// then doubles that may be NULL (kept as sql.NullFloat64, so NULL and 0
// differ).
func figureRows(t *testing.T, db *sql.DB, q string) [][]any {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		var id int64
		var t3, t4 bool
		vals := make([]sql.NullFloat64, len(n)-3)
		dest := []any{&id, &t3, &t4}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		row := []any{id, t3, t4}
		for _, v := range vals {
			row = append(row, v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func figureColumnNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM report_figures LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

func show(v any) string {
	if n, ok := v.(sql.NullFloat64); ok {
		if !n.Valid {
			return "NULL"
		}
		return fmt.Sprint(n.Float64)
	}
	return fmt.Sprint(v)
}
