package assess

import (
	"context"
	"fmt"
	"math"
	"sort"

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
}

// AgencyScore is one body's line of the score sheet.
type AgencyScore struct {
	Agency     string      `json:"agency"`
	Level      string      `json:"level"`
	LevelLabel string      `json:"level_label"`
	ReportID   int64       `json:"report_id,omitempty"`
	Filed      bool        `json:"filed"`
	Sampled    bool        `json:"sampled"`
	OnTime     *bool       `json:"on_time"`   // nil: date unknown or not filed
	DaysLate   *int        `json:"days_late"` // negative: early
	Score      float64     `json:"score"`
	Rating     Rating      `json:"rating"`
	Rank       int         `json:"rank"`
	Deductions []Deduction `json:"deductions"`
}

// Assessment is a county's score sheet for a year.
type Assessment struct {
	County     string             `json:"county"`
	Year       int                `json:"year"`
	Sheet      string             `json:"sheet"`
	Bodies     int                `json:"bodies"`
	Filed      int                `json:"filed"`
	FilingRate *float64           `json:"filing_rate"`
	OnTimeRate *float64           `json:"on_time_rate"`
	LevelMeans map[string]float64 `json:"level_means"`
	Composite  *float64           `json:"composite"`
	Agencies   []AgencyScore      `json:"agencies"`
}

// Filing is what the score sheet knows of one body: whether it filed, and
// its stored report's findings, timeliness and 纠错 cases.
type Filing struct {
	Agency      string
	ReportID    int64 // 0: not filed
	Findings    []store.StoredFinding
	Timely      *store.Timely
	Corrections float64 // 复议、诉讼 结果纠正, all groups
}

// Score applies a score sheet to a county's bodies. A body that did not
// file scores 0 and stays in every average: leaving it out would flatter
// the county.
func Score(county string, year int, bodies []Filing, sheet *Sheet) *Assessment {
	a := &Assessment{County: county, Year: year, Sheet: sheet.Name, Bodies: len(bodies), LevelMeans: map[string]float64{}, Agencies: []AgencyScore{}}
	onTime, dated := 0, 0
	for _, b := range bodies {
		s := AgencyScore{Agency: b.Agency, Level: LevelOf(b.Agency, county), ReportID: b.ReportID, Filed: b.ReportID != 0, Deductions: []Deduction{}}
		s.LevelLabel = LevelLabels[s.Level]
		if !s.Filed {
			s.Deductions = append(s.Deductions, Deduction{Rule: "not_filed", RuleName: "未报送年报", Points: sheet.Base, Seq: -1,
				Reason: fmt.Sprintf("Nianbao 中没有%s%d年度报告，按未报送计0分。", b.Agency, year)})
			dated++
		} else {
			perRule := map[string]float64{}
			for _, f := range b.Findings {
				if f.Review == report.ReviewDismissed {
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
				s.Deductions = append(s.Deductions, Deduction{Rule: f.Rule, RuleName: rl.Name, Points: pts, Reason: f.Message, ReportID: b.ReportID, Seq: f.Seq})
			}
			if b.Corrections > 0 && sheet.CorrectionPerCase > 0 {
				pts := math.Min(sheet.CorrectionPerCase*b.Corrections, sheet.MaxPerRule)
				s.Deductions = append(s.Deductions, Deduction{Rule: "corrected_cases", RuleName: "复议、诉讼被纠错", Points: pts, Seq: -1, ReportID: b.ReportID,
					Reason: fmt.Sprintf("表四行政复议、行政诉讼“结果纠正”共%s件，每件扣%s分。", num(b.Corrections), num(sheet.CorrectionPerCase))})
			}
			if t := b.Timely; t != nil {
				dated++
				late := t.DaysLate
				ok := late <= 0
				s.DaysLate, s.OnTime = &late, &ok
				if ok {
					onTime++
				}
			}
		}
		total := 0.0
		for _, d := range s.Deductions {
			total += d.Points
		}
		s.Score = math.Max(0, round1(sheet.Base-total))
		s.Rating = sheet.Rate(s.Score)
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
	for lvl, n := range counts {
		m := round1(sums[lvl] / float64(n))
		a.LevelMeans[lvl] = m
		wsum += sheet.Levels[lvl] * m
		wtot += sheet.Levels[lvl]
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

// Assess reads a county's reports of a year from the store and scores them.
// The filing list is every body of the county with a report in Nianbao up
// to that year, until the agency registry gives the real list.
func Assess(ctx context.Context, st *store.Store, county string, year int, sheet *Sheet) (*Assessment, error) {
	bodies, err := st.CountyBodies(ctx, county, year)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	docs, err := st.CountyDocs(ctx, county, year, year)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	findings, err := st.CountyFindings(ctx, county, year)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	timely, err := st.CountyTimeliness(ctx, county, year)
	if err != nil {
		return nil, fmt.Errorf("评分 %s %d: %w", county, year, err)
	}
	byAgency := map[string]*store.AssessDoc{}
	for _, d := range docs {
		byAgency[d.Agency] = d
	}
	byReport := map[int64][]store.StoredFinding{}
	for _, f := range findings {
		byReport[f.ReportID] = append(byReport[f.ReportID], f)
	}
	var filings []Filing
	for _, b := range bodies {
		f := Filing{Agency: b}
		if d := byAgency[b]; d != nil {
			f.ReportID = d.ID
			f.Findings = byReport[d.ID]
			if t, ok := timely[d.ID]; ok {
				f.Timely = &t
			}
			for _, g := range report.T4Groups {
				f.Corrections += d.Cells[string(report.T4(g, "corrected"))]
			}
		}
		filings = append(filings, f)
	}
	return Score(county, year, filings, sheet), nil
}
