package assess

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// Deduction is points taken off an agency's score, with the reason and the
// finding it comes from (Seq is the finding's place in its report; -1 when
// the deduction is not a finding's, such as 纠错 cases or not filing).
type Deduction struct {
	Rule     string  `json:"rule"`
	RuleName string  `json:"rule_name"`
	Points   float64 `json:"points"`
	Reason   string  `json:"reason"`
	ReportID int64   `json:"report_id,omitempty"`
	Seq      int     `json:"finding"`
	// Cells the finding names; Evidence the places in the source that
	// show it (verdict.go).
	Cells    []string   `json:"cells,omitempty"`
	Evidence []Evidence `json:"evidence"`
}

// AgencyScore is one body's line of the score sheet.
type AgencyScore struct {
	AgencyID   string `json:"agency_id,omitempty"`
	Agency     string `json:"agency"`
	Level      string `json:"level"`
	LevelLabel string `json:"level_label"`
	// LevelGuessed: the registry does not know the body; its level is
	// guessed from its name's suffix.
	LevelGuessed bool        `json:"level_guessed,omitempty"`
	PublishedOn  string      `json:"published_on,omitempty"`
	Deadline     string      `json:"deadline,omitempty"`
	ReportID     int64       `json:"report_id,omitempty"`
	Filed        bool        `json:"filed"`
	Sampled      bool        `json:"sampled"`
	OnTime       *bool       `json:"on_time"`   // nil: date unknown or not filed
	DaysLate     *int        `json:"days_late"` // negative: early
	Score        float64     `json:"score"`
	Rating       Rating      `json:"rating"`
	Rank         int         `json:"rank"`
	Deductions   []Deduction `json:"deductions"`
	// Items are the scheme's items with a verdict each (verdict.go).
	Items []ItemVerdict `json:"items"`
}

// Assessment is a county's score sheet for a year.
type Assessment struct {
	County string `json:"county"`
	Code   string `json:"code,omitempty"` // GB/T 2260 (or a 示例数据 county's id)
	Year   int    `json:"year"`
	Sheet  string `json:"sheet"`
	// SheetSHA and SheetSource tell which text of the sheet applied and
	// why (SheetFor): the county's, its city's or the server's.
	SheetSHA    string             `json:"sheet_sha"`
	SheetSource string             `json:"sheet_source"`
	Bodies      int                `json:"bodies"` // = /api/v1/filing's expected for level=all
	Filed       int                `json:"filed"`
	Late        int                `json:"late"`        // filed after the deadline
	Missing     int                `json:"missing"`     // not filed, 未收录
	Unpublished int                `json:"unpublished"` // not filed, 未发布 as a person checked
	FilingRate  *float64           `json:"filing_rate"`
	OnTimeRate  *float64           `json:"on_time_rate"`
	LevelMeans  map[string]float64 `json:"level_means"`
	Composite   *float64           `json:"composite"`
	// Scheme is the pack's id and version ("" for a sheet that is not a
	// pack); Areas its parts, those not assessable from reports marked.
	Scheme        string        `json:"scheme,omitempty"`
	SchemeVersion string        `json:"scheme_version,omitempty"`
	Areas         []Area        `json:"areas,omitempty"`
	Agencies      []AgencyScore `json:"agencies"`
	// Synthetic: some of the county's reports are 示例数据 (the sample
	// corpus), which every page showing them says.
	Synthetic bool `json:"synthetic,omitempty"`
}

// LevelUnits is the key of level_means under a pack that pools a
// county's departments and towns (units_pooled); LevelUnitsLabel its name.
const (
	LevelUnits      = LevelDepartment + "+" + LevelTown
	LevelUnitsLabel = "部门和乡镇（街道）"
)

// Filing is what the score sheet knows of one body: whether it filed, and
// its stored report's findings, timeliness and 纠错 cases.
type Filing struct {
	AgencyID     string
	Agency       string
	Level        string // assessment level; "" to guess it from the name
	LevelGuessed bool
	Unpublished  bool  // not filed, and a person checked the website (未发布)
	ReportID     int64 // 0: not filed
	Findings     []store.StoredFinding
	Timely       *store.Timely
	Corrections  float64 // 复议、诉讼 结果纠正, all groups
	// Overdue are the report's rectifications open past their deadline.
	Overdue []store.Rectification
	// Sources are the report's cell sources, for evidence; nil when not read.
	Sources map[string]report.Source
}

// Score applies a score sheet to a county's bodies. A body that did not
// file scores 0 and stays in every average: leaving it out would flatter
// the county.
func Score(county string, year int, bodies []Filing, sheet *Sheet) *Assessment {
	a := &Assessment{County: county, Year: year, Sheet: sheet.Name, SheetSHA: sheet.SHA, SheetSource: sheet.Source, Bodies: len(bodies), LevelMeans: map[string]float64{}, Agencies: []AgencyScore{},
		Scheme: sheet.ID, SchemeVersion: sheet.Version, Areas: sheet.Areas}
	onTime, dated := 0, 0
	for _, b := range bodies {
		s := AgencyScore{AgencyID: b.AgencyID, Agency: b.Agency, Level: b.Level, LevelGuessed: b.LevelGuessed, ReportID: b.ReportID, Filed: b.ReportID != 0, Deductions: []Deduction{}}
		if s.Level == "" {
			s.Level, s.LevelGuessed = LevelOf(b.Agency, county), true
		}
		if b.Timely != nil {
			s.PublishedOn, s.Deadline = b.Timely.PublishedOn, b.Timely.Deadline
		}
		s.LevelLabel = LevelLabels[s.Level]
		if !s.Filed {
			reason := fmt.Sprintf("Nianbao 中没有%s%d年度报告，按未报送计0分。", b.Agency, year)
			if b.Unpublished {
				reason = fmt.Sprintf("经核实%s未发布%d年度报告，计0分。", b.Agency, year)
			}
			s.Deductions = append(s.Deductions, Deduction{Rule: RuleNotFiled, RuleName: "未报送年报", Points: sheet.Base, Seq: -1, Reason: reason})
			dated++
			if b.Unpublished {
				a.Unpublished++
			} else {
				a.Missing++
			}
		} else {
			perRule := map[string]float64{}
			for _, f := range b.Findings {
				if f.Review == report.ReviewDismissed || !sheet.ruleApplies(f.Rule, s.Level) {
					continue
				}
				pts := sheet.Deduction(f.Rule)
				if f.Rule == report.RuleLate && b.Timely != nil {
					pts = math.Min(sheet.LateMax, pts+sheet.LatePerDay*float64(b.Timely.DaysLate))
				}
				if room := sheet.MaxPerRule - perRule[f.Rule]; pts > room {
					pts = math.Max(room, 0)
				}
				if pts <= 0 {
					continue
				}
				perRule[f.Rule] += pts
				rl, _ := report.RuleByCode(f.Rule)
				s.Deductions = append(s.Deductions, Deduction{Rule: f.Rule, RuleName: rl.Name, Points: pts, Reason: f.Message, ReportID: b.ReportID, Seq: f.Seq, Cells: f.Cells})
			}
			if b.Corrections > 0 && sheet.CorrectionPerCase > 0 && sheet.ruleApplies(RuleCorrected, s.Level) {
				pts := math.Min(sheet.CorrectionPerCase*b.Corrections, sheet.MaxPerRule)
				s.Deductions = append(s.Deductions, Deduction{Rule: RuleCorrected, RuleName: "复议、诉讼被纠错", Points: pts, Seq: -1, ReportID: b.ReportID, Cells: correctedCells(),
					Reason: fmt.Sprintf("表四行政复议、行政诉讼“结果纠正”共%s件，每件扣%s分。", num(b.Corrections), num(sheet.CorrectionPerCase))})
			}
			if d, ok := overdueDeduction(b, sheet, s.Level); ok {
				s.Deductions = append(s.Deductions, d)
			}
			if t := b.Timely; t != nil {
				dated++
				late := t.DaysLate
				ok := late <= 0
				s.DaysLate, s.OnTime = &late, &ok
				if ok {
					onTime++
				} else {
					a.Late++
				}
			}
		}
		total := 0.0
		for _, d := range s.Deductions {
			total += d.Points
		}
		s.Score = math.Max(0, round1(sheet.Base-total))
		s.Rating = sheet.Rate(s.Score)
		judge(&s, b, sheet)
		a.Agencies = append(a.Agencies, s)
		if s.Filed {
			a.Filed++
		}
	}
	if a.Bodies > 0 {
		r := float64(a.Filed) / float64(a.Bodies)
		a.FilingRate = &r
	}
	if dated > 0 {
		r := float64(onTime) / float64(dated)
		a.OnTimeRate = &r
	}
	sample(a.Agencies, sheet)
	sums, counts := map[string]float64{}, map[string]int{}
	for _, s := range a.Agencies {
		if s.Sampled {
			sums[s.Level] += s.Score
			counts[s.Level]++
		}
	}
	wsum, wtot := 0.0, 0.0
	if sheet.UnitsPooled {
		// 咸宁-style: the county government is one part, its departments
		// and towns together the other, each body counting once in it.
		units := LevelUnits
		for _, lvl := range []string{LevelDepartment, LevelTown} {
			sums[units] += sums[lvl]
			counts[units] += counts[lvl]
			delete(counts, lvl)
		}
		if counts[units] == 0 {
			delete(counts, units)
		}
	}
	for lvl, n := range counts {
		m := round1(sums[lvl] / float64(n))
		a.LevelMeans[lvl] = m
		w := sheet.Levels[lvl]
		if lvl == LevelUnits {
			w = sheet.Levels[LevelDepartment] + sheet.Levels[LevelTown]
		}
		wsum += w * m
		wtot += w
	}
	if wtot > 0 {
		c := round1(wsum / wtot)
		a.Composite = &c
	}
	sort.SliceStable(a.Agencies, func(i, j int) bool {
		if a.Agencies[i].Score != a.Agencies[j].Score {
			return a.Agencies[i].Score > a.Agencies[j].Score
		}
		return a.Agencies[i].Agency < a.Agencies[j].Agency
	})
	for i := range a.Agencies {
		a.Agencies[i].Rank = i + 1
		if i > 0 && a.Agencies[i].Score == a.Agencies[i-1].Score {
			a.Agencies[i].Rank = a.Agencies[i-1].Rank
		}
	}
	return a
}

// overdueDeduction is the sheet's deduction for the findings sent back
// to a body and not fixed by their deadline: per case, capped by
// rectify_overdue_max (else max_per_rule).
func overdueDeduction(b Filing, sheet *Sheet, level string) (Deduction, bool) {
	n := len(b.Overdue)
	if n == 0 || sheet.RectifyOverduePerCase <= 0 || !sheet.ruleApplies(RuleRectifyOverdue, level) {
		return Deduction{}, false
	}
	limit := sheet.RectifyOverdueMax
	if limit <= 0 {
		limit = sheet.MaxPerRule
	}
	d := Deduction{Rule: RuleRectifyOverdue, RuleName: "退回修改逾期未改", Points: math.Min(sheet.RectifyOverduePerCase*float64(n), limit), Seq: -1, ReportID: b.ReportID}
	var what []string
	for _, x := range b.Overdue {
		what = append(what, fmt.Sprintf("“%s”（期限 %s）", x.Message, x.Deadline))
		d.Cells = append(d.Cells, x.Cells...)
	}
	d.Reason = fmt.Sprintf("退回修改的%d个问题逾期未改：%s；每个扣%s分。", n, strings.Join(what, "；"), num(sheet.RectifyOverduePerCase))
	return d, true
}

// sample marks the bodies the composite counts: all of a level, or n of
// them taken at even steps through the names in order, so the same sheet
// samples the same bodies every time.
func sample(agencies []AgencyScore, sheet *Sheet) {
	byLevel := map[string][]int{}
	for i, s := range agencies {
		byLevel[s.Level] = append(byLevel[s.Level], i)
	}
	for lvl, idx := range byLevel {
		sort.Slice(idx, func(x, y int) bool { return agencies[idx[x]].Agency < agencies[idx[y]].Agency })
		n := sheet.Sampling[lvl]
		if n <= 0 || n >= len(idx) {
			for _, i := range idx {
				agencies[i].Sampled = true
			}
			continue
		}
		for k := 0; k < n; k++ {
			agencies[idx[k*len(idx)/n]].Sampled = true
		}
	}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Assess scores a county's bodies for a year. The bodies are the filing
// list (FilingList, every level: towns, streets, departments the county
// imported and the county government itself); a body without a report
// scores 0 and counts in every average and rate. Timeliness is the list's
// own (stored published_on against the sheet's deadline), so the
// assessment and /filing never disagree on who was late. The county is a
// name or a GB/T 2260 code.
func Assess(ctx context.Context, st *store.Store, county string, year int, sheet *Sheet) (*Assessment, error) {
	fl, err := FilingList(ctx, st, county, year, registry.Levels, sheet)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	if fl.Scope != "county" {
		return nil, fmt.Errorf("评分 %s %d：“%s”不是县（区），评分按县（区）进行：%w", county, year, fl.Name, store.ErrBadPlace)
	}
	var ids []int64
	for _, r := range fl.Rows {
		if r.ReportID != 0 {
			ids = append(ids, r.ReportID)
		}
	}
	findings, err := st.FindingsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	var corrected []string
	for _, g := range report.T4Groups {
		corrected = append(corrected, string(report.T4(g, "corrected")))
	}
	cells, err := st.CellsOf(ctx, ids, corrected)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	byReport := map[int64][]store.StoredFinding{}
	for _, f := range findings {
		byReport[f.ReportID] = append(byReport[f.ReportID], f)
	}
	filings := make([]Filing, 0, len(fl.Rows))
	for _, r := range fl.Rows {
		f := Filing{AgencyID: r.AgencyID, Agency: r.Name, Level: LevelOfRegistry(registry.Level(r.Level)), LevelGuessed: r.LevelGuessed, ReportID: r.ReportID,
			Unpublished: r.Status == store.Unpublished}
		if r.ReportID != 0 {
			f.Findings = byReport[r.ReportID]
			if r.DaysLate != nil {
				f.Timely = &store.Timely{ReportID: r.ReportID, PublishedOn: r.PublishedOn, Deadline: r.Deadline, DaysLate: *r.DaysLate}
			}
			for _, c := range corrected {
				f.Corrections += cells[r.ReportID][c]
			}
		}
		filings = append(filings, f)
	}
	withCases := map[int64]bool{}
	for _, f := range filings {
		if f.Corrections > 0 {
			withCases[f.ReportID] = true
		}
	}
	sources, err := sourcesOf(ctx, st, byReport, withCases)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	overdue, err := st.Rectifications(ctx, store.RectFilter{Year: year, State: store.RectOverdue}, report.Today())
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	for i := range filings {
		filings[i].Sources = sources[filings[i].ReportID]
		for _, x := range overdue {
			if x.ReportID != 0 && x.ReportID == filings[i].ReportID {
				filings[i].Overdue = append(filings[i].Overdue, x)
			}
		}
	}
	a := Score(fl.Name, year, filings, sheet)
	a.Synthetic = fl.Synthetic
	a.Code = fl.Code
	return a, nil
}

// sqlSourcesOf reads where the cells of some reports were read from, in
// one query for a county (the evidence of its deductions).
const sqlSourcesOf = `SELECT report_id, code, coalesce(line, 0), coalesce(page, 0), coalesce(raw, '') FROM cell_sources
WHERE report_id IN (SELECT unnest(?::BIGINT[])) AND code IN (SELECT unnest(?::VARCHAR[]))`

// sourcesOf reads the cell sources of the reports a deduction will
// quote (a finding naming cells, or 纠错 cases); most reports of a
// county have neither and are not read.
func sourcesOf(ctx context.Context, st *store.Store, findings map[int64][]store.StoredFinding, corrected map[int64]bool) (map[int64]map[string]report.Source, error) {
	// Only the cells quoted are read: a report has a few hundred sources
	// and a deduction quotes a handful.
	want := map[int64]bool{}
	codes := map[string]bool{}
	for id := range corrected {
		want[id] = true
		for _, c := range correctedCells() {
			codes[c] = true
		}
	}
	for id, fs := range findings {
		for _, f := range fs {
			if len(f.Cells) > 0 && f.Review != "dismissed" {
				want[id] = true
				for _, c := range f.Cells {
					codes[c] = true
				}
			}
		}
	}
	out := map[int64]map[string]report.Source{}
	if len(want) == 0 {
		return out, nil
	}
	ids := slices.Collect(maps.Keys(want))
	cs := slices.Collect(maps.Keys(codes))
	rows, err := st.DB().QueryContext(ctx, sqlSourcesOf, ids, cs)
	if err != nil {
		return nil, fmt.Errorf("cell sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		var src report.Source
		if err := rows.Scan(&id, &code, &src.Line, &src.Page, &src.Raw); err != nil {
			return nil, fmt.Errorf("cell sources: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]report.Source{}
		}
		out[id][code] = src
	}
	return out, rows.Err()
}
