package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"nianbao/ingest"
	"nianbao/parse"
	"nianbao/report"
)

func init() {
	register(command{name: "parse", summary: "read reports and print their cells and findings as JSON lines", run: runParse})
}

// parsed is one line of `analytics parse` output.
type parsed struct {
	File        string                   `json:"file"`
	Agency      string                   `json:"agency"`
	County      string                   `json:"county"`
	Year        int                      `json:"year"`
	Edition     string                   `json:"edition"`
	Format      string                   `json:"format,omitempty"`
	PublishedOn string                   `json:"published_on,omitempty"`
	Synthetic   bool                     `json:"synthetic,omitempty"`
	SHA256      string                   `json:"sha256,omitempty"`
	Cells       map[string]float64       `json:"cells"`
	Findings    []report.Finding         `json:"findings"`
	Sources     map[string]report.Source `json:"sources,omitempty"`
	// Trace is how the text was read (--trace): per table, the splitter
	// and the repair passes.
	Trace string `json:"trace,omitempty"`
}

// unreadable is the line of a file that could not be read at all.
type unreadable struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

func runParse(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("parse", "parse [--agency A] [--county C] [--year Y] [--edition E] [--sources] [--trace] FILE...", stderr)
	var m metaFlags
	m.register(fs)
	sources := fs.Bool("sources", false, "include where each cell stands in its document")
	trace := fs.Bool("trace", false, "say how each table was read: the splitter and the repair passes (also printed to stderr)")
	neighbours := fs.String("neighbours", "", "the same agency's reports of the years before and after (comma-separated files): rule 5 across years may settle glued numbers, as at ingest")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	meta := m.meta()
	if *neighbours != "" {
		if meta.Neighbours, err = readNeighbours(strings.Split(*neighbours, ",")); err != nil {
			fmt.Fprintf(stderr, "analytics parse: %v\n", err)
			return 1
		}
	}
	paths, err := ingest.CollectFiles(files)
	if err != nil {
		fmt.Fprintf(stderr, "analytics parse: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	code := 0
	for _, res := range ingest.ParseAll(paths, meta) {
		if res.Err != nil {
			fmt.Fprintf(stderr, "analytics parse: %v\n", res.Err)
			enc.Encode(unreadable{File: res.Path, Error: res.Err.Error()})
			code = 1
			continue
		}
		for _, r := range res.Reports {
			out := parsed{File: r.File, Agency: r.Agency, County: r.County, Year: r.Year, Edition: r.Edition,
				Format: r.Format, PublishedOn: r.PublishedOn, Synthetic: r.Synthetic, SHA256: r.SHA256,
				Cells: r.Cells, Findings: r.Findings}
			if out.Cells == nil {
				out.Cells = map[string]float64{}
			}
			if out.Findings == nil {
				out.Findings = []report.Finding{}
			}
			if *sources {
				out.Sources = r.Sources
			}
			if *trace {
				if tr, err := ingest.TraceFile(res.Path, meta); err == nil {
					out.Trace = tr.String()
					fmt.Fprintf(stderr, "%s\n%s\n", res.Path, out.Trace)
				}
			}
			enc.Encode(out)
		}
	}
	return code
}

// readNeighbours reads the reports of the neighbouring years given to
// --neighbours: each file one report, its year and cells.
func readNeighbours(files []string) ([]parse.Neighbour, error) {
	var out []parse.Neighbour
	for _, f := range files {
		rs, err := ingest.ParseFile(strings.TrimSpace(f), ingest.Meta{})
		if err != nil {
			return nil, err
		}
		if len(rs) != 1 || rs[0].Year == 0 {
			return nil, fmt.Errorf("%s：相邻年度的文件应是一份能读出年度的报告", f)
		}
		out = append(out, parse.Neighbour{Year: rs[0].Year, Cells: rs[0].Cells})
	}
	return out, nil
}
