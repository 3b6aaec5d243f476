package report

import (
	"slices"
	"strings"
	"time"
)

// Severity of a finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Report is one annual report as read from its source document.
type Report struct {
	File        string             `json:"file"`
	Agency      string             `json:"agency"`
	County      string             `json:"county"`
	Year        int                `json:"year"`
	Edition     string             `json:"edition"`
	Format      string             `json:"format,omitempty"`
	PublishedOn string             `json:"published_on,omitempty"`
	Synthetic   bool               `json:"synthetic,omitempty"`
	SHA256      string             `json:"sha256,omitempty"`
	Cells       map[string]float64 `json:"cells"`
	Findings    []Finding          `json:"findings"`
	// Sources says where each cell stands in the document (issue: provenance).
	Sources map[string]Source `json:"sources,omitempty"`
	// Narrative holds figures stated in the prose, used by rule 6.
	Narrative []NarrativeFigure `json:"-"`
	// Text is the document's text as read, kept for the checks on the
	// prose (sections, copying) that package assess stores; not a cell.
	Text string `json:"-"`
}

// Source is the place of a cell in its document.
type Source struct {
	Line  int    `json:"line,omitempty"`
	Page  int    `json:"page,omitempty"`
	Table int    `json:"table,omitempty"`
	Row   int    `json:"row,omitempty"`
	Col   int    `json:"col,omitempty"`
	Raw   string `json:"raw"`
	// Note records a choice the reader made (a blank read as zero, a glued
	// row split by the accounting rules) and the readings it rejected.
	Note string `json:"note,omitempty"`
	// Cell is the index (from 0) of the bar-closed cell on its line of the
	// reader's text; a grid reader maps it back to the grid column.
	Cell int `json:"-"`
}

// Finding is a broken rule or a problem met while reading.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity string   `json:"severity"`
	Cells    []string `json:"cells"`
	Message  string   `json:"message"`
	// Review is a person's decision on the finding: confirmed or dismissed.
	Review        ReviewState `json:"review,omitempty"`
	ReviewComment string      `json:"review_comment,omitempty"`
	Reviewer      string      `json:"reviewer,omitempty"`
}

// Key identifies a finding across re-ingests of the same report.
func (f Finding) Key() string { return f.Rule + "|" + strings.Join(f.Cells, ",") }

// NarrativeFigure is a number stated in the report's prose that a table cell
// (or a sum of cells) should equal.
type NarrativeFigure struct {
	Text  string   // the sentence fragment as printed
	Line  int      // line in the source text
	Value float64  // the number stated
	Cells []string // codes whose value (any of them) should match
}

// New returns an empty report for a file.
func New(file string) *Report {
	return &Report{File: file, Cells: map[string]float64{}, Findings: []Finding{}}
}

// Set records a cell with its source.
func (r *Report) Set(code string, v float64, src Source) {
	if v == 0 {
		// "-0" in a change column is zero: kept as -0 it prints as "-0"
		// in exports and downloads.
		v = 0
	}
	r.Cells[code] = v
	if r.Sources == nil {
		r.Sources = map[string]Source{}
	}
	r.Sources[code] = src
}

// Has tells whether a cell is present.
func (r *Report) Has(code string) bool {
	_, ok := r.Cells[code]
	return ok
}

// AddFinding appends a finding.
func (r *Report) AddFinding(rule, severity, msg string, cells ...string) {
	if cells == nil {
		cells = []string{}
	}
	r.Findings = append(r.Findings, Finding{Rule: rule, Severity: severity, Cells: cells, Message: msg})
}

// HasErrors tells whether any finding has severity error.
func (r *Report) HasErrors() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Codes returns the report's cell codes in catalogue order.
func (r *Report) Codes() []string {
	// Each known code put straight at its place in the catalogue (looked
	// up once, made in init), the unknown ones sorted after: no sort of
	// the known ones at all. A sort of the places was still ~20 µs of a
	// national report's ~200 cells, once per report on every ingest
	// (docs/benchmarks.md, "Text reading and parsing, fifth pass").
	slots := make([]string, len(catalogue))
	var unknown []string
	for c := range r.Cells {
		if i, ok := order[c]; ok {
			slots[i] = c
		} else {
			unknown = append(unknown, c)
		}
	}
	codes := slots[:0]
	for _, c := range slots {
		if c != "" {
			codes = append(codes, c)
		}
	}
	slices.Sort(unknown)
	return append(codes, unknown...)
}

// Stored is a report as kept in the database.
type Stored struct {
	ID         int64     `json:"id"`
	IngestedAt time.Time `json:"ingested_at"`
	Report
}

// SyntheticMarker is printed in every report the generator makes; a report
// whose text carries it is stored as synthetic so pages can say 示例数据.
const SyntheticMarker = "【示例数据】本报告由 Nianbao 生成器虚构，不代表任何真实机关。"
