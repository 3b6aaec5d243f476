package web

import (
	"path/filepath"
	"testing"

	"nianbao/internal/golden"
	"nianbao/report"
)

// TestTablesGolden: the work pages' tables 2–4 for both editions, as kept
// in testdata/layout (captured before they moved onto report.Layout).
func TestTablesGolden(t *testing.T) {
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		golden.JSON(t, filepath.Join("testdata", "layout", "tables-"+ed+".json"), layout(ed, golden.Cells(ed), nil, nil, nil, nil))
	}
}
