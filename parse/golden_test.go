package parse

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"nianbao/report"
)

var update = flag.Bool("update", false, "rewrite the parser's golden files testdata/*.want.json")

// golden is what a fixture must read to: every cell with its value, the
// note on every cell that has one, and every finding.
type golden struct {
	Agency   string             `json:"agency"`
	County   string             `json:"county"`
	Year     int                `json:"year"`
	Edition  string             `json:"edition"`
	Cells    map[string]float64 `json:"cells"`
	Notes    map[string]string  `json:"notes,omitempty"`
	Findings []string           `json:"findings"`
}

func goldenOf(r *report.Report) golden {
	g := golden{Agency: r.Agency, County: r.County, Year: r.Year, Edition: r.Edition, Cells: r.Cells, Findings: []string{}}
	for code, src := range r.Sources {
		if src.Note != "" {
			if g.Notes == nil {
				g.Notes = map[string]string{}
			}
			g.Notes[code] = src.Note
		}
	}
	for _, f := range r.Findings {
		g.Findings = append(g.Findings, f.Rule+" ["+strings.Join(f.Cells, ",")+"] "+f.Message)
	}
	sort.Strings(g.Findings)
	return g
}

// TestParseFixtures reads every fixture in testdata and compares the whole
// reading — cells, notes, findings — with its golden file. Run with
// -update to rewrite the golden files after a deliberate change, then read
// the diff: a golden file is only as true as the person who checked it.
func TestParseFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Text(name, string(b), Meta{Neighbours: neighboursOf(t, file)})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(goldenOf(r), "", "  ")
			wantFile := strings.TrimSuffix(file, ".txt") + ".want.json"
			if *update {
				if err := os.WriteFile(wantFile, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBytes, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test ./parse -run TestParseFixtures -update)", err)
			}
			var want golden
			if err := json.Unmarshal(wantBytes, &want); err != nil {
				t.Fatal(err)
			}
			for _, d := range diffGolden(want, goldenOf(r)) {
				t.Error(d)
			}
		})
	}
}

// neighboursOf reads a fixture's neighbouring years (rule 5 across
// years), kept beside it as name.neighbours.json; none when absent.
func neighboursOf(t *testing.T, file string) []Neighbour {
	b, err := os.ReadFile(strings.TrimSuffix(file, ".txt") + ".neighbours.json")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var ns []Neighbour
	if err := json.Unmarshal(b, &ns); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return ns
}

func diffGolden(want, got golden) []string {
	var out []string
	if want.Agency != got.Agency || want.County != got.County || want.Year != got.Year || want.Edition != got.Edition {
		out = append(out, "metadata: got "+got.County+"/"+got.Agency+"/"+itoa(got.Year)+"/"+got.Edition+", want "+want.County+"/"+want.Agency+"/"+itoa(want.Year)+"/"+want.Edition)
	}
	for _, d := range diffCells(want.Cells, got.Cells) {
		out = append(out, "cell "+d)
	}
	for code, n := range want.Notes {
		if got.Notes[code] != n {
			out = append(out, "note on "+code+": got "+strconvQ(got.Notes[code])+", want "+strconvQ(n))
		}
	}
	for code, n := range got.Notes {
		if _, ok := want.Notes[code]; !ok {
			out = append(out, "note on "+code+" not expected: "+strconvQ(n))
		}
	}
	w, g := strings.Join(want.Findings, "\n"), strings.Join(got.Findings, "\n")
	if w != g {
		out = append(out, "findings:\n got:\n  "+strings.ReplaceAll(g, "\n", "\n  ")+"\n want:\n  "+strings.ReplaceAll(w, "\n", "\n  "))
	}
	return out
}

// diffCells lists the cells that differ between want and got, both ways.
func diffCells(want, got map[string]float64) []string {
	var out []string
	for code, w := range want {
		g, ok := got[code]
		switch {
		case !ok:
			out = append(out, code+" missing, want "+ftoa(w))
		case !near(g, w):
			out = append(out, code+" = "+ftoa(g)+", want "+ftoa(w))
		}
	}
	for code, g := range got {
		if _, ok := want[code]; !ok {
			out = append(out, code+" = "+ftoa(g)+" not expected")
		}
	}
	sort.Strings(out)
	return out
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
func itoa(v int) string     { return strconv.Itoa(v) }
func strconvQ(s string) string {
	return strconv.Quote(s)
}
