package change_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/change"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// rep is a report of the 2021 edition with every cell of table 3 at v,
// table 4 at 1, and one finding to review.
func rep(agency, county string, year int, v float64, hash string) *report.Report {
	r := report.New(hash + ".txt")
	r.Agency, r.County, r.Year, r.Edition, r.SHA256 = agency, county, year, report.Edition2021, hash
	for c := range report.T3Codes(report.Edition2021) {
		r.Cells[string(c)] = v
	}
	for c := range report.T4Codes() {
		r.Cells[string(c)] = 1
	}
	r.AddFinding(report.RuleBalance, report.SeverityError, "测试用的问题", "t3.new.total")
	return r
}

// fixture is a store with reports of two counties.
type fixture struct {
	st                  *store.Store
	svc                 *change.Service
	leA, leOld, anB     int64  // 乐至县教育局 2022, 乐至县财政局 2021, 安岳县教育局 2022
	leAgency, oldAgency string // agency ids of the first two
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, svc: change.New(st, nil)}
	ctx := context.Background()
	admin := change.Admin("管理员")
	for _, x := range []struct {
		r      *report.Report
		id     *int64
		agency *string
	}{
		{rep("乐至县教育局", "乐至县", 2022, 5, "a"), &f.leA, &f.leAgency},
		{rep("乐至县财政局", "乐至县", 2021, 5, "b"), &f.leOld, &f.oldAgency},
		{rep("安岳县教育局", "安岳县", 2022, 5, "c"), &f.anB, new(string)},
	} {
		out, err := f.svc.Upload(ctx, admin, change.Upload{File: x.r.File, Data: []byte(x.r.SHA256), Reports: []*report.Report{x.r}})
		if err != nil {
			t.Fatal(err)
		}
		*x.id, *x.agency = out[0].ID, out[0].AgencyID
	}
	return f
}

// recorder records each after-a-write step and then runs the real one, so
// the test sees both that a step was called and what it did.
type recorder struct {
	rechecks    [][]assess.CountySpan
	figures     [][]int64
	invalidated int
	audits      []change.Affected
}

func (r *recorder) service(st *store.Store) *change.Service {
	real := change.New(st, nil)
	return real.WithSteps(change.Steps{
		Recheck: func(ctx context.Context, spans []assess.CountySpan, reports []int64) error {
			r.rechecks = append(r.rechecks, spans)
			return change.RecheckChanged(ctx, st, spans, reports)
		},
		RecheckIn: func(ctx context.Context, tx *store.AssessTx, spans []assess.CountySpan, reports []int64) (bool, error) {
			r.rechecks = append(r.rechecks, spans)
			return assess.RecheckIn(ctx, st, tx, spans, reports)
		},
		Figures: func(ctx context.Context, ids []int64) error {
			r.figures = append(r.figures, ids)
			return st.RefreshFigures(ctx, ids)
		},
		Invalidate: func() { r.invalidated++; st.Changed() },
		Audit:      func(_ context.Context, a change.Affected) { r.audits = append(r.audits, a) },
	})
}

// TestEveryWriteRunsTheStepsAfter runs each write once and checks each
// step after it: the re-check of the counties and years it touched, the
// figures of the reports it changed, the caches dropped, and its audit
// (the log step and the store's audit_log row).
func TestEveryWriteRunsTheStepsAfter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin, assessor := change.Admin("管理员"), change.User{Name: "评估", Role: change.RoleAssessor}
	units, err := os.ReadFile("../registry/testdata/lezhi-units.csv")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := f.st.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newID := new(int64)
	year2020 := 2020
	cases := []struct {
		op       string
		do       func(s *change.Service) error
		counties map[string]int // county → a year its re-check must cover; none: nothing to re-check
		reports  func() []int64 // reports whose figures must be refreshed
	}{
		{"upload", func(s *change.Service) error {
			out, err := s.Upload(ctx, admin, change.Upload{File: "w.txt", Data: []byte("w"), Reports: []*report.Report{rep("乐至县水务局", "乐至县", 2022, 3, "w")}})
			if err == nil {
				*newID = out[0].ID
			}
			return err
			// No figures to refresh: the save wrote the row with the cells.
		}, map[string]int{"乐至县": 2023}, func() []int64 { return nil }},
		{"correct", func(s *change.Service) error {
			_, err := s.Correct(ctx, admin, f.leA, "t3.new.natural", "7", "原表笔误")
			return err
		}, map[string]int{"乐至县": 2022}, func() []int64 { return []int64{f.leA} }},
		{"undo", func(s *change.Service) error {
			_, err := s.Undo(ctx, admin, f.leA, "t3.new.natural", "更正有误")
			return err
		}, map[string]int{"乐至县": 2022}, func() []int64 { return []int64{f.leA} }},
		{"review", func(s *change.Service) error {
			return s.Review(ctx, assessor, f.leA, 0, "dismissed", "核实无误")
		}, nil, func() []int64 { return []int64{f.leA} }},
		{"restore", func(s *change.Service) error {
			_, err := s.Restore(ctx, admin, f.leA, 1, "恢复第一版")
			return err
		}, map[string]int{"乐至县": 2022}, func() []int64 { return []int64{f.leA} }},
		{"identity", func(s *change.Service) error {
			return s.UpdateMeta(ctx, admin, f.anB, store.MetaChange{Year: &year2020}, "年度写错")
		}, map[string]int{"安岳县": 2020}, func() []int64 { return []int64{f.anB} }},
		{"merge", func(s *change.Service) error {
			return s.Merge(ctx, admin, f.oldAgency, f.leAgency, "机构改革合并")
		}, map[string]int{"乐至县": 2021}, func() []int64 { return []int64{f.leOld} }},
		{"filing", func(s *change.Service) error {
			return s.MarkFiling(ctx, assessor, f.leAgency, 2022, "unpublished", "2023年3月查看门户网站")
		}, nil, func() []int64 { return []int64{f.leA} }},
		{"registry", func(s *change.Service) error {
			list, err := registry.ReadUnits(reg, "lezhi-units.csv", units)
			if err != nil {
				return err
			}
			_, err = s.ImportUnits(ctx, admin, "lezhi-units.csv", list)
			return err
		}, map[string]int{"乐至县": 2022}, func() []int64 { return nil }},
		{"ingest", func(s *change.Service) error {
			_, err := s.Ingest(ctx, admin, []string{"../data/sample"}, ingest.Meta{}, ingest.Options{}, nil)
			return err
			// No figures to refresh: SaveBatch wrote each row with its cells
			// (TestRecheckAfterAChangeEqualsAFullRecheck checks the rows).
		}, map[string]int{"雁江区": 2024}, func() []int64 { return nil }},
		// Score sheets: storing one no county uses re-checks nothing; giving
		// it to 乐至县 re-checks every year of it and drops cached pages.
		{"sheet", func(s *change.Service) error {
			body, err := os.ReadFile("../assess/scoresheet.example.yaml")
			if err != nil {
				return err
			}
			_, _, err = s.SaveSheet(ctx, admin, "scoresheet.example.yaml", "", body)
			return err
		}, nil, func() []int64 { return nil }},
		{"sheet-assign", func(s *change.Service) error {
			ns, err := f.st.Sheets(ctx)
			if err != nil || len(ns) == 0 {
				return fmt.Errorf("no stored sheet: %v", err)
			}
			_, err = s.AssignSheet(ctx, admin, "乐至县", ns[0].Name, "")
			return err
		}, map[string]int{"乐至县": 2022}, func() []int64 { return nil }},
		{"delete", func(s *change.Service) error {
			return s.Delete(ctx, admin, f.anB, "重复上传")
		}, map[string]int{"安岳县": 2020}, func() []int64 { return []int64{f.anB} }},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			before, err := f.st.Audit(ctx, 100000)
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			if err := tc.do(rec.service(f.st)); err != nil {
				t.Fatalf("%s: %v", tc.op, err)
			}
			if len(rec.rechecks) != 1 {
				t.Fatalf("re-check ran %d times, want once", len(rec.rechecks))
			}
			if len(tc.counties) == 0 && len(rec.rechecks[0]) != 0 {
				t.Errorf("re-check of %+v after a change no check reads", rec.rechecks[0])
			}
			for county, year := range tc.counties {
				i := slices.IndexFunc(rec.rechecks[0], func(s assess.CountySpan) bool { return s.County == county })
				if i < 0 || rec.rechecks[0][i].From > year || rec.rechecks[0][i].To < year {
					t.Errorf("re-check %+v does not cover %s %d", rec.rechecks[0], county, year)
				}
			}
			if len(rec.figures) != 1 {
				t.Fatalf("figures refreshed %d times, want once", len(rec.figures))
			}
			for _, id := range tc.reports() {
				if !slices.Contains(rec.figures[0], id) {
					t.Errorf("figures refreshed for %v, not for report %d", rec.figures[0], id)
				}
			}
			if rec.invalidated == 0 {
				t.Error("caches not invalidated")
			}
			if len(rec.audits) != 1 || rec.audits[0].Op != tc.op || rec.audits[0].Actor == "" {
				t.Errorf("audit step: %+v, want one %s with its actor", rec.audits, tc.op)
			}
			after, err := f.st.Audit(ctx, 100000)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) <= len(before) {
				t.Errorf("no audit_log row written by %s", tc.op)
			}
		})
	}
}

// TestRefusedWriteRunsNothingAfter: a change refused before the write
// runs no step after it.
func TestRefusedWriteRunsNothingAfter(t *testing.T) {
	f := newFixture(t)
	rec := &recorder{}
	viewer := change.User{Name: "查看", Role: change.RoleViewer}
	if _, err := rec.service(f.st).Correct(context.Background(), viewer, f.leA, "t3.new.total", "1", "x"); !change.IsForbidden(err) {
		t.Fatalf("a viewer's correction: %v, want a refusal", err)
	}
	if len(rec.rechecks)+len(rec.figures)+rec.invalidated+len(rec.audits) != 0 {
		t.Errorf("steps ran after a refused write: %+v", rec)
	}
}

// TestAuthorizationByTarget: a clerk limited to 乐至县 may change its
// reports, but not move one into 安岳县, nor touch 安岳县's reports, by
// any route: identity fix, restore, merge, correction.
func TestAuthorizationByTarget(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	clerk := change.User{Name: "王", Role: change.RoleClerk, Scope: "乐至县"}
	an := "安岳县"
	le := "乐至县"
	other := "乐至县水务局"
	cases := []struct {
		name string
		do   func() error
		want string // "" allowed, else the refusal names this
	}{
		{"PATCH own report into another county", func() error {
			return f.svc.UpdateMeta(ctx, clerk, f.leA, store.MetaChange{County: &an}, "县写错")
		}, "安岳县"},
		{"PATCH another county's report into own", func() error {
			return f.svc.UpdateMeta(ctx, clerk, f.anB, store.MetaChange{County: &le}, "县写错")
		}, "安岳县"},
		{"restore another county's report", func() error {
			_, err := f.svc.Restore(ctx, clerk, f.anB, 1, "恢复")
			return err
		}, "安岳县"},
		{"merge (admins only)", func() error {
			return f.svc.Merge(ctx, clerk, f.oldAgency, f.leAgency, "合并")
		}, "无权管理操作"},
		{"correct another county's report", func() error {
			_, err := f.svc.Correct(ctx, clerk, f.anB, "t3.new.total", "1", "x")
			return err
		}, "安岳县"},
		{"PATCH own report within own county", func() error {
			return f.svc.UpdateMeta(ctx, clerk, f.leA, store.MetaChange{Agency: &other}, "机关写错")
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !change.IsForbidden(err) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "王") {
				t.Fatalf("got %v, want a refusal naming 王 and %s", err, tc.want)
			}
		})
	}
	// Nothing moved.
	_, county, _, err := f.st.ReportKey(ctx, f.anB)
	if err != nil || county != "安岳县" {
		t.Errorf("安岳县's report is now in %q (%v)", county, err)
	}
}

// TestNamesMadeCanonicalOnWrite: an identity fix with spoofing characters
// stores the canonical name; one of 10,000 characters is refused.
func TestNamesMadeCanonicalOnWrite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := change.Admin("管理员")
	spoof := "乐至县\u202e局育教\u200b\n体育\x00局"
	if err := f.svc.UpdateMeta(ctx, admin, f.leA, store.MetaChange{Agency: &spoof}, "改名"); err != nil {
		t.Fatal(err)
	}
	agency, _, _, err := f.st.ReportKey(ctx, f.leA)
	if err != nil || agency != "乐至县局育教 体育局" {
		t.Errorf("stored agency %q (%v), want 乐至县局育教 体育局", agency, err)
	}
	long := strings.Repeat("局", 10000)
	err = f.svc.UpdateMeta(ctx, admin, f.leA, store.MetaChange{Agency: &long}, "改名")
	if !query.IsInputError(err) || !strings.Contains(err.Error(), "机关名称最长 100 字") {
		t.Errorf("a 10,000-character name: %v, want a refusal saying 最长", err)
	}
}
