package accuracy

import (
	"testing"

	"nianbao/report"
)

func str(s string) *string { return &s }

func TestCompare(t *testing.T) {
	truth := Truth{File: "a.txt", Agency: str("乐至县回澜镇人民政府"), Year: 2022, Edition: "2021", Cells: map[string]float64{
		"t3.new.total": 5, "t3.new.natural": 4, "t3.granted.total": 3, "t4.reconsideration.total": 1, "t2.fees.amount": 1.25,
	}}
	type want struct {
		exact, mf, mu, wrong, silent, extra int
		classes                             map[string]Class
		agency, year, edition               Field
	}
	cases := []struct {
		name  string
		build func(r *report.Report)
		want  want
	}{
		{"all exact", func(r *report.Report) {
			r.Agency, r.County, r.Year, r.Edition = "回澜镇", "乐至县", 2022, "2021"
			r.Cells = map[string]float64{"t3.new.total": 5, "t3.new.natural": 4, "t3.granted.total": 3, "t4.reconsideration.total": 1, "t2.fees.amount": 1.25}
		}, want{exact: 5, agency: Right, year: Right, edition: Right}},
		{"silent and flagged wrong", func(r *report.Report) {
			r.Agency, r.Year, r.Edition = "回澜镇", 2021, "2019"
			r.Cells = map[string]float64{"t3.new.total": 6, "t3.new.natural": 4, "t3.granted.total": 2, "t4.reconsideration.total": 1, "t2.fees.amount": 1.25}
			r.AddFinding(report.RuleApplicants, report.SeverityError, "行不平", "t3.granted.natural", "t3.granted.total")
		}, want{exact: 3, wrong: 1, silent: 1, agency: Right, year: WrongMeta, edition: WrongMeta,
			classes: map[string]Class{"t3.new.total": Silent, "t3.granted.total": Wrong}}},
		{"a note is not a flag", func(r *report.Report) {
			r.Cells = map[string]float64{"t3.new.total": 5, "t3.new.natural": 4, "t3.granted.total": 3, "t4.reconsideration.total": 1}
			r.Set("t2.fees.amount", 125, report.Source{Note: "数字粘连按规则拆分"})
		}, want{exact: 4, silent: 1, agency: WrongMeta, year: WrongMeta, edition: WrongMeta,
			classes: map[string]Class{"t2.fees.amount": Silent}}},
		{"missing: named, table-level, unflagged", func(r *report.Report) {
			r.Agency, r.County, r.Year, r.Edition = "回澜镇", "安岳县", 2022, "2021"
			r.Cells = map[string]float64{"t3.new.total": 5, "t3.new.natural": 4, "t3.other.total": 0}
			r.AddFinding(report.RuleAmbiguous, report.SeverityWarning, "粘连", "t3.granted.total")
			r.AddFinding(report.RuleMissing, report.SeverityWarning, "未能读到表四的数字")
		}, want{exact: 2, mf: 2, mu: 1, extra: 1, agency: WrongMeta, year: Right, edition: Right,
			classes: map[string]Class{"t3.granted.total": MissingFlagged, "t4.reconsideration.total": MissingFlagged, "t2.fees.amount": MissingUnflagged}}},
		{"a table-level finding naming no table flags every missing cell", func(r *report.Report) {
			r.AddFinding(report.RuleNoData, report.SeverityWarning, "没有任何数字")
		}, want{mf: 5, agency: WrongMeta, year: WrongMeta, edition: WrongMeta}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := report.New("a.txt")
			tc.build(r)
			s := Compare(r, truth)
			got := want{s.Exact, s.MissingFlagged, s.MissingUnflagged, s.Wrong, s.Silent, s.Extra, nil, s.Agency, s.Year, s.Edition}
			if got.exact != tc.want.exact || got.mf != tc.want.mf || got.mu != tc.want.mu || got.wrong != tc.want.wrong ||
				got.silent != tc.want.silent || got.extra != tc.want.extra {
				t.Errorf("counts exact/mf/mu/wrong/silent/extra = %d/%d/%d/%d/%d/%d, want %d/%d/%d/%d/%d/%d", got.exact, got.mf, got.mu, got.wrong, got.silent, got.extra,
					tc.want.exact, tc.want.mf, tc.want.mu, tc.want.wrong, tc.want.silent, tc.want.extra)
			}
			if s.Exact+s.Missing()+s.Wrong+s.Silent != s.Counts.Cells || s.Counts.Cells != len(truth.Cells) {
				t.Errorf("classes do not add up to the truth cells: %+v", s.Counts)
			}
			for code, c := range tc.want.classes {
				if s.Classes[code] != c {
					t.Errorf("%s: class %s, want %s", code, s.Classes[code], c)
				}
			}
			if got.agency != tc.want.agency || got.year != tc.want.year || got.edition != tc.want.edition {
				t.Errorf("meta agency/year/edition = %q/%q/%q, want %q/%q/%q", got.agency, got.year, got.edition, tc.want.agency, tc.want.year, tc.want.edition)
			}
		})
	}
}

func TestCompareNilReport(t *testing.T) {
	s := Compare(nil, Truth{File: "x", Cells: map[string]float64{"t3.new.total": 1}})
	if s.MissingUnflagged != 1 || s.Counts.Cells != 1 {
		t.Errorf("nil report: %+v", s.Counts)
	}
}

func TestAgencyMatches(t *testing.T) {
	cases := []struct {
		truth, agency, county string
		want                  bool
	}{
		{"青石镇", "青石镇", "示范县", true},
		{"乐至县回澜镇人民政府", "回澜镇", "乐至县", true},
		{"乐至县回澜镇人民政府", "回澜镇", "", true},
		{"乐至县回澜镇人民政府", "回澜镇", "安岳县", false},
		{"句容市住房和城鄉建設局", "句容市住房和城乡建设局", "", true},
		{"回澜镇人民政府", "", "", false},
		{"回澜镇人民政府", "白石镇", "", false},
		{"回澜镇人民政府", "镇", "", false},
	}
	for _, c := range cases {
		if got := AgencyMatches(c.truth, c.agency, c.county); got != c.want {
			t.Errorf("AgencyMatches(%q, %q, %q) = %v, want %v", c.truth, c.agency, c.county, got, c.want)
		}
	}
}

func TestCountsAdd(t *testing.T) {
	var c Counts
	c.Add(Counts{Cells: 3, Exact: 1, MissingFlagged: 1, Silent: 1, YearScored: 1, YearRight: 1})
	c.Add(Counts{Cells: 2, Exact: 2, Extra: 4, YearScored: 1})
	if c.Cells != 5 || c.Exact != 3 || c.Missing() != 1 || c.Silent != 1 || c.Extra != 4 || c.YearScored != 2 || c.YearRight != 1 {
		t.Errorf("sum %+v", c)
	}
}

// A missing 2021 subtotal t3.other.<col> is flagged by findings on its sub-rows.
func TestDerivedMissingFlaggedBySubRows(t *testing.T) {
	truth := Truth{Edition: "2021", Cells: map[string]float64{"t3.other.natural": 1, "t3.other.total": 1}}
	r := report.New("x")
	r.AddFinding(report.RuleAmbiguous, report.SeverityWarning, "粘连", "t3.other.unpaid_fee.natural")
	s := Compare(r, truth)
	if s.Classes["t3.other.natural"] != MissingFlagged || s.Classes["t3.other.total"] != MissingUnflagged {
		t.Errorf("classes %v; want natural flagged by its sub-row, total unflagged", s.Classes)
	}
}
