package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSheetsSurviveRestartAndFallBack: stored sheets and their places
// outlive the process; a county takes its own sheet before its city's
// (by GB/T 2260 code), and a county of another city neither.
func TestSheetsSurviveRestartAndFallBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ agency, county string }{{"劳动镇", "乐至县"}, {"岳阳镇", "安岳县"}, {"城关镇", "示范县"}} {
		r := sample(c.agency, 3)
		r.County = c.county
		if _, err := s.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"市评分表", "县评分表"} {
		if _, err := s.SaveSheet(ctx, name, []byte("name: "+name+"\n"), "管理员"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AssignSheet(ctx, "512000", "市评分表", "管理员"); err != nil { // 资阳市
		t.Fatal(err)
	}
	if err := s.AssignSheet(ctx, "乐至县", "县评分表", "管理员"); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignSheet(ctx, "安岳县", "无此表", "管理员"); err == nil {
		t.Error("a sheet not stored was assigned")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct{ county, sheet, place string }{
		{"乐至县", "县评分表", "乐至县"},
		{"安岳县", "市评分表", "512000"},
		{"示范县", "", ""},
	} {
		a, ok, err := s.SheetOf(ctx, c.county)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != c.sheet || a.Place != c.place || ok != (c.sheet != "") {
			t.Errorf("%s: sheet %q from %q (%v), want %q from %q", c.county, a.Name, a.Place, ok, c.sheet, c.place)
		}
		if ok && (a.Body != "name: "+c.sheet+"\n" || a.SHA != SheetSHA([]byte(a.Body)) || a.SetBy != "管理员") {
			t.Errorf("%s: stored %+v", c.county, a)
		}
	}
	counties, err := s.PlaceCounties(ctx, "512000")
	if err != nil || len(counties) != 2 || counties[0] != "乐至县" && counties[1] != "乐至县" {
		t.Errorf("counties of 资阳市: %v %v", counties, err)
	}
	for place, want := range map[string]bool{"512000": true, "乐至县": true, "示范县": true, "资阳市": true, "无此县": false, "510000": false} {
		if got, err := s.PlaceKnown(ctx, place); err != nil || got != want {
			t.Errorf("PlaceKnown(%s) = %v %v, want %v", place, got, err, want)
		}
	}
	audit, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range audit {
		n[e.Action]++
	}
	if n["sheet"] != 2 || n["sheet-assign"] != 2 {
		t.Errorf("audit actions %v", n)
	}
	// Taking the county's own away falls back to its city's.
	if err := s.AssignSheet(ctx, "乐至县", "", "管理员"); err != nil {
		t.Fatal(err)
	}
	if a, _, _ := s.SheetOf(ctx, "乐至县"); a.Name != "市评分表" {
		t.Errorf("乐至县 without its own: %q", a.Name)
	}
}
