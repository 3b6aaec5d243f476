package dashboards

import (
	"path/filepath"
	"testing"

	"nianbao/internal/golden"
	"nianbao/report"
)

// TestTownTablesGolden: the town page's tables 2–4 for both editions, as
// kept in testdata/layout (captured before they moved onto report.Layout).
func TestTownTablesGolden(t *testing.T) {
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		in := &cellInfo{cells: golden.Cells(ed)}
		golden.JSON(t, filepath.Join("testdata", "layout", "town-"+ed+".json"), map[string]any{
			"t2": table2(ed, in), "t3": table3(ed, in), "t4": table4(in)})
	}
}
