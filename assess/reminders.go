package assess

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// Reminder is a body that has not published its report (催报): where it
// is, its deadline and the days left (negative: overdue by so many).
type Reminder struct {
	County   string `json:"county"`
	AgencyID string `json:"agency_id,omitempty"`
	Agency   string `json:"agency"`
	Level    string `json:"level"`
	Status   string `json:"status"` // the filing list's status label
	Deadline string `json:"deadline"`
	DaysLeft int    `json:"days_left"`
}

// Reminders is the 催报 list of a place and year.
type Reminders struct {
	Place    string     `json:"place"`
	Year     int        `json:"year"`
	Today    string     `json:"today"`
	Expected int        `json:"expected"`
	Filed    int        `json:"filed"`
	Bodies   []Reminder `json:"bodies"`
}

// ReminderList is the bodies of the filing list (every level) with no
// report, by county, the most pressing first. today is the day the
// list is made (the days left count from it).
func ReminderList(ctx context.Context, st *store.Store, place string, year int, sheet *Sheet, today time.Time) (*Reminders, error) {
	fl, err := FilingList(ctx, st, place, year, registry.Levels, sheet)
	if err != nil {
		return nil, fmt.Errorf("催报名单 %s %d: %w", place, year, err)
	}
	today = today.In(report.ChinaTime) // the day in China, whatever zone the caller gave
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	out := &Reminders{Place: fl.Name, Year: year, Today: day.Format("2006-01-02"), Expected: fl.Expected, Filed: fl.Filed, Bodies: []Reminder{}}
	for _, r := range fl.Rows {
		if r.ReportID != 0 {
			continue
		}
		lvl := LevelOfRegistry(registry.Level(r.Level))
		dl, err := sheet.Deadline(r.County, lvl, year)
		if err != nil {
			return nil, err
		}
		out.Bodies = append(out.Bodies, Reminder{County: r.County, AgencyID: r.AgencyID, Agency: r.Name, Level: LevelLabels[lvl], Status: r.StatusLabel,
			Deadline: dl.Format("2006-01-02"), DaysLeft: int(math.Round(dl.Sub(day).Hours() / 24))})
	}
	sort.SliceStable(out.Bodies, func(i, j int) bool {
		a, b := out.Bodies[i], out.Bodies[j]
		if a.County != b.County {
			return a.County < b.County
		}
		if a.DaysLeft != b.DaysLeft {
			return a.DaysLeft < b.DaysLeft
		}
		return a.Agency < b.Agency
	})
	return out, nil
}
