package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"nianbao/ingest"
	"nianbao/report"
)

// TestGridMergedCells: an HTML table 3 whose rows are shortened by colspan
// and rowspan (merged-cells.html, numbers known by construction) is read by
// the cells' true grid columns. A merged 0 is 0 in every column it covers;
// a merged non-zero number and a column covered from the row above stay
// unread with a finding; nothing else is lost.
func TestGridMergedCells(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "merged-cells.html"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ingest.ParseBytes("merged-cells.html", data, ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	want := map[string][]float64{
		"new":                  {7, 1, 0, 0, 0, 0, 8},
		"carried_over":         {0, 0, 0, 0, 0, 0, 0},
		"partial":              {1, 0, 0, 0, 0, 0, 1},
		"total":                {6, 1, 0, 0, 0, 0, 7},
		"carry_forward":        {1, 0, 0, 0, 0, 0, 1},
		"unavailable.not_held": {2, 0, 0, 0, 0, 0, 2},
		"denied.state_secret":  {0, 0, 0, 0, 0, 0, 0},
	}
	for row, vals := range want {
		for i, col := range report.T3Columns {
			code := string(report.T3(row, col))
			if got, ok := r.Cells[code]; !ok || got != vals[i] {
				t.Errorf("%s = %v (read %v), want %v", code, got, ok, vals[i])
			}
		}
	}
	if r.Cells["t3.granted.natural"] != 3 || r.Cells["t3.granted.total"] != 4 {
		t.Errorf("granted natural/total = %v/%v, want 3/4", r.Cells["t3.granted.natural"], r.Cells["t3.granted.total"])
	}
	flagged := map[string]bool{}
	for _, f := range r.Findings {
		for _, c := range f.Cells {
			flagged[c] = true
		}
	}
	unread := []string{"t3.granted.commercial", "t3.granted.research", "t3.granted.social", "t3.granted.legal", "t3.granted.other_org", "t3.denied.law_prohibited.natural"}
	for _, code := range unread {
		if r.Has(code) || !flagged[code] {
			t.Errorf("%s: read %v, flagged %v; want unread and flagged", code, r.Has(code), flagged[code])
		}
	}
	for code := range r.Cells {
		if slices.Contains(unread, code) {
			continue
		}
		if flagged[code] && code[:3] == "t3." {
			t.Errorf("%s read and flagged", code)
		}
	}
	for c := range report.PrintedCodes(report.Edition2021) {
		if !r.Has(string(c)) && !flagged[string(c)] {
			t.Errorf("%s neither read nor flagged", c)
		}
	}
}
