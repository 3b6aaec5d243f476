package generate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"nianbao/report"
)

// TruthEntry describes one generated file in truth.json.
type TruthEntry struct {
	File       string             `json:"file"`
	Agency     string             `json:"agency"`
	County     string             `json:"county"`
	Year       int                `json:"year"`
	Edition    string             `json:"edition"`
	Layout     Layout             `json:"layout"`
	Cells      map[string]float64 `json:"cells"`
	BrokenRule string             `json:"broken_rule"`
}

// Document is a generated report with its layout and text.
type Document struct {
	Report *report.Report
	Layout Layout
	Text   []byte
}

// Documents renders the corpus of opts, rotating layouts: the k-th town
// of the corpus uses layouts[(k+i) % len(layouts)] in its i-th year, so
// every layout meets both editions and a town changes layout every year.
// An empty layouts list means all of Layouts().
func Documents(opts Options, layouts []Layout) []Document {
	if len(layouts) == 0 {
		layouts = Layouts()
	}
	opts = opts.withDefaults()
	reports := Corpus(opts)
	docs := make([]Document, len(reports))
	town := -1
	for i, r := range reports {
		// Reports come town by town; a town's reports may lack a year
		// (Options.MissingEvery), so towns are counted, not divided out.
		if i == 0 || reports[i-1].Agency != r.Agency || reports[i-1].County != r.County {
			town++
		}
		year := r.Year - opts.FirstYear
		l := layouts[(town+year)%len(layouts)]
		docs[i] = Document{Report: r, Layout: l, Text: Render(r, l)}
	}
	return docs
}

// WriteCorpus writes every document of opts under dir as
// <county>/<year>/<agency>.txt, and dir/truth.json describing them.
func WriteCorpus(dir string, opts Options, layouts []Layout) ([]TruthEntry, error) {
	docs := Documents(opts, layouts)
	truth := make([]TruthEntry, 0, len(docs))
	for _, d := range docs {
		r := d.Report
		path := filepath.Join(dir, filepath.FromSlash(r.File))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("generate: make directory for %s: %w", r.File, err)
		}
		if err := os.WriteFile(path, d.Text, 0o644); err != nil {
			return nil, fmt.Errorf("generate: write %s: %w", r.File, err)
		}
		truth = append(truth, TruthEntry{
			File: r.File, Agency: r.Agency, County: r.County, Year: r.Year, Edition: r.Edition,
			Layout: d.Layout, Cells: r.Cells, BrokenRule: BrokenRule(r),
		})
	}
	js, err := json.MarshalIndent(truth, "", " ")
	if err != nil {
		return nil, fmt.Errorf("generate: encode truth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(js, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("generate: write truth.json: %w", err)
	}
	return truth, nil
}
