package assess

import (
	"fmt"
	"regexp"
	"time"

	"nianbao/report"
)

// Timeliness is a report's publication date against its deadline.
type Timeliness struct {
	PublishedOn string `json:"published_on"`
	Deadline    string `json:"deadline"`
	DaysLate    int    `json:"days_late"` // negative: days early
}

// publishedRe finds the date a CMS page prints above a report
// (发布日期：2023-01-25, 发布时间：2023年1月25日).
var publishedRe = regexp.MustCompile(`(?:发布日期|发布时间|成文日期)[:：]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})`)

// publishedFromText reads the publication date printed in the preamble,
// for text files that came without one. The parser may take this over.
func publishedFromText(sections []Section) string {
	for _, s := range sections {
		if s.Number != 0 {
			continue
		}
		if m := publishedRe.FindStringSubmatch(s.Body); m != nil {
			return fmt.Sprintf("%s-%02d-%02d", m[1], atoi(m[2]), atoi(m[3]))
		}
	}
	return ""
}

// Timely compares the publication date with the deadline of the body's
// level; ok is false when the date is unknown.
func Timely(d *Doc, sheet *Sheet) (t Timeliness, f []report.Finding, ok bool, err error) {
	pub := d.PublishedOn
	if pub == "" {
		pub = publishedFromText(d.Sections)
	}
	if pub == "" {
		return t, nil, false, nil
	}
	on, err := time.Parse("2006-01-02", pub)
	if err != nil {
		return t, nil, false, nil // an unreadable date is as good as none
	}
	due, err := sheet.Deadline(d.County, d.Level(), d.Year)
	if err != nil {
		return t, nil, false, err
	}
	t = Timeliness{PublishedOn: pub, Deadline: due.Format("2006-01-02"), DaysLate: int(on.Sub(due).Hours() / 24)}
	if t.DaysLate > 0 {
		rl, _ := report.RuleByCode(report.RuleLate)
		f = append(f, report.Finding{Rule: rl.Code, Severity: rl.Severity, Cells: []string{},
			Message: fmt.Sprintf("%s发布，%s（%s）的期限是%s，逾期%d天。", pub, LevelLabels[d.Level()], d.Agency, t.Deadline, t.DaysLate)})
	}
	return t, f, true, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
