package assess

import (
	"context"
	"fmt"
	"time"

	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// Timeliness is a report's publication date against its deadline.
type Timeliness struct {
	PublishedOn string `json:"published_on"`
	Deadline    string `json:"deadline"`
	DaysLate    int    `json:"days_late"` // negative: days early
}

// Timely compares the stored publication date with the deadline of the
// body's level by store.DaysLate, the rule /filing applies too; ok is
// false when the date is unknown. The date is never read again from the
// report's text here: ingest read it once (report.ParseDate) into
// published_on, and a second reading could disagree with it.
func Timely(d *Doc, sheet *Sheet) (t Timeliness, f []report.Finding, ok bool, err error) {
	due, err := sheet.Deadline(d.County, d.Level(), d.Year)
	if err != nil {
		return t, nil, false, err
	}
	late, ok := store.DaysLate(d.PublishedOn, due)
	if !ok {
		return t, nil, false, nil // an unreadable date is as good as none
	}
	t = Timeliness{PublishedOn: d.PublishedOn, Deadline: due.Format(time.DateOnly), DaysLate: late}
	if t.DaysLate > 0 {
		rl, _ := report.RuleByCode(report.RuleLate)
		f = append(f, report.Finding{Rule: rl.Code, Severity: rl.Severity, Cells: []string{},
			Message: fmt.Sprintf("%s发布，%s（%s）的期限是%s，逾期%d天。", d.PublishedOn, LevelLabels[d.Level()], d.Agency, t.Deadline, t.DaysLate)})
	}
	return t, f, true, nil
}

// LevelOfRegistry is the assessment level of a registry level: the town
// levels are towns; a county's, city's or province's own government is
// the county level; departments and anything else are departments.
func LevelOfRegistry(l registry.Level) string {
	switch {
	case l.IsTownLevel():
		return LevelTown
	case l == registry.County || l == registry.City || l == registry.Province:
		return LevelCounty
	}
	return LevelDepartment
}

// FilingList is the one list of bodies expected to report (store.Filing)
// with the sheet's deadlines: /api/v1/filing, the county page and the
// assessment all read it, so they count the same expected, filed, late
// and missing bodies. A nil sheet means each county's own (SheetFor):
// a list over a city or province then takes every county's deadlines
// from the sheet that county is scored with.
func FilingList(ctx context.Context, st *store.Store, place string, year int, levels []registry.Level, sheet *Sheet) (*store.Filing, error) {
	sheets := map[string]*Sheet{}
	return st.Filing(ctx, store.FilingQuery{Place: place, Year: year, Levels: levels,
		Deadline: func(l registry.Level, county string, year int) (time.Time, error) {
			s := sheet
			if s == nil {
				if s = sheets[county]; s == nil {
					var err error
					if s, err = SheetFor(ctx, st, county); err != nil {
						return time.Time{}, err
					}
					sheets[county] = s
				}
			}
			return s.Deadline(county, LevelOfRegistry(l), year)
		}})
}
