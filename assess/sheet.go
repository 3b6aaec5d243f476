package assess

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"nianbao/report"
)

//go:embed scoresheet.json
var defaultSheet []byte

//go:embed deadlines.json
var defaultDeadlines []byte

// Rating is a traffic-light band of the score sheet.
type Rating struct {
	Min   float64 `json:"min"`
	Code  string  `json:"code"` // green, yellow, red
	Label string  `json:"label"`
}

// Sheet is a score sheet: the points, deductions, weights and thresholds
// an assessing office applies. The default is scoresheet.json beside this
// file; an office may load its own with LoadSheet.
type Sheet struct {
	Name              string             `json:"name"`
	Base              float64            `json:"base"`
	Deductions        map[string]float64 `json:"deductions"`
	MaxPerRule        float64            `json:"max_per_rule"`
	CorrectionPerCase float64            `json:"correction_per_case"`
	LatePerDay        float64            `json:"late_per_day"`
	LateMax           float64            `json:"late_max"`
	Levels            map[string]float64 `json:"levels"`
	Sampling          map[string]int     `json:"sampling"`
	Ratings           []Rating           `json:"ratings"`
	CopyThreshold     float64            `json:"copy_threshold"`
	JumpFactor        float64            `json:"jump_factor"`
	JumpMinDiff       float64            `json:"jump_min_diff"`
	JumpCodes         []string           `json:"jump_codes"`
	FeeYuanThreshold  float64            `json:"fee_yuan_threshold"`
	AggregateCovers   bool               `json:"aggregate_covers_units"`
	Deadlines         Deadlines          `json:"-"`
}

// Deadlines are the publication deadlines by level, with provincial
// overrides (deadlines.json).
type Deadlines struct {
	Default        map[string]string            `json:"default"`
	Provinces      map[string]map[string]string `json:"provinces"`
	CountyProvince map[string]string            `json:"county_province"`
}

// DefaultSheet returns the shipped score sheet and deadlines.
func DefaultSheet() *Sheet {
	s, err := parseSheet(defaultSheet, defaultDeadlines)
	if err != nil {
		panic(err) // embedded at build time and tested
	}
	return s
}

// LoadSheet reads a score sheet file (and a deadlines file, "" for the
// default deadlines).
func LoadSheet(sheetPath, deadlinesPath string) (*Sheet, error) {
	sb, err := os.ReadFile(sheetPath)
	if err != nil {
		return nil, fmt.Errorf("评分表 %s: %w", sheetPath, err)
	}
	db := defaultDeadlines
	if deadlinesPath != "" {
		if db, err = os.ReadFile(deadlinesPath); err != nil {
			return nil, fmt.Errorf("发布期限 %s: %w", deadlinesPath, err)
		}
	}
	return parseSheet(sb, db)
}

func parseSheet(sheet, deadlines []byte) (*Sheet, error) {
	s := &Sheet{}
	if err := json.Unmarshal(sheet, s); err != nil {
		return nil, fmt.Errorf("评分表格式有误: %w", err)
	}
	if err := json.Unmarshal(deadlines, &s.Deadlines); err != nil {
		return nil, fmt.Errorf("发布期限格式有误: %w", err)
	}
	for code := range s.Deadlines.Default {
		if LevelLabels[code] == "" {
			return nil, fmt.Errorf("发布期限：未知层级 %q", code)
		}
	}
	for code := range s.Deductions {
		if _, ok := report.RuleByCode(code); !ok {
			return nil, fmt.Errorf("评分表：未知规则 %q（规则代码见 docs/rules.md）", code)
		}
	}
	if len(s.Ratings) == 0 {
		return nil, fmt.Errorf("评分表：没有评级分数线（ratings）")
	}
	return s, nil
}

// Deduction is the points a finding of a rule costs.
func (s *Sheet) Deduction(rule string) float64 {
	if v, ok := s.Deductions[rule]; ok {
		return v
	}
	r, _ := report.RuleByCode(rule)
	return r.Deduction
}

// Rate gives the traffic light of a score.
func (s *Sheet) Rate(score float64) Rating {
	for _, r := range s.Ratings {
		if score >= r.Min {
			return r
		}
	}
	return s.Ratings[len(s.Ratings)-1]
}

// Deadline is the last day a body of a level in a county may publish its
// report for a year.
func (s *Sheet) Deadline(county, level string, year int) (time.Time, error) {
	md := s.Deadlines.Default[level]
	if p, ok := s.Deadlines.CountyProvince[county]; ok {
		if v, ok := s.Deadlines.Provinces[p][level]; ok {
			md = v
		}
	}
	t, err := time.Parse("2006-01-02", fmt.Sprintf("%d-%s", year+1, md))
	if err != nil {
		return t, fmt.Errorf("发布期限 %q（%s）: %w", md, level, err)
	}
	return t, nil
}
