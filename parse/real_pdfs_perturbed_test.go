package parse_test

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"nianbao/internal/corpus"
	"nianbao/parse"
)

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
		}
	}
}
