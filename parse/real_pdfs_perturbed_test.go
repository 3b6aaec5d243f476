package parse_test

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"nianbao/internal/corpus"
	"nianbao/parse"
)

// pdfFloors is the fewest of each PDF's 186 cells a perturbation must
// still read as unperturbed. Measured on 2026-12-07 with go test ./parse
// -run TestRealPDFsPerturbed -v: 186 for every perturbation but glued
// (165 for 2023, 172 for 2024), spaced and navline (178), stray (182,
// 183); each floor is the lower file's count less 2.
var pdfFloors = map[string]int{
	"none": 186, "glued": 163, "spaced": 176, "oneline": 184, "slash": 184, "dash": 184, "wu": 184,
	"nav": 184, "crawler": 184, "navline": 176, "pagenum": 184, "wrap": 184, "wrap3": 184, "wrapnum": 184,
	"stray": 180, "tabs": 184,
}

// TestRealPDFsPerturbed: the text of the two real 洪泽区 PDFs (whose
// reading TestRealPDFsAgainstManifest checks against MANIFEST.md's figures)
// through the same perturbations: no cell may differ from the unperturbed
// reading without a finding naming it.
func TestRealPDFsPerturbed(t *testing.T) {
	dir := corpus.Dir(t, "peer")
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (scripts/setup.sh installs poppler-utils)")
	}
	for _, f := range []string{"hzq2023_working.pdf", "hzq2024_working.pdf"} {
		out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", filepath.Join(dir, f), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		base, _ := parse.Text(f, string(out), parse.Meta{})
		for _, p := range realPerturbations() {
			r, _ := parse.Text(f, p.f(string(out)), parse.Meta{})
			flagged := map[string]bool{}
			for _, fd := range r.Findings {
				for _, c := range fd.Cells {
					flagged[c] = true
				}
			}
			exact, miss := 0, 0
			for code, want := range base.Cells {
				v, ok := r.Cells[code]
				switch {
				case !ok:
					miss++
				case math.Abs(v-want) < 1e-9:
					exact++
				case !flagged[code]:
					t.Errorf("%s %s: %s = %v, unperturbed %v, and no finding says so", f, p.name, code, v, want)
				}
			}
			t.Logf("%s %-8s %d of %d cells as unperturbed, %d not read", f, p.name, exact, len(base.Cells), miss)
			if floor, ok := pdfFloors[p.name]; !ok || exact < floor {
				t.Errorf("%s %s: %d cells as unperturbed, the floor is %d: the reader lost cells it used to read", f, p.name, exact, floor)
			}
		}
	}
}
