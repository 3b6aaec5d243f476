package query

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nianbao/ingest"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
)

// The statistics that read report_figures (migration 040), with the SQL
// they ran before it kept in testdata/before040: the reference the new
// answers must equal, number for number.
var figureStats = []string{"Applications", "Outcomes", "Reviews", "AssessmentMetrics", "Proactive"}

// TestFiguresFollowEveryWrite runs every write that changes a report's
// current cells — a batched folder ingest, one-by-one saves and uploads, a
// correction, its undo, a re-ingest with changed numbers, a restore, a
// metadata change, a merge of agencies, a delete — and after each checks
// that report_figures equals the figures computed afresh from cells and
// that every statistic answers what its SQL from before report_figures
// answers on the same database.
func TestFiguresFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "figures.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	check := func(step string) {
		t.Helper()
		drift, err := st.FiguresDrift(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if len(drift) > 0 {
			t.Errorf("%s: report_figures differs from the cells for reports %v", step, drift)
		}
		var reports, rows int
		if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_figures)`).Scan(&reports, &rows); err != nil {
			t.Fatal(err)
		}
		if reports != rows {
			t.Errorf("%s: %d reports, %d report_figures rows", step, reports, rows)
		}
		compareWithBefore(t, db, step)
	}

	// A folder in batches (the sample corpus: both editions, every layout).
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	check("batched ingest of data/sample")

	// Real reports one by one, as uploads are stored (when the corpus is there).
	if _, err := os.Stat("../../shared/corpus/excerpts"); err == nil {
		if _, err := ingest.IngestPathsWith(ctx, st, []string{"../../shared/corpus/excerpts"}, ingest.Meta{}, ingest.Options{BatchSize: 1}, nil); err != nil {
			t.Fatal(err)
		}
		check("one-by-one ingest of the real excerpts")
	} else {
		t.Log("../shared/corpus absent: the real excerpts are not ingested")
	}

	// Generated reports through SaveWith, and a batch through SaveBatch.
	gen := querytest.Generated(120)
	for _, r := range gen[:60] {
		if _, err := st.SaveWith(ctx, r, store.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var items []store.BatchItem
	for _, r := range gen[60:] {
		items = append(items, store.BatchItem{Report: r})
	}
	if _, _, err := st.SaveBatch(ctx, items); err != nil {
		t.Fatal(err)
	}
	check("generated reports, one by one and batched")

	// Pick a report with table 3 and table 4 to write on.
	var id int64
	if err := db.QueryRowContext(ctx, `SELECT report_id FROM report_figures WHERE has_t3 AND has_t4 AND t3_other_total IS NOT NULL ORDER BY report_id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Correct(ctx, id, "t3.new.total", 987, "测试：更正", "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Correct(ctx, id, "t4.reconsideration.corrected", 55, "测试：更正", "tester"); err != nil {
		t.Fatal(err)
	}
	// A cell the report did not have: the figure goes from NULL to a value.
	if _, err := st.Correct(ctx, id, "t3.other.total", 7, "测试：补录", "tester"); err != nil {
		t.Fatal(err)
	}
	check("corrections")
	if _, err := st.UndoCorrection(ctx, id, "t3.new.total", "测试：撤销", "tester"); err != nil {
		t.Fatal(err)
	}
	check("undo of a correction")

	// A re-ingest of a generated report with changed numbers: version 2.
	changed := *gen[0]
	changed.Cells = map[string]float64{}
	for k, v := range gen[0].Cells {
		changed.Cells[k] = v + 3
	}
	changed.SHA256 = "changed-" + gen[0].SHA256
	res, err := st.SaveWith(ctx, &changed, store.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Current || res.Version != 2 {
		t.Fatalf("re-ingest: version %d current %v, want version 2 current", res.Version, res.Current)
	}
	check("re-ingest with changed numbers")
	if err := st.Restore(ctx, res.ID, 1, "tester", "测试：恢复"); err != nil {
		t.Fatal(err)
	}
	check("restore of version 1")

	// Metadata and merges move reports between groups without touching
	// cells: the statistics must follow through the join.
	county := "改属县"
	if err := st.UpdateMeta(ctx, res.ID, store.MetaChange{County: &county}, "tester", "测试：改县"); err != nil {
		t.Fatal(err)
	}
	check("metadata change")
	var from, into string
	err = db.QueryRowContext(ctx, `
SELECT a.agency_id, b.agency_id FROM
  (SELECT agency_id, county, list(year) AS ys FROM reports WHERE agency_id IS NOT NULL GROUP BY ALL) a,
  (SELECT agency_id, county, list(year) AS ys FROM reports WHERE agency_id IS NOT NULL GROUP BY ALL) b
WHERE a.agency_id < b.agency_id AND a.county = b.county AND len(list_intersect(a.ys, b.ys)) = 0
ORDER BY 1, 2 LIMIT 1`).Scan(&from, &into)
	if err != nil {
		t.Fatalf("no two agencies of one county without a common year: %v", err)
	}
	if err := st.MergeAgencies(ctx, from, into, "tester", "测试：合并"); err != nil {
		t.Fatal(err)
	}
	check("merge of agencies")

	if err := st.DeleteWithReason(ctx, id, "tester", "测试：删除"); err != nil {
		t.Fatal(err)
	}
	check("delete")
}

// compareWithBefore runs each statistic with its SQL of today and of
// before report_figures over groupings and filters, and reports any
// difference of rows, order or value.
func compareWithBefore(t *testing.T, db *sql.DB, step string) {
	t.Helper()
	// Every kind of grouping expression (a column, a correlated lookup in
	// agencies) and of filter (a reports column, the findings relation, a
	// registry subquery) once.
	groupings := []GroupBy{GroupNone, GroupAgency, GroupYear, GroupProvince}
	filters := []Filter{{}, {Edition: report.Edition2019}, {Dismissed: true}, {Level: "towns"}}
	compareCells(t, db, step, groupings, filters)
	for _, name := range figureStats {
		before, err := os.ReadFile(filepath.Join("testdata", "before040", name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groupings {
			for _, f := range filters {
				now, err := build(name, f, g, nil)
				if err != nil {
					t.Fatal(err)
				}
				old, err := buildText(name, string(before), f, g, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, want := rowsOf(t, db, now), rowsOf(t, db, old)
				got = columnsBefore(name, got, want)
				if name == "Proactive" {
					// Its codes came in no order within a group before.
					sortRows(got)
					sortRows(want)
				}
				if len(want) == 0 && f == (Filter{}) {
					t.Fatalf("%s: %s by %q answers no row: nothing compared", step, name, g)
				}
				if i, ok := sameRows(got, want); !ok {
					t.Errorf("%s: %s by %q, filter %s: %d rows, want %d; first difference at row %d:\n got %v\nwant %v",
						step, name, g, f.key(), len(got), len(want), i, at(got, i), at(want, i))
				}
			}
		}
	}
}

// compareCells checks that Cells from report_figures (CellsFigures.sql)
// gives every group and code the sum that Cells.sql gives over cells.
func compareCells(t *testing.T, db *sql.DB, step string, groupings []GroupBy, filters []Filter) {
	t.Helper()
	codes := slices.Sorted(maps.Keys(figureColumn))
	for _, g := range groupings {
		for _, f := range filters {
			old, err := build("Cells", f, g, codes)
			if err != nil {
				t.Fatal(err)
			}
			now, err := build("CellsFigures", f, g, codes)
			if err != nil {
				t.Fatal(err)
			}
			want := rowsOf(t, db, old)
			var got [][]any
			for _, r := range rowsOf(t, db, now) {
				for j, v := range r[2:] {
					if v != nil {
						got = append(got, []any{r[0], r[1], codes[j], v})
					}
				}
			}
			key := func(r []any) string { return fmt.Sprint(r[0], "|", r[1], "|", r[2]) }
			cmp := func(a, b []any) int { return strings.Compare(key(a), key(b)) }
			slices.SortFunc(got, cmp)
			slices.SortFunc(want, cmp)
			if len(want) == 0 && f == (Filter{}) {
				t.Fatalf("%s: Cells by %q answers no row: nothing compared", step, g)
			}
			if i, ok := sameRows(got, want); !ok {
				t.Errorf("%s: Cells by %q, filter %s: %d values, want %d; first difference at %d:\n got %v\nwant %v",
					step, g, f.key(), len(got), len(want), i, at(got, i), at(want, i))
			}
		}
	}
}

// rowsOf runs st and returns its rows, numbers as float64 so that an
// integer count and a double sum of the same value compare equal.
func rowsOf(t *testing.T, db *sql.DB, st stmt) [][]any {
	t.Helper()
	rows, err := db.Query(st.text, st.args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, st.text)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			switch n := v.(type) {
			case int64:
				vals[i] = float64(n)
			case int32:
				vals[i] = float64(n)
			}
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameRows compares rows value by value. Sums of decimals (table 2's
// amounts in 万元) are added in another order than before and may differ
// in the last bits: floats agree within a relative 1e-9. It returns the
// first row that differs.
func sameRows(got, want [][]any) (int, bool) {
	for i := range max(len(got), len(want)) {
		if i >= len(got) || i >= len(want) || len(got[i]) != len(want[i]) {
			return i, false
		}
		for j := range got[i] {
			a, aok := got[i][j].(float64)
			b, bok := want[i][j].(float64)
			if aok && bok {
				if math.Abs(a-b) > 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) {
					return i, false
				}
				continue
			}
			if fmt.Sprint(got[i][j]) != fmt.Sprint(want[i][j]) {
				return i, false
			}
		}
	}
	return 0, true
}

// sortRows orders Proactive's rows by group, county, edition and code.
func sortRows(rows [][]any) {
	key := func(r []any) string { return fmt.Sprint(r[0], "|", r[1], "|", r[2], "|", r[4]) }
	slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(key(a), key(b)) })
}

func at(rows [][]any, i int) any {
	if i < len(rows) {
		return rows[i]
	}
	return "(none)"
}
