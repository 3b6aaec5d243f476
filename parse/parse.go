// Package parse reads one annual report from its text: it finds tables 2–4,
// gives every number its cell code, records where each number stood and
// how it was read, and checks the accounting rules. It is pure Go and knows
// nothing of files or the store (package ingest is the pipeline around it).
package parse

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"nianbao/report"
)

// Meta is what the caller knows about a report; non-zero fields override
// what the parser infers from the text.
type Meta struct {
	Agency      string
	County      string
	Year        int
	Edition     string
	PublishedOn string
	Format      string
	// Grid, for text printed from a grid document, gives each line's grid
	// table and the grid column of each of its "|"-closed cells.
	Grid []GridLine
	// Places, when set, is the registry the agency's name is checked
	// against (see Places in meta.go); nil reads names from the text alone.
	// It does not travel to a parse worker: the child takes its own.
	Places Places `json:"-"`
	// Neighbours, when set, are the same agency's reports of the years
	// before and after, as stored: rule 5 across years may then settle a
	// glued row of table 2 or 3 (neighbour.go). nil reads the report alone.
	Neighbours []Neighbour `json:"neighbours,omitempty"`
	trace      *Trace      // set by TextTrace
}

// Text reads one report from its text.
func Text(name, content string, meta Meta) (*report.Report, error) {
	if strings.TrimSpace(content) == "" {
		return nil, fmt.Errorf("%s: the document is empty", name)
	}
	if len(content) > math.MaxInt32 {
		// Offsets into the text are kept as int32 (text.go); the readers
		// refuse texts far smaller (NIANBAO_MAX_TEXT_BYTES, 4 MB).
		return nil, fmt.Errorf("%s: the text is larger than 2 GB", name)
	}
	t := prepare(content)
	defer t.release()
	r := report.New(name)
	r.Format = "text"
	// Room for every cell of a report from the start: the maps would
	// otherwise grow four or five times while the tables are read. A
	// report without cells keeps no sources map (as Report.Set leaves it).
	r.Cells = make(map[string]float64, cellsPerReport)
	r.Sources = make(map[string]report.Source, cellsPerReport)
	defer func() {
		if len(r.Sources) == 0 {
			r.Sources = nil
		}
	}()
	p := &parser{t: t, r: r, grid: meta.Grid, tr: meta.trace, places: meta.Places, neighbours: meta.Neighbours}
	if p.grid == nil && t.tabbed {
		p.grid = tabGrid(t.raw)
		p.step(0, "tabs", "表格按制表符分列")
	}
	if len(t.raw) > 0 && !strings.Contains(strings.TrimSpace(t.raw), "\n") {
		p.step(0, "one-line", "全文只有一行")
	}
	if t.dropped > 0 {
		p.step(0, "running-heads", fmt.Sprintf("去掉%d行页眉", t.dropped))
	}
	p.readMeta(meta)
	if meta.Agency == "" {
		p.checkAgency()
	}
	p.applyMeta(meta)
	if r.Agency == "" {
		r.AddFinding(report.RuleNoAgency, report.SeverityInfo,
			"未能从原文确定报告机关：标题、发布机构、正文和落款都没有写明机关名称，请在导入时指定机关")
	}
	p.readTables()
	if meta.Edition != "" {
		r.Edition = meta.Edition
	}
	p.zeroSteps()
	p.readNarrative()
	p.dropInexact()
	report.Derive(r)
	report.Check(r)
	return r, nil
}

// inexact is where a figure stops being a report's: no count or amount of
// the form reaches it, and past it a float64 no longer holds every digit
// (a run of 25 nines would be stored as 1e25, a silently different
// number).
const inexact = 1e15

// dropInexact unreads every cell whose figure is too long to be held
// exactly, with a finding naming them: read, it would be a number the
// text does not print.
func (p *parser) dropInexact() {
	var codes []string
	for code, v := range p.r.Cells {
		if math.Abs(v) >= inexact {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return
	}
	slices.Sort(codes)
	for _, c := range codes {
		delete(p.r.Cells, c)
		delete(p.r.Sources, c)
	}
	p.r.AddFinding(report.RuleMissing, report.SeverityWarning,
		fmt.Sprintf("%d个单元格的数字超过15位，无法精确读取，未读取", len(codes)), codes...)
}

// cellsPerReport is room for the cells of a 2021 report with its derived
// cells (207 in the national generator's reports; 198 of a 2019 one). It
// is the largest hint that keeps Go's map in one table of 256 slots: a
// hint of 225 or more doubles it (the two maps of a report were 70 KB, a
// quarter of a parse's allocation; a report with more cells grows them).
const cellsPerReport = 224

type parser struct {
	t    *text
	r    *report.Report
	md   *bool  // cached markdown()
	secs []span // cached sections()
	// grid gives each line's grid columns for documents read from a grid.
	grid   []GridLine
	widths map[int]int // cached gridWidth
	// headers caches headerCols; normLines maps raw line numbers to the
	// folded text's line starts.
	headers   map[int]map[string]int
	normLines map[int]int
	// valueCols caches, per grid table, the grid column of each of its
	// number cells (valueIndex scores both readings of every row by them).
	valueCols map[int][]int
	indexes   map[valueIndexKey]map[int]int // valueIndex, kept
	// deferGlued and pending keep table 3's glued rows with several
	// readings until the whole table is read.
	deferGlued bool
	// t2Stated are table 2's figures stated in the overview (narrative_t2.go).
	t2Stated map[string]map[string]float64
	// keepWhy names the constraint a glued row's note credits, when it is
	// not the accounting rules (the narrative's figures).
	keepWhy string
	pending []pendingRow
	places  Places // the registry names are checked against, if any
	// neighbours are the agency's reports of adjacent years (Meta).
	neighbours []Neighbour
	tr         *Trace // how the report is read, when asked
	pad        []int8 // padding(), by line of the folded text: 0 not looked at, 1 no, 2 yes
	padLine    span   // the line padding() last looked at, and its answer
	padLast    bool
	// subtotals holds the 小计 column of an 8-column table 3, by row.
	subtotals map[string]subtotal
}

func (p *parser) applyMeta(m Meta) {
	if m.Agency != "" {
		p.r.Agency = m.Agency
	}
	if m.County != "" {
		p.r.County = m.County
	}
	if m.Year != 0 {
		p.r.Year = m.Year
	}
	if m.PublishedOn != "" {
		p.r.PublishedOn = m.PublishedOn
	}
	if m.Format != "" {
		p.r.Format = m.Format
	}
}

// span is a stretch of the folded text [a, b).
type span struct{ a, b int }

// sections finds where tables 2, 3 and 4 stand, by their headings, falling
// back on their first row labels when a heading is missing.
func (p *parser) sections() (t2, t3, t4 span) {
	if p.secs != nil {
		return p.secs[0], p.secs[1], p.secs[2]
	}
	defer func() { p.secs = []span{t2, t3, t4} }()
	s := p.t.norm
	end := len(s)
	h2 := headingAt(s, headT2, 0)
	h3 := headingAt(s, headT3, max(h2, 0))
	if h3 < 0 {
		// No heading: table 3 starts at its first row label.
		for _, m := range firstRowKey.FindAllStringIndex(s, -1) {
			a := m[0]
			if pm, ok := numberingStart(s[max(0, a-16):a]); ok {
				a = max(0, a-16) + pm
			}
			if cellStart(s, a) {
				h3 = a
				break
			}
		}
	}
	from4 := max(h3, 0)
	h4 := headingAt(s, headT4, from4)
	if h4 < 0 && h3 >= 0 {
		// No heading: table 4 starts at its first header cell.
		h4 = headingAt(s, t4Start, from4)
	}
	h5 := headingAt(s, headT5, max(h4, from4))
	t4End := end
	if h5 >= 0 {
		t4End = h5
	}
	t3End := t4End
	if h4 >= 0 {
		t3End = h4
	}
	t2End := t3End
	if h3 >= 0 {
		t2End = h3
	}
	if h2 < 0 {
		// No heading: table 2 starts at its first column header or label.
		if m := t2Start.FindStringIndex(s[:t2End]); m != nil {
			h2 = m[0]
		} else if a := headingAt(s[:t2End], t2FirstRow, 0); a >= 0 {
			h2 = a
		}
	}
	t2, t3, t4 = span{-1, -1}, span{-1, -1}, span{-1, -1}
	if h2 >= 0 && h2 < t2End {
		t2 = span{h2, t2End}
	}
	if h3 >= 0 {
		t3 = span{h3, t3End}
	}
	if h4 >= 0 {
		t4 = span{h4, t4End}
	}
	return
}

// headingAt finds the first match of re at or after from that stands at the
// start of a line (after an optional numeral such as 二、 or (三)), so that
// the same words in the narrative are not taken for a heading. Text with
// no line breaks at all (a pasted page) accepts any match.
//
// The matches are taken one at a time, in the order FindAllStringIndex
// gives them, so the search stops at the heading instead of going on to
// the end of the text.
func headingAt(s string, re *startRe, from int) int {
	if from < 0 {
		from = 0
	}
	oneLine := !strings.Contains(s, "\n")
	found := -1
	re.scan(s, from, false, func(m []int) bool {
		if oneLine || atLineStart(s, m[0]) {
			found = m[0]
			return false
		}
		return true
	})
	return found
}

var headingPrefix = regexp.MustCompile(`(?:^|\n)[ \t|#*]*(?:[一二三四五六七八九十]{1,2}[ \t]*[、.,]?|\([一二三四五六七八九十]{1,2}\)|[0-9][ \t]*[.、])?[ \t]*$`)

func atLineStart(s string, a int) bool {
	lo := max(0, a-24)
	return headingPrefix.MatchString(s[lo:a]) || numberedHeading.MatchString(s[lo:a])
}

// numberedHeading is a section's numeral standing right before its heading
// anywhere in a line (…情况。二、主动公开政府信息情况…): a page saved as one
// line keeps the numerals though it lost the line breaks. Prose never puts
// "二、" before these words.
var numberedHeading = regexp.MustCompile(`[二三四五六][ \t]*[、.][ \t]*$`)
