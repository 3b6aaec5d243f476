package generate_test

import (
	"slices"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/registry"
)

// TestNationalParsesBack generates a sample of the national corpus spread
// over the country and reads every file back through the readers and the
// parser: each format must give back the cells it was rendered from.
func TestNationalParsesBack(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	places := generate.NationalPlaces(reg, 1)
	if len(places) < 41000 {
		t.Fatalf("%d places: want every town of the registry and the departments", len(places))
	}
	perFormat := map[string]int{}
	var docs []generate.NationalDoc
	err = generate.National(places, generate.NationalOptions{Seed: 1, Limit: 400}, func(d generate.NationalDoc) error {
		docs = append(docs, d)
		perFormat[d.Format]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents: %v", len(docs), perFormat)
	for _, f := range []string{"txt", "html", "docx", "xlsx"} {
		if perFormat[f] == 0 {
			t.Errorf("no %s in the sample", f)
		}
	}
	editions := map[string]bool{}
	wrong := map[string]int{}
	for _, d := range docs {
		editions[d.Report.Edition] = true
		got, err := ingest.ParseBytes(d.Path, d.Data, ingest.Meta{Agency: d.Report.Agency, County: d.Report.County, Year: d.Report.Year})
		if err != nil || len(got) != 1 {
			t.Errorf("%s: %d reports, %v", d.Path, len(got), err)
			continue
		}
		r := got[0]
		for code, want := range d.Report.Cells {
			if v, ok := r.Cells[code]; !ok || v != want {
				wrong[d.Format]++
				if wrong[d.Format] <= 3 {
					t.Errorf("%s (%s): %s = %v (present %v), want %v", d.Path, d.Format, code, v, ok, want)
				}
			}
		}
	}
	if !editions["2019"] || !editions["2021"] {
		t.Errorf("editions in the sample: %v, want both", editions)
	}
}

// TestNationalDeterministic: the same seed writes the same bytes.
func TestNationalDeterministic(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	places := generate.NationalPlaces(reg, 5)
	run := func() []string {
		var out []string
		generate.National(places, generate.NationalOptions{Seed: 5, Limit: 40}, func(d generate.NationalDoc) error {
			if d.Format == "txt" || d.Format == "html" {
				out = append(out, d.Path+"\n"+string(d.Data))
			} else {
				out = append(out, d.Path)
			}
			return nil
		})
		return out
	}
	a, b := run(), run()
	if len(a) != 40 || len(a) != len(b) {
		t.Fatalf("%d and %d documents, want 40", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("document %d differs between two runs of one seed", i)
		}
	}
}

// TestNationalFormatsKeepTheSameFiles: a corpus of some formats only
// (NationalOptions.Formats, generate --national --formats) holds exactly
// the documents of those formats of the whole corpus of that seed and
// limit, byte for byte, so bench-scale's text ingest reads the text files
// of its mixed corpus.
func TestNationalFormatsKeepTheSameFiles(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	places := generate.NationalPlaces(reg, 3)
	for _, formats := range [][]string{{"txt"}, {"html", "xlsx"}} {
		collect := func(opts generate.NationalOptions) map[string]string {
			out := map[string]string{}
			err := generate.National(places, opts, func(d generate.NationalDoc) error {
				if len(opts.Formats) == 0 && !slices.Contains(formats, d.Format) {
					return nil
				}
				out[d.Path] = string(d.Data)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		whole := collect(generate.NationalOptions{Seed: 3, Limit: 120})
		only := collect(generate.NationalOptions{Seed: 3, Limit: 120, Formats: formats})
		if len(whole) == 0 || len(whole) >= 120 {
			t.Fatalf("%v: %d documents of those formats in 120: want some, not all", formats, len(whole))
		}
		if len(only) != len(whole) {
			t.Errorf("%v: %d documents, want the %d of the whole corpus", formats, len(only), len(whole))
		}
		for path, data := range whole {
			if only[path] != data {
				t.Errorf("%v: %s differs from (or is missing beside) the whole corpus's", formats, path)
			}
		}
	}
}
