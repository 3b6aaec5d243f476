package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"nianbao/report"
)

// TestFiguresHoldEveryTable2Code fails when the catalogue gains a table-2
// code that report_figures has no column for: Proactive would silently
// leave it out of its sums.
func TestFiguresHoldEveryTable2Code(t *testing.T) {
	s := openMem(t)
	cols := map[string]bool{}
	if err := scanStrings(context.Background(), s.db, `SELECT column_name FROM information_schema.columns WHERE table_name = 'report_figures'`,
		func(v []string) { cols[v[0]] = true }); err != nil {
		t.Fatal(err)
	}
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		for c := range report.T2Codes(ed) {
			if col := strings.ReplaceAll(c.String(), ".", "_"); !cols[col] {
				t.Errorf("edition %s: %s has no report_figures column %s", ed, c, col)
			}
			if !slices.ContainsFunc(figureColumns[:], func(f figureColumn) bool { return f.code == c.String() }) {
				t.Errorf("edition %s: figureColumns does not compute %s", ed, c)
			}
		}
	}
}
