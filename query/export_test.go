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

// TestExportParquetWhere exports one place or year at a time and reads
// the files back: each holds the rows of that filter only, as many as the
// database holds for it, and a name with a quote is a value, not SQL.
func TestExportParquetWhere(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	ctx := context.Background()
	cases := []struct {
		name  string
		f     query.ExportFilter
		where string // the same selection written here, on the database
	}{
		{"county by name", query.ExportFilter{County: "乐至县"}, `r.county = '乐至县'`},
		{"county by code and year", query.ExportFilter{County: "512022", Year: 2022}, `a.county_code = '512022' AND r.year = 2022`},
		{"city", query.ExportFilter{City: "资阳市"}, `a.city = '资阳市'`},
		{"province by code", query.ExportFilter{Province: "510000", Year: 2021}, `a.province_code = '510000' AND r.year = 2021`},
		{"year", query.ExportFilter{Year: 2020}, `r.year = 2020`},
		{"quote in a name", query.ExportFilter{County: "x' OR 1=1 --"}, `FALSE`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := q.ExportParquetWhere(ctx, dir, c.f); err != nil {
				t.Fatal(err)
			}
			var want int
			if err := st.DB().QueryRow(`SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id
				LEFT JOIN agencies a ON a.id = r.agency_id WHERE ` + c.where).Scan(&want); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "*.parquet"))
			if want == 0 {
				if len(files) != 0 {
					t.Fatalf("a filter selecting nothing wrote %v", files)
				}
				return
			}
			var got, outside int
			err := st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE NOT (`+c.where+`))
				FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true) r
				LEFT JOIN agencies a ON a.id = r.agency_id`, dir).Scan(&got, &outside)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || outside != 0 {
				t.Fatalf("read back %d rows (want %d), %d outside the filter", got, want, outside)
			}
			// A place filter's rows carry that place in their columns: the
			// export names the place the filter (and the map) counted them in.
			col, place := "", ""
			switch {
			case c.f.Province != "":
				col, place = "province", "四川省"
			case c.f.City != "":
				col, place = "city", c.f.City
			}
			if col != "" {
				var other int
				if err := st.DB().QueryRow(`SELECT count(*) FILTER (WHERE `+col+` <> ?)
					FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true)`, place, dir).Scan(&other); err != nil {
					t.Fatal(err)
				}
				if other != 0 {
					t.Fatalf("%d rows exported with a %s other than %s", other, col, place)
				}
			}
		})
	}
}
