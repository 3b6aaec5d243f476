package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"nianbao/registry"
)

// TestFilingCountyOneTownMissing: every town and street of 乐至县 reports
// for 2023 but one; one report is late; one missing town is then marked
// 未发布 by a person, and stays apart from 未收录.
func TestFilingCountyOneTownMissing(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	towns := reg.Within("512022", registry.Town, registry.Township, registry.Street, registry.TownOther)
	if len(towns) < 3 {
		t.Fatalf("乐至县 has %d towns", len(towns))
	}
	missing := towns[len(towns)/2]
	late := towns[0]
	for i, p := range towns {
		if p.ID == missing.ID {
			continue
		}
		r := full(p.Name+"人民政府", "乐至县", 2023, 1, fmt.Sprintf("h%d", i))
		r.PublishedOn = "2024-01-20"
		if p.ID == late.ID {
			r.PublishedOn = "2024-03-02"
		}
		res, err := s.Save(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if res.AgencyID != p.ID {
			t.Fatalf("%s stored under %s, want %s", p.Name, res.AgencyID, p.ID)
		}
	}
	f, err := s.Filing(ctx, FilingQuery{Place: "乐至县", Year: 2023, Deadline: testDeadline})
	if err != nil {
		t.Fatal(err)
	}
	if f.Expected != len(towns) || f.Filed != len(towns)-1 || f.Missing != 1 || f.Late != 1 || f.Code != "512022" {
		t.Fatalf("filing: expected %d filed %d missing %d late %d (towns %d)", f.Expected, f.Filed, f.Missing, f.Late, len(towns))
	}
	status := map[string]string{}
	for _, r := range f.Rows {
		status[r.AgencyID] = r.Status
	}
	if status[missing.ID] != NotInStore || status[late.ID] != FiledLate {
		t.Fatalf("missing %s: %s; late %s: %s", missing.Name, status[missing.ID], late.Name, status[late.ID])
	}
	if want := float64(len(towns)-1) / float64(len(towns)); f.Rate != want {
		t.Fatalf("rate %v, want %v", f.Rate, want)
	}
	// The year before: nobody reported.
	f22, _ := s.Filing(ctx, FilingQuery{Place: "512022", Year: 2022, Deadline: testDeadline})
	if f22.Filed != 0 || f22.Missing != len(towns) {
		t.Fatalf("2022: %+v", f22)
	}
	if err := s.MarkFiling(ctx, missing.ID, 2023, Unpublished, "", "王核查"); !errors.Is(err, ErrNoReason) {
		t.Fatalf("mark without a note: %v", err)
	}
	if err := s.MarkFiling(ctx, missing.ID, 2023, Unpublished, "2024-04-01 查镇政府网站信息公开专栏，无 2023 年报", "王核查"); err != nil {
		t.Fatal(err)
	}
	f, _ = s.Filing(ctx, FilingQuery{Place: "乐至县", Year: 2023, Deadline: testDeadline})
	if f.Missing != 0 || f.Unpublished != 1 {
		t.Fatalf("after the mark: missing %d unpublished %d", f.Missing, f.Unpublished)
	}
	// Departments only: none imported, none reported.
	fd, _ := s.Filing(ctx, FilingQuery{Place: "乐至县", Year: 2023, Levels: []registry.Level{registry.CountyDept}, Deadline: testDeadline})
	if fd.Expected != 0 {
		t.Fatalf("departments: %+v", fd)
	}
	// The city includes the county's towns.
	fc, err := s.Filing(ctx, FilingQuery{Place: "资阳市", Year: 2023, Deadline: testDeadline})
	if err != nil || fc.Scope != "city" || fc.Filed != len(towns)-1 || fc.Expected <= len(towns) {
		t.Fatalf("city: %+v %v", fc, err)
	}
	if _, err := s.Filing(ctx, FilingQuery{Place: "没有这个县", Year: 2023, Deadline: testDeadline}); !errors.Is(err, ErrBadPlace) {
		t.Fatalf("unknown place: %v", err)
	}
	audit, _ := s.Audit(ctx, 0)
	if last := audit[len(audit)-1]; last.Action != "filing" || last.Author != "王核查" || last.NewValue != Unpublished {
		t.Fatalf("mark not audited: %+v", last)
	}
}

func TestMetadataChangeAuditedAndMerge(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	// Stored with no county: 城关镇 is not guessed (待归属).
	res, err := s.Save(ctx, full("城关镇人民政府", "", 2022, 1, "a"))
	if err != nil {
		t.Fatal(err)
	}
	un, _ := s.Unassigned(ctx)
	if len(un) != 1 || un[0].ID != res.ID {
		t.Fatalf("待归属: %+v", un)
	}
	reg, _ := s.Registry(ctx)
	var county string
	for _, p := range reg.Named("城关镇") {
		if m := reg.Resolve(registry.Query{Name: "城关镇", County: p.County}); m.Place != nil {
			county = p.County
			break
		}
	}
	if err := s.UpdateMeta(ctx, res.ID, MetaChange{County: &county}, "王审核", ""); !errors.Is(err, ErrNoReason) {
		t.Fatalf("no reason: %v", err)
	}
	if err := s.UpdateMeta(ctx, res.ID, MetaChange{County: &county}, "王审核", "原文页眉写明所属县"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, res.ID)
	if err != nil || got.County != county {
		t.Fatalf("after the change: %+v %v", got, err)
	}
	un, _ = s.Unassigned(ctx)
	if len(un) != 0 {
		t.Fatalf("still 待归属: %+v", un)
	}
	audit, _ := s.Audit(ctx, 0)
	last := audit[len(audit)-1]
	if last.Action != "meta" || last.Author != "王审核" || last.Comment != "原文页眉写明所属县" || last.County != county {
		t.Fatalf("meta change audit: %+v", last)
	}
	// Re-ingesting with the county now lands on the same report.
	again, err := s.Save(ctx, full("城关镇", county, 2022, 2, "b"))
	if err != nil || again.ID != res.ID {
		t.Fatalf("re-ingest with county: %+v %v", again, err)
	}
	// Issue 10: a county-less report corrected by ingesting again with the
	// county is the same report, not a second copy.
	lone, err := s.Save(ctx, full("城关镇人民政府", "", 2019, 1, "c1"))
	if err != nil || lone.Registered {
		t.Fatalf("county-less 2019: %+v %v", lone, err)
	}
	fixed, err := s.Save(ctx, full("城关镇人民政府", county, 2019, 1, "c2"))
	if err != nil || fixed.ID != lone.ID || !fixed.Registered || fixed.Version != 2 {
		t.Fatalf("county given on re-ingest: %+v (first %d) %v", fixed, lone.ID, err)
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM reports WHERE year = 2019`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d reports for 城关镇 2019", n)
	}
	// Two unregistered names of one body: merged, the alias moves.
	x, _ := s.Save(ctx, full("乐至县科委", "乐至县", 2021, 1, "k1"))
	y, _ := s.Save(ctx, full("乐至县科学技术委员会", "乐至县", 2022, 1, "k2"))
	if x.AgencyID == y.AgencyID || x.Registered || y.Registered {
		t.Fatalf("two names: %+v %+v", x, y)
	}
	if err := s.MergeAgencies(ctx, x.AgencyID, y.AgencyID, "王审核", "科委是科学技术委员会的简称"); err != nil {
		t.Fatal(err)
	}
	z, err := s.Save(ctx, full("乐至县科委", "乐至县", 2023, 1, "k3"))
	if err != nil || z.AgencyID != y.AgencyID {
		t.Fatalf("after merge the old name lands on %s, want %s (%v)", z.AgencyID, y.AgencyID, err)
	}
	as, _ := s.Agencies(ctx, AgencyFilter{County: "512022", WithReports: true})
	if len(as) != 1 || as[0].Reports != 3 {
		t.Fatalf("agencies after merge: %+v", as)
	}
	// A year both hold is a conflict.
	w, _ := s.Save(ctx, full("乐至县科技局", "乐至县", 2022, 1, "k4"))
	if err := s.MergeAgencies(ctx, w.AgencyID, y.AgencyID, "王审核", "同一单位"); !errors.Is(err, ErrConflict) {
		t.Fatalf("merge with a shared year: %v", err)
	}
}

// testDeadline is the 条例's rule for the tests of this package (which
// cannot import assess): a government's own report by 31 March, everyone
// else's by 31 January of the next year.
func testDeadline(l registry.Level, _ string, year int) (time.Time, error) {
	if l == registry.County || l == registry.City || l == registry.Province {
		return time.Date(year+1, 3, 31, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Date(year+1, 1, 31, 0, 0, 0, 0, time.UTC), nil
}

// TestDaysLateBoundary: the deadline day itself is on time; the day after
// is one day late; the day before is one day early; no date is unknown.
func TestDaysLateBoundary(t *testing.T) {
	due := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		pub  string
		days int
		ok   bool
	}{
		{"2024-01-30", -1, true},
		{"2024-01-31", 0, true},
		{"2024-02-01", 1, true},
		{"2024-02-08", 8, true},
		{"", 0, false},
		{"2024-02-30", 0, false},
	} {
		d, ok := DaysLate(c.pub, due)
		if d != c.days || ok != c.ok {
			t.Errorf("DaysLate(%q) = %d, %v; want %d, %v", c.pub, d, ok, c.days, c.ok)
		}
	}
}

// TestFilingCountyGovernmentListed: with every level, the county's own
// government is on its list and is judged by its own deadline (31 March),
// a town by 31 January, on the day before, of and after the deadline.
func TestFilingCountyGovernmentListed(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	towns := reg.Within("512022", registry.Town, registry.Township, registry.Street, registry.TownOther)
	dates := []string{"2024-01-30", "2024-01-31", "2024-02-01"}
	for i, d := range dates {
		r := full(towns[i].Name+"人民政府", "乐至县", 2023, 1, fmt.Sprintf("t%d", i))
		r.PublishedOn = d
		if _, err := s.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	gov := full("乐至县人民政府", "乐至县", 2023, 1, "gov")
	gov.PublishedOn = "2024-03-31"
	res, err := s.Save(ctx, gov)
	if err != nil {
		t.Fatal(err)
	}
	if res.AgencyID != "512022" {
		t.Fatalf("乐至县人民政府 stored under %s, want the county 512022", res.AgencyID)
	}
	f, err := s.Filing(ctx, FilingQuery{Place: "512022", Year: 2023, Levels: registry.Levels, Deadline: testDeadline})
	if err != nil {
		t.Fatal(err)
	}
	if f.Expected != len(towns)+1 || f.Filed != 4 || f.Late != 1 {
		t.Fatalf("all levels: expected %d filed %d late %d; want %d, 4, 1", f.Expected, f.Filed, f.Late, len(towns)+1)
	}
	status := map[string]string{}
	for _, r := range f.Rows {
		status[r.AgencyID] = r.Status
	}
	want := map[string]string{"512022": FiledOnTime, towns[0].ID: FiledOnTime, towns[1].ID: FiledOnTime, towns[2].ID: FiledLate}
	for id, st := range want {
		if status[id] != st {
			t.Errorf("%s: %q, want %q", id, status[id], st)
		}
	}
	if _, err := s.Filing(ctx, FilingQuery{Place: "512022", Year: 2023}); err == nil {
		t.Fatal("a filing list without deadlines was made")
	}
}

// TestSyntheticOnRegistryPlace: a 示例数据 report naming a registry town
// exactly, county and name, is filed under that town (the filing list
// counts it once and says 示例数据); a made-up county's town, a department
// and a near name stay 示例数据 agencies of their own.
func TestSyntheticOnRegistryPlace(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	laodong := reg.Resolve(registry.Query{Name: "劳动镇", County: "乐至县"}).Place
	if laodong == nil {
		t.Fatal("no 劳动镇 of 乐至县 in the registry")
	}
	for i, tc := range []struct {
		agency, county string
		want           string // the agency id, or "" for one of its own
	}{
		{"劳动镇", "乐至县", laodong.ID},
		{"凤塘镇", "样例县", ""},
		{"公安局", "乐至县", ""},
		{"劳动镇人民政府", "乐至县", ""},
	} {
		r := full(tc.agency, tc.county, 2023, 1, fmt.Sprintf("s%d", i))
		r.Synthetic, r.PublishedOn = true, "2024-01-20"
		res, err := s.Save(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want != "" && res.AgencyID != tc.want || tc.want == "" && res.AgencyID == laodong.ID {
			t.Errorf("%s of %s stored under %s, want %q", tc.agency, tc.county, res.AgencyID, tc.want)
		}
		if a, err := s.GetAgency(ctx, res.AgencyID); err != nil || (tc.want == "") != (a.Source == "synthetic") {
			t.Errorf("%s of %s: agency %+v (%v)", tc.agency, tc.county, a, err)
		}
	}
	f, err := s.Filing(ctx, FilingQuery{Place: "乐至县", Year: 2023, Deadline: testDeadline})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Rows {
		if r.Name == "劳动镇" {
			n++
			if r.Status != FiledOnTime {
				t.Errorf("劳动镇: %s, want filed", r.Status)
			}
		}
	}
	if n != 1 || !f.Synthetic {
		t.Errorf("乐至县 2023: 劳动镇 listed %d times, synthetic %v; want once, true", n, f.Synthetic)
	}
}
