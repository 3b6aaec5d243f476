package generate

import (
	"path/filepath"
	"testing"

	"nianbao/internal/golden"
	"nianbao/report"
)

// TestRenderedTablesGolden: the generator's printed tables 2–4 for both
// editions, as kept in testdata/layout (captured before the renderer moved
// onto report.Layout).
func TestRenderedTablesGolden(t *testing.T) {
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		r := report.New("x.txt")
		r.Edition, r.Cells = ed, golden.Cells(ed)
		golden.JSON(t, filepath.Join("testdata", "layout", "rendered-"+ed+".json"), []rfTable{rfTable2(r), rfTable3(r), rfTable4(r)})
	}
}
