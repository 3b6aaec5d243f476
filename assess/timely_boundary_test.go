package assess

import (
	"strings"
	"testing"

	"nianbao/ingest/document"
	"nianbao/report"
)

// TestTimelyBoundaries: a report published on its deadline is on time, the
// day after is one day late, the day before one day early — for each level
// of body and for a province's own deadline. A report published on the
// deadline day once counted late under a mutation no test saw.
func TestTimelyBoundaries(t *testing.T) {
	sheet := DefaultSheet()
	sheet.Deadlines.CountyProvince["省定县"] = "示例省" // 示例省 gives towns 01-15
	cases := []struct {
		name, agency, county string
		year                 int
		published            string
		deadline             string
		daysLate             int
	}{
		{"town, day before", "凤塘镇", "样例县", 2022, "2023-01-30", "2023-01-31", -1},
		{"town, on the day", "凤塘镇", "样例县", 2022, "2023-01-31", "2023-01-31", 0},
		{"town, day after", "凤塘镇", "样例县", 2022, "2023-02-01", "2023-01-31", 1},
		{"department, on the day", "样例县教育局", "样例县", 2022, "2023-01-31", "2023-01-31", 0},
		{"department, day after", "样例县教育局", "样例县", 2022, "2023-02-01", "2023-01-31", 1},
		{"county government, day before", "样例县人民政府", "样例县", 2022, "2023-03-30", "2023-03-31", -1},
		{"county government, on the day", "样例县人民政府", "样例县", 2022, "2023-03-31", "2023-03-31", 0},
		{"county government, day after", "样例县人民政府", "样例县", 2022, "2023-04-01", "2023-03-31", 1},
		{"province's town deadline, on the day", "凤塘镇", "省定县", 2022, "2023-01-15", "2023-01-15", 0},
		{"province's town deadline, day after", "凤塘镇", "省定县", 2022, "2023-01-16", "2023-01-15", 1},
		{"across a leap day", "凤塘镇", "样例县", 2023, "2024-03-01", "2024-01-31", 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &Doc{Agency: tc.agency, County: tc.county, Year: tc.year, PublishedOn: tc.published}
			got, findings, ok, err := Timely(d, sheet)
			if err != nil || !ok {
				t.Fatalf("Timely: ok %v err %v", ok, err)
			}
			if got.Deadline != tc.deadline || got.DaysLate != tc.daysLate || got.PublishedOn != tc.published {
				t.Errorf("got %+v, want deadline %s, %d days late", got, tc.deadline, tc.daysLate)
			}
			late := tc.daysLate > 0
			if late != (len(findings) == 1) || len(findings) > 1 {
				t.Fatalf("findings %+v, want late=%v", findings, late)
			}
			if late {
				f := findings[0]
				if f.Rule != report.RuleLate || f.Severity != report.SeverityWarning || !strings.Contains(f.Message, tc.deadline) {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}

// A report without a readable date is neither late nor on time.
func TestTimelyUnknownDate(t *testing.T) {
	for _, pub := range []string{"", "2023-02-30", "二〇二三年"} {
		d := &Doc{Agency: "凤塘镇", County: "样例县", Year: 2022, PublishedOn: pub}
		if _, f, ok, err := Timely(d, DefaultSheet()); ok || err != nil || len(f) != 0 {
			t.Errorf("%q: ok %v err %v findings %d", pub, ok, err, len(f))
		}
	}
}

// The date is read once, at ingest, from the preamble (发布日期：2023-2-10),
// not from one written further on; Timely judges that stored date and never
// reads the text again (a second reading could disagree with /filing).
func TestTimelyDateFromPreamble(t *testing.T) {
	text := "样例县凤塘镇人民政府\n发布日期：2023-2-10\n一、总体情况\n……\n六、其他\n发布日期：2023-01-05\n"
	pub := document.FindPublishedOn(text)
	if pub != "2023-02-10" {
		t.Fatalf("ingest read %q from the preamble, want 2023-02-10", pub)
	}
	d := &Doc{Agency: "凤塘镇", County: "样例县", Year: 2022, PublishedOn: pub, Sections: []Section{
		{Number: 0, Body: "样例县凤塘镇人民政府\n发布日期：2023-2-10\n"},
		{Number: 6, Body: "发布日期：2023-01-05"},
	}}
	got, f, ok, err := Timely(d, DefaultSheet())
	if !ok || err != nil || got.PublishedOn != "2023-02-10" || got.DaysLate != 10 || len(f) != 1 {
		t.Errorf("got %+v, %d findings (ok %v, err %v); want published 2023-02-10, ten days late", got, len(f), ok, err)
	}
	// Without a stored date the text is not read again: unknown, no finding.
	d.PublishedOn = ""
	if _, f, ok, err := Timely(d, DefaultSheet()); ok || err != nil || len(f) != 0 {
		t.Errorf("no stored date: ok %v err %v findings %d; want unknown", ok, err, len(f))
	}
}
