package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"nianbao/registry"
	"nianbao/report"
)

// full is a report with tables 3 and 4: every t3 code of the edition with
// one value, and table 4.
func full(agency, county string, year int, v float64, hash string) *report.Report {
	r := report.New(agency + ".pdf")
	r.Agency, r.County, r.Year, r.Edition, r.SHA256 = agency, county, year, report.Edition2021, hash
	for c := range report.T3Codes(report.Edition2021) {
		r.Cells[string(c)] = v
	}
	for c := range report.T4Codes() {
		r.Cells[string(c)] = 1
	}
	return r
}

func openMem(t *testing.T) *Store {
	t.Helper()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestVersionsKeptHeldRestoredDiffed(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	first, err := s.SaveWith(ctx, full("劳动镇人民政府", "乐至县", 2022, 2, "pdf1"), SaveOptions{Author: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if first.AgencyID != "512022110" || !first.Registered || first.Version != 1 || !first.Current {
		t.Fatalf("first save: %+v", first)
	}
	big := len(full("x", "y", 1, 0, "").Cells)
	// A notes file claiming the same town and year: three cells, no table 4.
	notes := report.New("说明.md")
	notes.Agency, notes.County, notes.Year, notes.Edition, notes.SHA256 = "劳动镇", "乐至县", 2022, report.Edition2021, "notes"
	notes.Cells["t3.new.total"], notes.Cells["t3.new.natural"], notes.Cells["t2.rules.made"] = 5, 5, 1
	held, err := s.SaveWith(ctx, notes, SaveOptions{Author: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if held.ID != first.ID || held.Current || held.Version != 2 || !strings.Contains(held.Held, "表四") {
		t.Fatalf("small version: %+v; want stored as v2 of %d, not current, held for table 4", held, first.ID)
	}
	got, err := s.Get(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cells) != big || got.Cells["t3.new.total"] != 2 {
		t.Fatalf("current report after the small version: %d cells (want %d), t3.new.total %v", len(got.Cells), big, got.Cells["t3.new.total"])
	}
	vs, err := s.Versions(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || !vs[0].Current || vs[1].Current || vs[1].Cells != 3 || vs[0].Cells != big || vs[1].Held == "" {
		t.Fatalf("versions: %+v", vs)
	}
	// A corrected document: same size, one value changed, made current.
	fixed := full("劳动镇人民政府", "乐至县", 2022, 2, "pdf2")
	fixed.Cells["t3.new.total"] = 9
	third, err := s.SaveWith(ctx, fixed, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if third.ID != first.ID || !third.Current || third.Version != 3 {
		t.Fatalf("third: %+v", third)
	}
	d, err := s.Diff(ctx, first.ID, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || d[0].Code != "t3.new.total" || *d[0].A != 2 || *d[0].B != 9 {
		t.Fatalf("diff 1→3: %+v", d)
	}
	d, _ = s.Diff(ctx, first.ID, 1, 2)
	if len(d) != big+1 { // all but t3.new.total and t3.new.natural differ or vanish, t2.rules.made appears
		absent := 0
		for _, x := range d {
			if x.B == nil {
				absent++
			}
		}
		t.Fatalf("diff 1→2: %d cells differ (%d absent in v2), want %d", len(d), absent, big+1)
	}
	if _, err := s.Diff(ctx, first.ID, 1, 7); !errors.Is(err, ErrBadVersion) {
		t.Fatalf("diff with a missing version: %v", err)
	}
	// Restore version 1: the report is as first ingested, same id, audited.
	if err := s.Restore(ctx, first.ID, 1, "王审核", "第三版误传"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, first.ID)
	if got.Cells["t3.new.total"] != 2 || got.SHA256 != "pdf1" {
		t.Fatalf("after restore: %v %s", got.Cells["t3.new.total"], got.SHA256)
	}
	vs, _ = s.Versions(ctx, first.ID)
	if !vs[0].Current || vs[2].Current {
		t.Fatalf("pointer after restore: %+v", vs)
	}
	// --force makes the small version current.
	forced, err := s.SaveWith(ctx, notes, SaveOptions{Force: true})
	if err != nil || !forced.Current || forced.Version != 4 {
		t.Fatalf("forced: %+v %v", forced, err)
	}
	audit, _ := s.Audit(ctx, 0)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if want := "upload hold restore"; !strings.Contains(strings.Join(actions, " "), want) {
		t.Fatalf("audit actions %v, want %q in order", actions, want)
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d reports for one town and year", n)
	}
}

func TestIDsStableAcrossReingest(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	ids := map[string]int64{}
	for round := 0; round < 3; round++ {
		for i, town := range []string{"劳动镇", "石佛镇", "天池街道"} {
			r := full(town, "乐至县", 2022, float64(round+i), fmt.Sprintf("%s-%d", town, round))
			res, err := s.Save(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if round == 0 {
				ids[town] = res.ID
			} else if res.ID != ids[town] {
				t.Fatalf("round %d: %s got id %d, was %d", round, town, res.ID, ids[town])
			}
		}
	}
	// The county written another way (with its city) is the same report.
	res, err := s.Save(ctx, full("劳动镇人民政府", "资阳市乐至县", 2022, 7, "again"))
	if err != nil || res.ID != ids["劳动镇"] {
		t.Fatalf("county with city: %+v %v", res, err)
	}
}

func TestSameNameTownsTwoReports(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	towns := reg.Named("城关镇")
	var a, b string
	for _, p := range towns {
		if m := reg.Resolve(queryOf("城关镇", p.County)); m.Place != nil {
			if a == "" {
				a = p.County
			} else if p.County != a {
				b = p.County
				break
			}
		}
	}
	if a == "" || b == "" {
		t.Fatal("no two 城关镇 with unambiguous county names")
	}
	ra, err := s.Save(ctx, full("城关镇人民政府", a, 2022, 1, "a"))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := s.Save(ctx, full("城关镇人民政府", b, 2022, 2, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if ra.ID == rb.ID || ra.AgencyID == rb.AgencyID || !ra.Registered || !rb.Registered || rb.Replaced {
		t.Fatalf("城关镇 of %s and %s: %+v / %+v", a, b, ra, rb)
	}
	// Without a county it is not guessed: stored under an unregistered
	// agency, listed for a person.
	rc, err := s.Save(ctx, full("城关镇人民政府", "", 2022, 3, "c"))
	if err != nil {
		t.Fatal(err)
	}
	if rc.Registered || rc.ID == ra.ID || rc.ID == rb.ID {
		t.Fatalf("county-less 城关镇: %+v", rc)
	}
	un, err := s.Agencies(ctx, AgencyFilter{Unregistered: true, WithReports: true})
	if err != nil || len(un) != 1 || un[0].ID != rc.AgencyID || un[0].Reason == "" {
		t.Fatalf("unregistered agencies: %+v %v", un, err)
	}
}

func queryOf(name, county string) registry.Query { return registry.Query{Name: name, County: county} }

// A report stored before versions existed (agency_id and current_version
// NULL, no version rows) keeps its id and its document as version 0 when a
// new version arrives.
func TestLegacyReportBecomesVersionZero(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	first, err := s.Save(ctx, full("劳动镇", "乐至县", 2022, 3, "old"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM report_versions`, `DELETE FROM version_cells`, `UPDATE reports SET agency_id = NULL, current_version = NULL`} {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// Opening such a database places its reports in the registry.
	if err := s.backfillAgencies(ctx); err != nil {
		t.Fatal(err)
	}
	var agencyID string
	s.DB().QueryRow(`SELECT agency_id FROM reports WHERE id = ?`, first.ID).Scan(&agencyID)
	if agencyID != "512022110" {
		t.Fatalf("backfilled agency id %q", agencyID)
	}
	res, err := s.Save(ctx, full("劳动镇", "乐至县", 2022, 4, "new"))
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != first.ID || res.Version != 1 || !res.Current || res.AgencyID != "512022110" {
		t.Fatalf("after the legacy row: %+v", res)
	}
	vs, err := s.Versions(ctx, first.ID)
	if err != nil || len(vs) != 2 || vs[0].Version != 0 || vs[0].SHA256 != "old" || !vs[1].Current {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	d, err := s.Diff(ctx, first.ID, 0, 1)
	if err != nil || len(d) == 0 || *d[0].A != 3 {
		t.Fatalf("diff 0→1: %+v %v", d, err)
	}
}
