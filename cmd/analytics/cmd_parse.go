package main

import (
	"encoding/json"
	"fmt"
	"io"

	"nianbao/ingest"
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
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	paths, err := ingest.CollectFiles(files)
	if err != nil {
		fmt.Fprintf(stderr, "analytics parse: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	code := 0
	for _, res := range ingest.ParseAll(paths, m.meta()) {
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
				if tr, err := ingest.TraceFile(res.Path, m.meta()); err == nil {
					out.Trace = tr.String()
					fmt.Fprintf(stderr, "%s\n%s\n", res.Path, out.Trace)
				}
			}
			enc.Encode(out)
		}
	}
	return code
}
