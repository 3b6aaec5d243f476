// Package accuracy compares a parsed report with known truth: the figures
// someone verified by hand (the excerpts' truth.json) or the cells the
// generator made a report from. Each truth cell is classed exact, missing
// (flagged or not), wrong-but-flagged, or silently wrong — the defect the
// product must never have: a number that differs from the truth while
// nothing tells the reader to look at it.
//
// "Flagged" means a finding of the report names the cell in Finding.Cells
// (any rule, any severity). A note on the cell's Source does not count: a
// note records a choice the reader made with confidence (a blank read as
// 0, a glued row split by the rules); it is shown only to someone who asks
// for sources, and is not a warning. A missing cell is also flagged by a
// finding of parse_missing, parse_ambiguous or parse_no_data that names no
// cell (a table-level finding), when its message names the cell's table or
// no table at all; and the derived 2021 subtotal t3.other.<col>, when
// missing, is flagged by the findings that name its sub-rows.
package accuracy

import (
	"math"
	"strings"

	"nianbao/report"
)

// Class is what became of one truth cell.
type Class string

// The classes of a truth cell.
const (
	Exact            Class = "exact"
	MissingFlagged   Class = "missing_flagged"   // absent, and a finding says so
	MissingUnflagged Class = "missing_unflagged" // absent without a word
	Wrong            Class = "wrong"             // a different value, named by a finding
	Silent           Class = "silent"            // a different value, nothing flags it
)

// Truth is what is known of one report.
type Truth struct {
	File string
	// Agency is nil when the truth does not name the agency; it is then
	// not scored.
	Agency *string
	// County is scored when not empty.
	County string
	// Year and Edition are scored when not zero / empty.
	Year    int
	Edition string
	Cells   map[string]float64
}

// Cell is the outcome of one truth cell (or of one extra cell).
type Cell struct {
	Code  string   `json:"code"`
	Want  *float64 `json:"want,omitempty"`
	Got   *float64 `json:"got,omitempty"`
	Class Class    `json:"class,omitempty"`
	// Flags are the messages of the findings that name the cell.
	Flags []string `json:"flags,omitempty"`
	// Note is the reader's note on the cell's source, if any.
	Note string `json:"note,omitempty"`
}

// Field is the outcome of one metadata field: right, wrong or not scored.
type Field string

// Metadata outcomes.
const (
	Right     Field = "right"
	WrongMeta Field = "wrong"
	NotScored Field = ""
)

// Counts are the tallies of a score; they add up over files.
type Counts struct {
	Cells            int `json:"cells"`
	Exact            int `json:"exact"`
	MissingFlagged   int `json:"missing_flagged"`
	MissingUnflagged int `json:"missing_unflagged"`
	Wrong            int `json:"wrong"`
	Silent           int `json:"silent"`
	Extra            int `json:"extra"`
	// Metadata: scored and right, per field.
	AgencyScored  int `json:"agency_scored"`
	AgencyRight   int `json:"agency_right"`
	CountyScored  int `json:"county_scored"`
	CountyRight   int `json:"county_right"`
	YearScored    int `json:"year_scored"`
	YearRight     int `json:"year_right"`
	EditionScored int `json:"edition_scored"`
	EditionRight  int `json:"edition_right"`
}

// Missing is every missing cell, flagged or not.
func (c Counts) Missing() int { return c.MissingFlagged + c.MissingUnflagged }

// Add adds another tally to c.
func (c *Counts) Add(o Counts) {
	c.Cells += o.Cells
	c.Exact += o.Exact
	c.MissingFlagged += o.MissingFlagged
	c.MissingUnflagged += o.MissingUnflagged
	c.Wrong += o.Wrong
	c.Silent += o.Silent
	c.Extra += o.Extra
	c.AgencyScored += o.AgencyScored
	c.AgencyRight += o.AgencyRight
	c.CountyScored += o.CountyScored
	c.CountyRight += o.CountyRight
	c.YearScored += o.YearScored
	c.YearRight += o.YearRight
	c.EditionScored += o.EditionScored
	c.EditionRight += o.EditionRight
}

// Score is the comparison of one parsed report with its truth.
type Score struct {
	File string `json:"file"`
	Counts
	Agency  Field `json:"agency,omitempty"`
	County  Field `json:"county,omitempty"`
	Year    Field `json:"year,omitempty"`
	Edition Field `json:"edition,omitempty"`
	// Details lists every truth cell that is not exact, in code order.
	Details []Cell `json:"details,omitempty"`
	// Extra lists the cells read that the truth does not hold.
	ExtraCells []string `json:"extra_cells,omitempty"`
	// Classes gives the class of every truth cell.
	Classes map[string]Class `json:"-"`
}

// tolerance for fractional amounts (万元 with four decimals).
const tolerance = 1e-6

// Compare scores a parsed report against its truth. r may be nil (the file
// could not be read): every cell is then missing, and unflagged.
func Compare(r *report.Report, t Truth) Score {
	s := Score{File: t.File, Classes: map[string]Class{}}
	if r == nil {
		r = report.New(t.File)
	}
	named := map[string][]string{}
	var tableLevel []report.Finding
	for _, f := range r.Findings {
		for _, c := range f.Cells {
			named[c] = append(named[c], f.Message)
		}
		if len(f.Cells) == 0 && (f.Rule == report.RuleMissing || f.Rule == report.RuleAmbiguous || f.Rule == report.RuleNoData) {
			tableLevel = append(tableLevel, f)
		}
	}
	codes := sortedCodes(t.Cells)
	for _, code := range codes {
		want := t.Cells[code]
		s.Counts.Cells++
		got, ok := r.Cells[code]
		c := Cell{Code: code, Want: &want, Flags: named[code], Note: r.Sources[code].Note}
		switch {
		case ok && math.Abs(got-want) <= tolerance:
			c.Class = Exact
			s.Exact++
		case ok && len(c.Flags) > 0:
			c.Got, c.Class = &got, Wrong
			s.Wrong++
		case ok:
			c.Got, c.Class = &got, Silent
			s.Silent++
		default:
			if d, ok := report.Lookup(code); ok && d.Derived && t.Edition != report.Edition2019 {
				// The 2021 subtotal t3.other.<col> is computed from its
				// sub-rows: it is flagged when they are.
				col := report.Code(code).Column()
				for _, sub := range report.T3OtherSubRows {
					c.Flags = append(c.Flags, named[string(report.T3(sub, col))]...)
				}
			}
			for _, f := range tableLevel {
				if namesTable(f.Message, report.Code(code).Table()) {
					c.Flags = append(c.Flags, f.Message)
				}
			}
			if len(c.Flags) > 0 {
				c.Class = MissingFlagged
				s.MissingFlagged++
			} else {
				c.Class = MissingUnflagged
				s.MissingUnflagged++
			}
		}
		s.Classes[code] = c.Class
		if c.Class != Exact {
			s.Details = append(s.Details, c)
		}
	}
	for _, code := range r.Codes() {
		if _, ok := t.Cells[code]; !ok {
			s.Extra++
			s.ExtraCells = append(s.ExtraCells, code)
		}
	}
	if t.Agency != nil {
		s.AgencyScored = 1
		s.Agency = WrongMeta
		if AgencyMatches(*t.Agency, r.Agency, r.County) {
			s.Agency, s.AgencyRight = Right, 1
		}
	}
	if t.County != "" {
		s.CountyScored = 1
		s.County = WrongMeta
		if foldTrad(t.County) == foldTrad(r.County) {
			s.County, s.CountyRight = Right, 1
		}
	}
	if t.Year != 0 {
		s.YearScored = 1
		s.Year = WrongMeta
		if r.Year == t.Year {
			s.Year, s.YearRight = Right, 1
		}
	}
	if t.Edition != "" {
		s.EditionScored = 1
		s.Edition = WrongMeta
		if r.Edition == t.Edition {
			s.Edition, s.EditionRight = Right, 1
		}
	}
	return s
}

// namesTable tells whether a table-level message is about table n: it
// names 表二/表三/表四 and n is among them, or it names none.
func namesTable(msg string, n int) bool {
	names := map[int]string{2: "表二", 3: "表三", 4: "表四"}
	any := false
	for _, name := range names {
		if strings.Contains(msg, name) {
			any = true
		}
	}
	return !any || strings.Contains(msg, names[n])
}

// sortedCodes gives the truth codes in catalogue order (unknown codes last).
func sortedCodes(cells map[string]float64) []string {
	r := report.New("")
	for c, v := range cells {
		r.Cells[c] = v
	}
	return r.Codes()
}

// AgencyMatches tells whether the parsed agency (and county) is the agency
// the truth names. The truth may give the name as printed
// (乐至县回澜镇人民政府, 句容市住房和城鄉建設局); the parser splits off the
// county and shortens a town's name to 回澜镇.
func AgencyMatches(truth, agency, county string) bool {
	want := shortName(foldTrad(truth))
	got := shortName(foldTrad(agency))
	if got == "" {
		return false
	}
	if want == got {
		return true
	}
	// A county the parser gives must be the one printed, if one is.
	return strings.HasSuffix(want, got) && len([]rune(got)) >= 2 &&
		(county == "" || strings.Contains(want, foldTrad(county)) || !strings.ContainsAny(want, "县区市"))
}

func shortName(s string) string {
	for _, suf := range []string{"人民政府", "办事处"} {
		if base := strings.TrimSuffix(s, suf); base != s && (strings.HasSuffix(base, "镇") || strings.HasSuffix(base, "乡") || strings.HasSuffix(base, "街道")) {
			return base
		}
	}
	return s
}

// foldTrad maps the traditional characters of place and body names that
// occur in truth files to their simplified form.
var foldTrad = strings.NewReplacer("區", "区", "鎮", "镇", "辦", "办", "處", "处", "鄉", "乡", "設", "设", "縣", "县", "門", "门",
	"務", "务", "會", "会", "員", "员", "業", "业", "發", "发", "開", "开", "農", "农", "衛", "卫", "區", "区", "華", "华").Replace
