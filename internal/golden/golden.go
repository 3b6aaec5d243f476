// Package golden keeps the outputs of the renderers of tables 2–4 as
// testdata files, so that moving them onto report.Layout is checked to
// change nothing: a test writes what a renderer gives as indented JSON
// and compares it with the file (go test -run X -update-golden writes it).
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"nianbao/report"
)

var update = flag.Bool("update-golden", false, "write the golden files of the table layouts")

// JSON compares v, as indented JSON, with the file at path.
func JSON(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (write it with -update-golden)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the renderer gives now (the layout changed; if on purpose, run with -update-golden and read the diff)", path)
	}
}

// Cells gives every printed cell of an edition a different value (its
// place in print order, from 1), but for the first cell of each table,
// left out so the renderers' blank cells show too.
func Cells(edition string) map[string]float64 {
	cells := map[string]float64{}
	first := map[int]bool{}
	i := 0
	for code := range report.PrintedCodes(edition) {
		i++
		if !first[code.Table()] {
			first[code.Table()] = true
			continue
		}
		cells[code.String()] = float64(i)
	}
	return cells
}
