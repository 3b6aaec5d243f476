package query

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"nianbao/query/querytest"
)

// TestProvinceMediansAsTheStatements holds the medians computed once per
// generation (one statement per statistic and year, grouped by province,
// level and body) to the five statistics filtered to each province, year
// and level: every column of every (province, year, level) of the seeded
// reports, the sample corpus and 300 generated national reports, asked by
// the province's code as the county page asks and by its name.
func TestProvinceMediansAsTheStatements(t *testing.T) {
	ctx := context.Background()
	st := nationalDB(t)
	q := New(st)
	start := time.Now()
	m := currentMedians(t, q)
	p, err := q.preparedFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("medians of %d (province, year, level) computed in %v", len(m.byPlace), time.Since(start))
	type tuple struct {
		province string
		year     int
		level    string
	}
	var tuples []tuple
	seen := map[tuple]bool{}
	add := func(tp tuple) {
		if !seen[tp] {
			seen[tp] = true
			tuples = append(tuples, tp)
		}
	}
	// Every (province, year, level) a county page asks for: by the code of
	// a body's division; then, by name, those no code reaches.
	for _, r := range allReports(t, q) {
		if r.Level != "" && len(r.DivisionCode) >= 2 {
			add(tuple{r.DivisionCode[:2] + "0000", r.Year, r.Level})
		}
	}
	reached := map[provinceLevel]bool{}
	fromPrepared := 0
	for _, tp := range tuples {
		if names := p.placement.namesOf("province", tp.province); len(names) == 1 {
			reached[provinceLevel{names[0], tp.year, tp.level}] = true
			fromPrepared++
		}
	}
	if fromPrepared < len(tuples)*9/10 {
		t.Fatalf("%d of %d (province, year, level) are read from the precomputed medians: the rest compare the statements with themselves", fromPrepared, len(tuples))
	}
	for k := range m.byPlace {
		if !reached[k] {
			add(tuple(k))
		}
	}
	// A level and a province with no such body, and a set of levels (the
	// statements' answer).
	add(tuple{"四川省", 2022, "不存在的层级"})
	add(tuple{"990000", 2022, "镇"})
	add(tuple{"四川省", 2022, "towns"})
	if len(tuples) < 40 {
		t.Fatalf("%d (province, year, level) only: the data are too few to compare", len(tuples))
	}
	present := map[string]int{}
	for _, tp := range tuples {
		got, err := q.ProvinceMedians(ctx, tp.province, tp.year, tp.level)
		if err != nil {
			t.Fatal(err)
		}
		want, err := q.ProvinceMediansByStatements(ctx, tp.province, tp.year, tp.level)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(RankCodes) || len(want) != len(RankCodes) {
			t.Fatalf("%v: %d and %d medians, want %d", tp, len(got), len(want), len(RankCodes))
		}
		for _, code := range RankCodes {
			if !sameFloat(got[code], want[code]) {
				t.Errorf("%v %s: precomputed %s, statements %s", tp, code, show(got[code]), show(want[code]))
			}
			if want[code] != nil {
				present[code]++
			}
		}
	}
	for _, code := range RankCodes {
		if present[code] == 0 {
			t.Errorf("%s: no median present in any of %d (province, year, level): nothing compared", code, len(tuples))
		}
	}
	t.Logf("%d (province, year, level) compared, every column", len(tuples))
}

// TestProvinceMediansAfterAWrite: a write starts a new generation, and the
// next reader's median is the new one (never the values computed before).
func TestProvinceMediansAfterAWrite(t *testing.T) {
	ctx := context.Background()
	st := nationalDB(t)
	q := New(st)
	// A province and level with one body having table 3: its figure is
	// the median, and a correction of it must show.
	var pick *ReportSummary
	for _, r := range allReports(t, q) {
		if r.Level == "" || len(r.DivisionCode) < 2 {
			continue
		}
		f := Filter{Province: r.DivisionCode[:2] + "0000", Year: r.Year, Level: r.Level}
		app, err := q.Applications(ctx, f, GroupAgency)
		if err != nil {
			t.Fatal(err)
		}
		list, err := q.Reports(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(app.Rows) == 1 && list.Total == 1 {
			pick = &r
			break
		}
	}
	if pick == nil {
		t.Fatal("no province level with one body: the data cannot show a change")
	}
	prov := pick.DivisionCode[:2] + "0000"
	before, err := q.ProvinceMedians(ctx, prov, pick.Year, pick.Level)
	if err != nil {
		t.Fatal(err)
	}
	if before["applications.new"] == nil {
		t.Fatalf("%s %d %s: no median of new applications before the write", prov, pick.Year, pick.Level)
	}
	value := *before["applications.new"] + 777
	if _, err := st.Correct(ctx, pick.ID, "t3.new.total", value, "测试：中位数随写入更新", "测试"); err != nil {
		t.Fatal(err)
	}
	after, err := q.ProvinceMedians(ctx, prov, pick.Year, pick.Level)
	if err != nil {
		t.Fatal(err)
	}
	if !sameFloat(after["applications.new"], &value) {
		t.Errorf("%s %d %s after the correction: median of new applications %s, want %v (before %v)", prov, pick.Year, pick.Level,
			show(after["applications.new"]), value, *before["applications.new"])
	}
}

// TestProvinceMediansShared: readers of one generation share one
// computation; a write makes the next reader compute again.
func TestProvinceMediansShared(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := New(st)
	a, b := currentMedians(t, q), currentMedians(t, q)
	if a != b {
		t.Error("two readers of one generation computed the medians twice")
	}
	q.Invalidate()
	c := currentMedians(t, q)
	if c == a || c.gen == a.gen {
		t.Errorf("after a write the medians of generation %d were read again", a.gen)
	}
}

// currentMedians are the medians of q's current generation, as a reader
// gets them.
func currentMedians(t *testing.T, q *Service) *medians {
	t.Helper()
	p, err := q.preparedFor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, err := q.mediansFor(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func allReports(t *testing.T, q *Service) []ReportSummary {
	t.Helper()
	var all []ReportSummary
	for off := 0; ; off += MaxLimit {
		page, err := q.Reports(context.Background(), Filter{Limit: MaxLimit, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Reports...)
		if len(page.Reports) < MaxLimit {
			return all
		}
	}
}

// sameFloat: both absent, or the same float64 bit for bit.
func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Float64bits(*a) == math.Float64bits(*b)
}

func show(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// TestProvinceMediansWhilePreparing: where the medians are computed in
// the background (serve), a county page arriving before they exist gets
// its own province's statements — the same figures — and does not start
// or wait for the computation of every province (up to 6 s of CPU at
// 200 000 reports after each write); once computed, they are read.
func TestProvinceMediansWhilePreparing(t *testing.T) {
	ctx := context.Background()
	q := New(nationalDB(t))
	// A settle time no test reaches: the background never computes.
	q.prepareAfterWrites(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	var pick *ReportSummary
	for _, r := range allReports(t, q) {
		if r.Level != "" && len(r.DivisionCode) >= 2 {
			pick = &r
			break
		}
	}
	if pick == nil {
		t.Fatal("no report with a level and a division code")
	}
	prov := pick.DivisionCode[:2] + "0000"
	want, err := q.ProvinceMediansByStatements(ctx, prov, pick.Year, pick.Level)
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got map[string]*float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d medians, want %d", what, len(got), len(want))
		}
		for k, w := range want {
			if !sameFloat(got[k], w) {
				t.Errorf("%s: %s %s, want %s", what, k, show(got[k]), show(w))
			}
		}
	}
	got, err := q.ProvinceMedians(ctx, prov, pick.Year, pick.Level)
	if err != nil {
		t.Fatal(err)
	}
	same("before the background computation", got)
	if q.readyMedians(q.Generation()) != nil {
		t.Fatal("a reader computed every province's medians while the background was to")
	}
	computed := currentMedians(t, q)
	got, err = q.ProvinceMedians(ctx, prov, pick.Year, pick.Level)
	if err != nil {
		t.Fatal(err)
	}
	same("after it", got)
	if q.readyMedians(q.Generation()) != computed {
		t.Error("the computed medians are not the ones read")
	}
}
