package api

import (
	"path/filepath"
	"testing"

	"nianbao/internal/golden"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// TestOfficialLayoutGolden: the official XLSX/DOCX grids of tables 2–4 for
// both editions, as kept in testdata/layout (captured before the renderer
// moved onto report.Layout).
func TestOfficialLayoutGolden(t *testing.T) {
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		d := &query.ReportDetail{Full: &store.Full{}}
		d.Agency, d.Year, d.Edition, d.Cells = "凤塘镇", 2022, ed, golden.Cells(ed)
		tables := officialLayout(d)
		golden.JSON(t, filepath.Join("testdata", "layout", "official-"+ed+".json"), tables[:3])
	}
}
