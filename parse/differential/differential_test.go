package differential

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/generate/perturb"
	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/parse"
	"nianbao/registry"
	"nianbao/report"
)

// TestDifferential guards the parser's speed work: a speed change must
// not change a single byte of what is read. It parses a fixed, large
// corpus — generated national reports of every format, the perturbation
// suite's cases, the real excerpts, seed and peer reports, data/sample and
// the fixtures — and writes a canonical dump of every reading (cells with
// values and sources, findings, notes, metadata, narrative figures, the
// text as read, the trace) to PARSE_DUMP. With PARSE_BASELINE set to an
// earlier dump it fails on any difference, naming the document.
//
//	PARSE_DUMP=/tmp/h1-before go test ./parse/differential -run TestDifferential -count 1
//	PARSE_DUMP=/tmp/h1-after PARSE_BASELINE=/tmp/h1-before go test ./parse/differential -run TestDifferential -count 1
//
// It takes a minute or two, so it only runs when PARSE_DUMP is set; it
// sits in a package of its own because the readers it goes through link
// DuckDB, which package parse's own tests do not need.
func TestDifferential(t *testing.T) {
	out := os.Getenv("PARSE_DUMP")
	if out == "" {
		t.Skip("set PARSE_DUMP=DIR (and PARSE_BASELINE=DIR of an earlier dump to compare) to run the differential check")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	groups := []struct {
		name string
		docs func(t *testing.T) []diffDoc
	}{
		{"national", nationalDocs},
		{"perturb", perturbDocs},
		{"real", realDocs},
	}
	base := os.Getenv("PARSE_BASELINE")
	total, differ := 0, 0
	for _, g := range groups {
		docs := g.docs(t)
		if len(docs) == 0 {
			t.Errorf("%s: no documents", g.name)
			continue
		}
		file := filepath.Join(out, g.name+".jsonl")
		var buf bytes.Buffer
		for _, d := range docs {
			buf.Write(dumpOf(d))
			buf.WriteByte('\n')
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d documents dumped to %s", g.name, len(docs), file)
		total += len(docs)
		if base == "" {
			continue
		}
		n, d := compareDumps(t, filepath.Join(base, g.name+".jsonl"), file)
		if n != len(docs) {
			t.Errorf("%s: %d documents in the baseline, %d now", g.name, n, len(docs))
		}
		differ += d
	}
	if base != "" {
		t.Logf("compared %d documents with %s: %d differ", total, base, differ)
	}
}

// diffDoc is one document of the differential corpus and how to read it:
// text through parse.Text (and parse.TextTrace), bytes through
// ingest.ParseBytes (the readers, then parse.Text).
type diffDoc struct {
	name string
	text string
	data []byte
}

// nationalDocs: the national generator's sample, every format in its
// proportion (about 3 000 of them text), read without meta so that what
// the parser finds of agency, county and year is compared too.
func nationalDocs(t *testing.T) []diffDoc {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	places := generate.NationalPlaces(reg, 1)
	var docs []diffDoc
	texts := 0
	err = generate.National(places, generate.NationalOptions{Seed: 1, Limit: 5000}, func(d generate.NationalDoc) error {
		if d.Format == "txt" {
			texts++
			docs = append(docs, diffDoc{name: d.Path, text: string(d.Data)})
		} else {
			docs = append(docs, diffDoc{name: d.Path, data: d.Data})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if texts < 3000 {
		t.Errorf("%d national text reports, want at least 3000", texts)
	}
	return docs
}

// perturbDocs: 2 000 cases of every perturbation, made as
// analytics perturb makes them (seed 1).
func perturbDocs(t *testing.T) []diffDoc {
	ps := perturb.All()
	const n = 2000
	towns := min(max(4, n/(len(ps)*6)+1), 120)
	truths := generate.Corpus(generate.Options{Seed: 1, Counties: generate.CountyNames[:2], Towns: []int{(towns + 1) / 2}})
	var docs []diffDoc
	for i := 0; i < n; i++ {
		p := ps[i%len(ps)]
		rng := rand.New(rand.NewPCG(1, uint64(i)))
		start := (i / len(ps)) * 7
		for try := 0; try < len(truths); try++ {
			c, ok := p.Make(truths[(start+try)%len(truths)], rng)
			if !ok {
				continue
			}
			name := fmt.Sprintf("%s#%d:%s", p.Name, i, c.File)
			if c.Data != nil {
				docs = append(docs, diffDoc{name: name, data: c.Data})
			} else {
				docs = append(docs, diffDoc{name: name, text: c.Text})
			}
			break
		}
	}
	return docs
}

// realDocs: every file of ../shared/corpus (excerpts, seed, peer), of
// data/sample and of the parser's fixtures, read through the readers.
func realDocs(t *testing.T) []diffDoc {
	type place struct{ label, dir string }
	var places []place
	for _, sub := range []string{"excerpts", "seed", "peer"} {
		places = append(places, place{"shared/corpus/" + sub, corpus.Dir(t, sub)})
	}
	places = append(places, place{"data/sample", filepath.Join("..", "..", "data", "sample")}, place{"parse/testdata", filepath.Join("..", "testdata")})
	var docs []diffDoc
	for _, pl := range places {
		var files []string
		err := filepath.WalkDir(pl.dir, func(path string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if e.Name() == "fuzz" {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".txt", ".md", ".tsv", ".pdf", ".html", ".docx", ".xlsx":
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// Named by where the file sits, not by the path this test
			// reaches it by, so that a dump compares from anywhere.
			rel, err := filepath.Rel(pl.dir, f)
			if err != nil {
				t.Fatal(err)
			}
			name := pl.label + "/" + filepath.ToSlash(rel)
			docs = append(docs, diffDoc{name: name, data: b})
			if strings.HasSuffix(f, ".txt") {
				// The same text straight into the parser, as the
				// benchmarks read it.
				docs = append(docs, diffDoc{name: name + "#text", text: string(b)})
			}
		}
	}
	return docs
}

// dumped is the canonical form of one reading: every field of the report
// (those JSON leaves out too), in a fixed order.
type dumped struct {
	Name     string         `json:"name"`
	Err      string         `json:"err,omitempty"`
	Reports  []dumpedReport `json:"reports"`
	Trace    *parse.Trace   `json:"trace,omitempty"`
	TraceErr string         `json:"trace_err,omitempty"`
}

type dumpedReport struct {
	report.Report
	SourceCells map[string]int           `json:"source_cells"`
	Narrative   []report.NarrativeFigure `json:"narrative"`
	Text        string                   `json:"text"`
}

func dumpOf(d diffDoc) []byte {
	out := dumped{Name: d.name}
	var reps []*report.Report
	var err error
	if d.data != nil {
		reps, err = ingest.ParseBytes(d.name, d.data, ingest.Meta{})
	} else {
		var r *report.Report
		r, err = parse.Text(d.name, d.text, parse.Meta{})
		if r != nil {
			reps = []*report.Report{r}
		}
		tr, terr := parse.TextTrace(d.name, d.text, parse.Meta{})
		canonicalTrace(tr)
		out.Trace = tr
		if terr != nil {
			out.TraceErr = terr.Error()
		}
	}
	if err != nil {
		out.Err = err.Error()
	}
	for _, r := range reps {
		dr := dumpedReport{Report: *r, SourceCells: map[string]int{}, Narrative: r.Narrative, Text: r.Text}
		for code, s := range r.Sources {
			dr.SourceCells[code] = s.Cell
		}
		out.Reports = append(out.Reports, dr)
	}
	b, jerr := json.Marshal(out)
	if jerr != nil {
		return []byte(fmt.Sprintf(`{"name":%q,"marshal_err":%q}`, d.name, jerr.Error()))
	}
	return b
}

// canonicalTrace orders the trace's zero steps (blank-as-zero,
// zero-words) within each run of them on one table: the parser records
// them while ranging over a map, so their order alone differs between two
// runs of the same code.
func canonicalTrace(tr *parse.Trace) {
	if tr == nil {
		return
	}
	zero := func(s parse.Step) bool { return s.Name == "blank-as-zero" || s.Name == "zero-words" }
	st := tr.Steps
	for i := 0; i < len(st); {
		j := i
		for j < len(st) && zero(st[j]) && st[j].Table == st[i].Table {
			j++
		}
		if j == i {
			i++
			continue
		}
		run := st[i:j]
		sort.SliceStable(run, func(a, b int) bool { return run[a].Name < run[b].Name })
		i = j
	}
}

// compareDumps compares two dumps line by line (one document a line) and
// returns how many documents the baseline holds and how many differ.
func compareDumps(t *testing.T, before, after string) (n, differ int) {
	t.Helper()
	read := func(path string) [][]byte {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var lines [][]byte
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			lines = append(lines, append([]byte(nil), sc.Bytes()...))
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		return lines
	}
	a, b := read(before), read(after)
	for i := range max(len(a), len(b)) {
		if i < len(a) && i < len(b) && bytes.Equal(a[i], b[i]) {
			continue
		}
		differ++
		if differ <= 5 {
			var x, y []byte
			if i < len(a) {
				x = a[i]
			}
			if i < len(b) {
				y = b[i]
			}
			t.Errorf("%s line %d differs:\nbefore %s\nafter  %s", filepath.Base(after), i+1, clip(x, firstDiff(x, y)), clip(y, firstDiff(x, y)))
		}
	}
	return len(a), differ
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// clip shows a dump line around its first difference.
func clip(s []byte, at int) string {
	lo, hi := max(0, at-200), min(len(s), at+200)
	return fmt.Sprintf("…%s…", s[lo:hi])
}
