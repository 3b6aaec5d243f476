package ingest_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"nianbao/ingest"
)

// TestSampleCorpus reads the generated sample corpus (every layout, both
// editions) and checks every cell against its truth.json.
func TestSampleCorpus(t *testing.T) {
	dir := filepath.Join("..", "data", "sample")
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth []struct {
		File    string             `json:"file"`
		Agency  string             `json:"agency"`
		County  string             `json:"county"`
		Year    int                `json:"year"`
		Edition string             `json:"edition"`
		Cells   map[string]float64 `json:"cells"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	cells, exact := 0, 0
	for _, e := range truth {
		reports, err := ingest.ParseFile(filepath.Join(dir, e.File), ingest.Meta{})
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		r := reports[0]
		if r.Agency != e.Agency || r.County != e.County || r.Year != e.Year || r.Edition != e.Edition || !r.Synthetic {
			t.Errorf("%s: meta %s/%s/%d/%s synthetic=%v", e.File, r.County, r.Agency, r.Year, r.Edition, r.Synthetic)
		}
		for code, want := range e.Cells {
			cells++
			if got, ok := r.Cells[code]; !ok || math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: %s = %v (read %v), want %v", e.File, code, got, ok, want)
			} else {
				exact++
			}
		}
	}
	t.Logf("sample: %d of %d cells exact in %d reports", exact, cells, len(truth))
}
