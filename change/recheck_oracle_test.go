package change_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/change"
	"nianbao/ingest"
	"nianbao/internal/dbrows"
	"nianbao/report"
	"nianbao/store"
)

// assessmentState is every row the assessment checks leave (findings of
// every rule with their seq, timeliness, copying evidence, coverage), one
// line each in a fixed order: two databases with equal states answer
// every page of findings and every score alike.
func assessmentState(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'finding', report_id, seq, rule, severity, array_to_string(cells, ','), message FROM findings ORDER BY ALL`,
		`SELECT 'timely', report_id, published_on::VARCHAR, deadline::VARCHAR, days_late FROM assess_timeliness ORDER BY ALL`,
		`SELECT 'copy', report_id, rule, other_report_id, share::VARCHAR, passages FROM assess_copies ORDER BY ALL`,
		`SELECT 'coverage', report_id, code, aggregate::VARCHAR, units_sum::VARCHAR, units FROM assess_coverage ORDER BY ALL`,
	} {
		out = append(out, lines(t, st, q)...)
	}
	return out
}

// figuresState is every row of report_figures, one line each.
func figuresState(t *testing.T, st *store.Store) []string {
	return lines(t, st, `SELECT * FROM report_figures ORDER BY report_id`)
}

// lines are the rows of a query (dbrows.Sorted).
func lines(t *testing.T, st *store.Store, q string) []string {
	t.Helper()
	return dbrows.Sorted(t, st.DB(), q)
}

// fullRecheck re-checks every county and year of the database from
// scratch with the bulk path (assess.RecheckCounties, which replaces every
// row it checks): the oracle of the re-check after one change.
func fullRecheck(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	pairs, err := st.CountyYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*assess.CountySpan{}
	var spans []assess.CountySpan
	for _, p := range pairs {
		c, y := p[0].(string), p[1].(int)
		if sp := by[c]; sp != nil {
			sp.From, sp.To = min(sp.From, y), max(sp.To, y)
			continue
		}
		by[c] = &assess.CountySpan{County: c, From: y, To: y}
	}
	for _, sp := range by {
		spans = append(spans, *sp)
	}
	if err := assess.RecheckCounties(ctx, st, spans, nil); err != nil {
		t.Fatal(err)
	}
}

// diff names the first lines where two states differ.
func diff(a, b []string) string {
	in := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	ia, ib := in(a), in(b)
	var out []string
	for _, x := range a {
		if !ib[x] && len(out) < 8 {
			out = append(out, "only after the change's re-check: "+x)
		}
	}
	for _, x := range b {
		if !ia[x] && len(out) < 16 {
			out = append(out, "only after the full re-check:     "+x)
		}
	}
	return strings.Join(out, "\n")
}

// TestRecheckAfterAChangeEqualsAFullRecheck: after each change of a
// sequence on the sample's 乐至县 — a new body, a new version, a copy of
// another body's text, a correction, a report of the next year, two
// deletions — the rows the change's re-check left (RecheckChanged, which
// writes only what differs) are exactly those a re-check of the whole
// database from scratch leaves (RecheckCounties).
func TestRecheckAfterAChangeEqualsAFullRecheck(t *testing.T) {
	sample := filepath.Join("..", "data", "sample")
	county := filepath.Join(sample, "乐至县")
	if _, err := os.Stat(county); err != nil {
		t.Skipf("no sample reports at %s: %v", county, err)
	}
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.IngestPaths(ctx, st, []string{county}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	// The re-check after the commit: an upload re-checks in its own
	// transaction (assess.RecheckIn), so it must not run for one.
	afterCommit := 0
	svc := change.New(st, nil).WithSteps(change.Steps{Recheck: func(ctx context.Context, spans []assess.CountySpan, reports []int64) error {
		afterCommit++
		return change.RecheckChanged(ctx, st, spans, reports)
	}})
	admin := change.Admin("管理员")
	read := func(path string) (*report.Report, []byte) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ingest.ParseUpload(ctx, filepath.Base(path), data, ingest.Meta{})
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s: %d reports, %v", path, len(rs), err)
		}
		return rs[0], data
	}
	upload := func(r *report.Report, data []byte) int64 {
		t.Helper()
		n := afterCommit
		out, err := svc.Upload(ctx, admin, change.Upload{File: r.File, Data: data, Reports: []*report.Report{r}})
		if err != nil {
			t.Fatal(err)
		}
		if afterCommit != n {
			t.Errorf("%s: re-checked after the commit, not in the report's transaction", r.File)
		}
		return out[0].ID
	}
	idOf := func(agency string, year int) int64 {
		t.Helper()
		var id int64
		if err := st.DB().QueryRow(`SELECT id FROM reports WHERE agency = ? AND year = ?`, agency, year).Scan(&id); err != nil {
			t.Fatalf("%s %d: %v", agency, year, err)
		}
		return id
	}
	rowsOf := func(state []string, id int64) []string {
		var out []string
		for _, l := range state {
			if f := strings.Split(l, "\t"); f[1] == fmt.Sprint(id) {
				out = append(out, l)
			}
		}
		return out
	}

	fullRecheck(t, st)
	var copyID int64
	steps := []struct {
		name string
		do   func()
		// others: a report not written by the step whose rows the step must
		// change (0: none asked), so the test cannot pass by leaving the
		// county's other reports alone.
		others func() int64
	}{
		{"a new body with its own text", func() {
			r, data := read(filepath.Join(sample, "安岳县", "2023", "乾龙镇.txt"))
			r.Agency, r.County, r.Year = "新建镇", "乐至县", 2023
			upload(r, data)
		}, nil},
		{"a new version", func() {
			r, data := read(filepath.Join(county, "2023", "东山镇.txt"))
			r.Cells["t3.new.natural"] += 40
			r.Cells["t3.new.total"] += 40
			r.SHA256 += "-v2"
			upload(r, append(data, " 更正版"...))
		}, nil},
		{"a copy of another body's text", func() {
			// The text the new body of the first step took from 安岳县, which
			// no report of 乐至县 resembles: the two copy each other.
			r, data := read(filepath.Join(sample, "安岳县", "2023", "乾龙镇.txt"))
			r.Agency, r.County, r.Year = "新设镇", "乐至县", 2023
			r.SHA256 += "-copy"
			copyID = upload(r, append(data, " 抄"...))
		}, func() int64 { return idOf("新建镇", 2023) }},
		{"a correction", func() {
			id := idOf("石佛镇", 2023)
			if _, err := svc.Correct(ctx, admin, id, "t3.new.natural", "0", "原表笔误"); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"a new version over the correction", func() {
			// 石佛镇 again with another figure changed: the correction is
			// laid over the new version's cells, which the re-check in the
			// upload's transaction takes from memory.
			r, data := read(filepath.Join(county, "2023", "石佛镇.txt"))
			r.Cells["t3.new.total"] += 5
			r.SHA256 += "-v2"
			upload(r, append(data, " 再版"...))
		}, nil},
		{"a report of the year before", func() {
			// 新建镇's 2022 report, its 2023 one stored: the same text
			// (2023 copies the year before) and figures for rule 5.
			r, data := read(filepath.Join(sample, "安岳县", "2023", "乾龙镇.txt"))
			r.Agency, r.County, r.Year = "新建镇", "乐至县", 2022
			r.SHA256 += "-2022"
			upload(r, append(data, " 上年"...))
		}, func() int64 { return idOf("新建镇", 2023) }},
		{"a report of the next year", func() {
			r, data := read(filepath.Join(county, "2024", "东山镇.txt"))
			r.Year = 2025
			r.SHA256 += "-2025"
			upload(r, append(data, " 次年"...))
		}, nil},
		{"a batch ingest of new versions", func() {
			// The county's 2024 reports again through the batch path (one
			// SaveBatch, then the re-check of the counties it touched):
			// each with a line added to its last section, 东山镇 with a
			// figure changed too, so every one is a new version replacing
			// the stored one, and 东山镇 2025 copies its 2024 text less.
			dir := filepath.Join(t.TempDir(), "乐至县", "2024")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			files, err := filepath.Glob(filepath.Join(county, "2024", "*.txt"))
			if err != nil || len(files) < 2 {
				t.Fatalf("the county's 2024 reports: %v %v", files, err)
			}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				text := string(data) + "\n（重新发布）\n"
				if filepath.Base(f) == "东山镇.txt" {
					const was = "本年新收政府信息公开申请数量\n\n10\n"
					if !strings.Contains(text, was) {
						t.Fatalf("%s no longer reads %q", f, was)
					}
					text = strings.Replace(text, was, "本年新收政府信息公开申请数量\n\n13\n", 1)
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sum, err := svc.Ingest(ctx, admin, []string{filepath.Dir(dir)}, ingest.Meta{}, ingest.Options{Force: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Replaced != len(files) {
				t.Fatalf("the batch replaced %d of %d reports: %+v", sum.Replaced, len(files), sum)
			}
		}, func() int64 { return idOf("东山镇", 2025) }},
		{"the copy deleted", func() {
			if err := svc.Delete(ctx, admin, copyID, "重复上传"); err != nil {
				t.Fatal(err)
			}
		}, func() int64 { return idOf("新建镇", 2023) }},
		{"a report with a next year deleted", func() {
			if err := svc.Delete(ctx, admin, idOf("东山镇", 2024), "误传"); err != nil {
				t.Fatal(err)
			}
		}, func() int64 { return idOf("东山镇", 2025) }},
	}
	before := assessmentState(t, st)
	for _, s := range steps {
		s.do()
		got := assessmentState(t, st)
		if s.others != nil {
			id := s.others()
			if strings.Join(rowsOf(got, id), "\n") == strings.Join(rowsOf(before, id), "\n") {
				t.Errorf("%s: the rows of report %d did not change; the step tests nothing of the other reports:\n%s", s.name, id, strings.Join(rowsOf(got, id), "\n"))
			}
		}
		// The upload's step after leaves report_figures to the save: the
		// rows must already be what RefreshFigures makes of the cells.
		figs := figuresState(t, st)
		var ids []int64
		rows, err := st.DB().Query(`SELECT id FROM reports`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if err := st.RefreshFigures(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if d := diff(figs, figuresState(t, st)); d != "" {
			t.Errorf("%s: report_figures not right after the change:\n%s", s.name, d)
		}
		fullRecheck(t, st)
		want := assessmentState(t, st)
		if d := diff(got, want); d != "" {
			t.Fatalf("%s: the change's re-check and a full re-check differ:\n%s", s.name, d)
		}
		before = want
	}
}
