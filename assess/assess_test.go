package assess_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/generate"
	"nianbao/report"
	"nianbao/store"
)

// base returns two consecutive years of one generated town (2021 edition,
// no finding of any kind) as documents with their text: the report every
// case below breaks in exactly one way.
func base(t *testing.T) (prev, cur *assess.Doc) {
	t.Helper()
	corpus := generate.Corpus(generate.Options{Seed: 7, Towns: []int{16}, FirstYear: 2021, LastYear: 2022})
	for i := 1; i < len(corpus); i++ {
		a, b := corpus[i-1], corpus[i]
		if a.Agency != b.Agency || len(a.Findings)+len(b.Findings) > 0 || a.Edition != report.Edition2021 || b.Edition != report.Edition2021 ||
			generate.AssessmentCase(a) != "" || generate.AssessmentCase(b) != "" || b.Cells["t3.new.total"] < 1 {
			continue
		}
		return doc(1, a), doc(2, b)
	}
	t.Fatal("no clean pair of years in the generated corpus")
	return nil, nil
}

func doc(id int64, r *report.Report) *assess.Doc {
	text := string(generate.Render(r, generate.LayoutRowPipe))
	return &assess.Doc{ID: id, Agency: r.Agency, County: r.County, Year: r.Year, Edition: r.Edition, PublishedOn: r.PublishedOn,
		Cells: maps.Clone(r.Cells), Raw: map[string]string{}, Sections: assess.SplitSections(text)}
}

func setSection(d *assess.Doc, n int, body string) {
	for i, s := range d.Sections {
		if s.Number == n {
			d.Sections[i].Body = body
		}
	}
}

func sectionBody(d *assess.Doc, n int) string {
	for _, s := range d.Sections {
		if s.Number == n {
			return s.Body
		}
	}
	return ""
}

// rulesOn runs every check and returns the rules found on report id, sorted.
func rulesOn(t *testing.T, docs []*assess.Doc, id int64) []string {
	t.Helper()
	res, err := assess.Check(docs, 2021, 2022, assess.DefaultSheet())
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range res[id].Findings {
		rules = append(rules, f.Rule)
	}
	sort.Strings(rules)
	return rules
}

func TestEachRuleBrokenOnce(t *testing.T) {
	cases := []struct {
		rule  string
		build func(prev, cur *assess.Doc) []*assess.Doc
	}{
		{"", nil},
		{report.RuleCrossYear, func(p, c *assess.Doc) []*assess.Doc {
			p.Cells["t3.carry_forward.natural"]++ // last year's column no longer carries into this year's
			p.Cells["t3.carry_forward.commercial"]--
			return nil
		}},
		{report.RuleInForce, func(p, c *assess.Doc) []*assess.Doc { c.Cells["t2.normative_docs.in_force"] += 3; return nil }},
		{report.RuleJump, func(p, c *assess.Doc) []*assess.Doc {
			p.Cells["t2.penalty.decisions"], c.Cells["t2.penalty.decisions"] = 3, 300
			return nil
		}},
		{report.RuleSections, func(p, c *assess.Doc) []*assess.Doc {
			c.Sections = slices.DeleteFunc(c.Sections, func(s assess.Section) bool { return s.Number == 5 })
			return nil
		}},
		{report.RuleTables, func(p, c *assess.Doc) []*assess.Doc {
			maps.DeleteFunc(c.Cells, func(k string, _ float64) bool { return strings.HasPrefix(k, "t4.") })
			return nil
		}},
		{report.RuleEdition, func(p, c *assess.Doc) []*assess.Doc {
			// The 2019 tables in 2022: the in_force continuity no longer applies.
			c.Edition = report.Edition2019
			return nil
		}},
		{report.RuleBlank, func(p, c *assess.Doc) []*assess.Doc { c.Raw["t3.granted.research"] = "/"; return nil }},
		{report.RuleFeeStatement, func(p, c *assess.Doc) []*assess.Doc {
			setSection(c, 6, "无其他需要报告的事项。")
			return nil
		}},
		{report.RuleTownRegs, func(p, c *assess.Doc) []*assess.Doc {
			c.Cells["t2.regulations.issued"]++
			c.Cells["t2.regulations.in_force"]++
			return nil
		}},
		{report.RuleNegative, func(p, c *assess.Doc) []*assess.Doc { c.Cells["t2.enforcement.decisions"] = -1; return nil }},
		{report.RuleFeeUnit, func(p, c *assess.Doc) []*assess.Doc { c.Cells["t2.fees.amount"] = 26000; return nil }},
		{report.RuleLate, func(p, c *assess.Doc) []*assess.Doc { c.PublishedOn = "2023-02-14"; return nil }},
		{report.RuleCopyPrevious, func(p, c *assess.Doc) []*assess.Doc {
			for _, n := range assess.CompareSections {
				setSection(c, n, strings.ReplaceAll(sectionBody(p, n), "2021年", "2022年"))
			}
			return nil
		}},
		{report.RuleCopyPeer, func(p, c *assess.Doc) []*assess.Doc {
			peer := &assess.Doc{ID: 3, Agency: "虚构镇", County: c.County, Year: c.Year, Edition: c.Edition, Cells: maps.Clone(c.Cells),
				Raw: map[string]string{}, Sections: slices.Clone(c.Sections)}
			for _, n := range assess.CompareSections {
				setSection(peer, n, strings.ReplaceAll(sectionBody(c, n), c.Agency, "虚构镇"))
			}
			return []*assess.Doc{peer}
		}},
		{report.RulePeerZero, func(p, c *assess.Doc) []*assess.Doc {
			p.Cells["t2.penalty.decisions"], c.Cells["t2.penalty.decisions"] = 0, 0
			return peerTowns(c, 5, func(i int, d *assess.Doc) { d.Cells["t2.penalty.decisions"] = float64(20 + i) })
		}},
		{report.RulePartOverWhole, func(p, c *assess.Doc) []*assess.Doc {
			// Rule 2 cannot be checked without (三)1; (二) over (七) shows all the same.
			delete(c.Cells, "t3.denied.state_secret.total")
			c.Cells["t3.partial.total"] = c.Cells["t3.total.total"] + 1
			return nil
		}},
		{report.RuleFeeNarrative, func(p, c *assess.Doc) []*assess.Doc {
			c.Cells["t3.other.unpaid_fee.total"] = 1 // section 六 says 未收取信息处理费, not a word on notices
			return nil
		}},
		{report.RuleAggregateOver, func(p, c *assess.Doc) []*assess.Doc {
			// c becomes the county government's report covering one town
			// whose applications exceed it.
			town := &assess.Doc{ID: 4, Agency: "虚构镇", County: c.County, Year: c.Year, Edition: c.Edition, Cells: maps.Clone(c.Cells), Raw: map[string]string{}}
			town.Cells["t3.new.total"] = c.Cells["t3.new.total"] + 5
			c.Agency, p.Agency = c.County+"人民政府", c.County+"人民政府"
			c.PublishedOn = fmt.Sprintf("%d-03-01", c.Year+1)
			return []*assess.Doc{town}
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		name := tc.rule
		if name == "" {
			name = "none"
		}
		t.Run(name, func(t *testing.T) {
			prev, cur := base(t)
			docs := []*assess.Doc{prev, cur}
			if tc.build != nil {
				docs = append(docs, tc.build(prev, cur)...)
			}
			got := rulesOn(t, docs, cur.ID)
			var want []string
			if tc.rule != "" {
				want = []string{tc.rule}
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings %v, want %v", got, want)
			}
		})
		seen[tc.rule] = true
	}
	// peer_blank stands on a blank, which form_blank counts as well.
	t.Run(report.RulePeerBlank, func(t *testing.T) {
		prev, cur := base(t)
		cur.Raw["t3.granted.research"] = "/"
		docs := append([]*assess.Doc{prev, cur}, peerTowns(cur, 5, func(_ int, d *assess.Doc) { d.Cells["t3.granted.research"] = 2 })...)
		if got, want := rulesOn(t, docs, cur.ID), []string{report.RuleBlank, report.RulePeerBlank}; !slices.Equal(got, want) {
			t.Errorf("findings %v, want %v", got, want)
		}
	})
	seen[report.RulePeerBlank] = true
	for _, r := range assess.OwnRules {
		if !seen[r] {
			t.Errorf("rule %s has no case breaking it", r)
		}
	}
}

// peerTowns are n other towns of d's county and year with d's cells,
// changed by f, and no text (so no copying between them).
func peerTowns(d *assess.Doc, n int, f func(i int, p *assess.Doc)) []*assess.Doc {
	var out []*assess.Doc
	for i := range n {
		p := &assess.Doc{ID: int64(100 + i), Agency: fmt.Sprintf("虚构%c镇", []rune("甲乙丙丁戊己庚辛壬癸")[i%10]), County: d.County, Year: d.Year,
			Edition: d.Edition, Cells: maps.Clone(d.Cells), Raw: map[string]string{}}
		f(i, p)
		out = append(out, p)
	}
	return out
}

func TestBoilerplateIsNotCopying(t *testing.T) {
	// Two bodies whose narratives are only the mandated sentences, with
	// their own short facts: stripped, they share next to nothing; not
	// stripped, they would pass for copies.
	mk := func(name, fact string) []assess.Section {
		return []assess.Section{
			{Number: 1, Body: "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息公开办公室的有关要求，编制本报告。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。如对本报告有疑问，请与" + name + "党政办公室联系。" + fact},
			{Number: 5, Body: "本年度无行政复议、行政诉讼情况。"},
			{Number: 6, Body: "本年度未收取政府信息公开信息处理费。无其他需要报告的事项。"},
		}
	}
	a := mk("甲镇", "甲镇全年在村务公开栏更新信息四十二次，重点公开了土地征收补偿标准。")
	b := mk("乙乡", "乙乡今年开设政务微信号，发布农技服务和防汛通知，群众留言当日回复。")
	sheet := assess.DefaultSheet()
	stripped := assess.Jaccard(assess.Prepare(a, []string{"甲镇"}), assess.Prepare(b, []string{"乙乡"}))
	if stripped >= sheet.CopyThreshold {
		t.Errorf("boilerplate-only reports share %.2f of their text, at or above the threshold %.2f", stripped, sheet.CopyThreshold)
	}
	raw := func(s []assess.Section) assess.Text {
		// Each section renamed so that Prepare keeps all of it.
		var out []assess.Section
		for _, x := range s {
			out = append(out, assess.Section{Number: 1, Body: strings.NewReplacer("。", "，", "条例", "条").Replace(x.Body)})
		}
		return assess.Prepare(out, nil)
	}
	if unstripped := assess.Jaccard(raw(a), raw(b)); unstripped <= stripped {
		t.Errorf("not stripping the boilerplate should make them look more alike: %.2f vs %.2f", unstripped, stripped)
	}
}

func TestAggregateCoverage(t *testing.T) {
	agg := func(v float64) *assess.Doc {
		return &assess.Doc{Agency: "示范县人民政府", County: "示范县", Edition: report.Edition2021, Cells: map[string]float64{"t3.new.total": v}}
	}
	unit := func(v float64) *assess.Doc {
		return &assess.Doc{Agency: "甲镇", County: "示范县", Edition: report.Edition2021, Cells: map[string]float64{"t3.new.total": v}}
	}
	cases := []struct {
		name     string
		agg      float64
		units    []float64
		coverage float64
		finding  bool
	}{
		{"gap", 20, []float64{4, 6}, 0.5, false},
		{"complete", 10, []float64{4, 6}, 1, false},
		{"over", 8, []float64{4, 6}, 1.25, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var units []*assess.Doc
			for _, v := range tc.units {
				units = append(units, unit(v))
			}
			cov, f := assess.AggregateFindings(agg(tc.agg), units)
			var c *assess.Coverage
			for i := range cov {
				if cov[i].Code == "t3.new.total" {
					c = &cov[i]
				}
			}
			if c == nil || c.Share == nil || *c.Share != tc.coverage || c.Units != len(tc.units) {
				t.Fatalf("coverage %+v, want %v over %d units", c, tc.coverage, len(tc.units))
			}
			if (len(f) > 0) != tc.finding {
				t.Errorf("findings %v, want finding=%v", f, tc.finding)
			}
		})
	}
}

func TestScoreSheet(t *testing.T) {
	sheet := assess.DefaultSheet()
	late := &store.Timely{PublishedOn: "2024-02-10", Deadline: "2024-01-31", DaysLate: 10}
	early := &store.Timely{PublishedOn: "2024-01-20", Deadline: "2024-01-31", DaysLate: -11}
	find := func(rule string, n int) []store.StoredFinding {
		var out []store.StoredFinding
		for i := 0; i < n; i++ {
			out = append(out, store.StoredFinding{ReportID: 1, Seq: i, Finding: report.Finding{Rule: rule, Message: "m"}})
		}
		return out
	}
	dismissed := find(report.RuleBalance, 1)
	dismissed[0].Review = "dismissed"
	bodies := []assess.Filing{
		// 100 − 2 (rule 1) − 2 (rule 1) − 1 (one 纠错 case) = 95
		{Agency: "甲镇", ReportID: 1, Findings: find(report.RuleBalance, 2), Timely: early, Corrections: 1},
		// 100 − min(10, 3 + 0.2×10) = 95; six rule-2 findings capped at 10: 85
		{Agency: "乙乡", ReportID: 2, Findings: append(find(report.RuleLate, 1), find(report.RuleResults, 6)...), Timely: late},
		// dismissed findings cost nothing: 100
		{Agency: "丙街道", ReportID: 3, Findings: dismissed},
		// not filed: 0, and counted in the town average
		{Agency: "丁镇"},
		// a department: 100 − 5 (form_tables) = 95
		{Agency: "示范县财政局", ReportID: 5, Findings: find(report.RuleTables, 1)},
		// the county government: 100 − 3×3 (copying) = 91
		{Agency: "示范县人民政府", ReportID: 6, Findings: find(report.RuleCopyPeer, 3)},
	}
	a := assess.Score("示范县", 2023, bodies, sheet)
	want := map[string]float64{"甲镇": 95, "乙乡": 85, "丙街道": 100, "丁镇": 0, "示范县财政局": 95, "示范县人民政府": 91}
	ratings := map[string]string{"甲镇": "green", "乙乡": "yellow", "丙街道": "green", "丁镇": "red", "示范县财政局": "green", "示范县人民政府": "green"}
	for _, s := range a.Agencies {
		if s.Score != want[s.Agency] || s.Rating.Code != ratings[s.Agency] {
			t.Errorf("%s: score %v (%s), want %v (%s); deductions %+v", s.Agency, s.Score, s.Rating.Code, want[s.Agency], ratings[s.Agency], s.Deductions)
		}
	}
	// Towns: (95 + 85 + 100 + 0) / 4 = 70; composite (6×91 + 2×95 + 2×70) / 10 = 87.6.
	if a.LevelMeans[assess.LevelTown] != 70 || a.LevelMeans[assess.LevelDepartment] != 95 || a.LevelMeans[assess.LevelCounty] != 91 {
		t.Errorf("level means %v", a.LevelMeans)
	}
	if a.Composite == nil || *a.Composite != 87.6 {
		t.Errorf("composite %v, want 87.6", a.Composite)
	}
	if a.FilingRate == nil || *a.FilingRate != 5.0/6 {
		t.Errorf("filing rate %v, want 5/6", a.FilingRate)
	}
	// On time: 甲镇 of 甲镇, 乙乡 (dated) and 丁镇 (not filed) = 1/3.
	if a.OnTimeRate == nil || *a.OnTimeRate != 1.0/3 {
		t.Errorf("on-time rate %v, want 1/3", a.OnTimeRate)
	}
	if a.Agencies[0].Agency != "丙街道" || a.Agencies[0].Rank != 1 || a.Agencies[len(a.Agencies)-1].Agency != "丁镇" {
		t.Errorf("ranking %v", a.Agencies)
	}
}

func TestDeadlines(t *testing.T) {
	sheet := assess.DefaultSheet()
	sheet.Deadlines.CountyProvince = map[string]string{"样例县": "示例省"}
	cases := []struct {
		county, agency, want string
	}{
		{"示范县", "青石镇", "2024-01-31"},
		{"示范县", "示范县人民政府", "2024-03-31"},
		{"示范县", "示范县教育局", "2024-01-31"},
		{"样例县", "青石镇", "2024-01-15"}, // the province's own deadline
		{"样例县", "样例县人民政府", "2024-03-31"},
	}
	for _, tc := range cases {
		d, err := sheet.Deadline(tc.county, assess.LevelOf(tc.agency, tc.county), 2023)
		if err != nil || d.Format("2006-01-02") != tc.want {
			t.Errorf("%s %s: %v %v, want %s", tc.county, tc.agency, d, err, tc.want)
		}
	}
}

func TestSplitSectionsVariants(t *testing.T) {
	text := "前言\n第一部分 总体情况\n甲\n二．主动公开政府信息情况\n一、本年新收政府信息公开申请数量 | 3\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n六、其他需要报告的事项\n己\n五、存在的主要问题及改进情况\n戊\n"
	var got []int
	for _, s := range assess.SplitSections(text) {
		got = append(got, s.Number)
	}
	if want := []int{0, 1, 2, 3, 4, 6, 5}; !slices.Equal(got, want) {
		t.Errorf("sections %v, want %v", got, want)
	}
	d := &assess.Doc{Agency: "甲镇", Year: 2023, Edition: report.Edition2021, Cells: map[string]float64{"t2.fees.amount": 0, "t3.new.total": 0, "t4.reconsideration.total": 0},
		Sections: assess.SplitSections(text)}
	fs := assess.ReportFindings(d, assess.DefaultSheet())
	if len(fs) != 2 || !strings.Contains(fs[0].Message+fs[1].Message, "顺序") {
		t.Errorf("findings %+v, want the order and the fee statement", fs)
	}
}

func TestPre2019Layout(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{"政府信息公开情况统计表\n主动公开政府信息数 | 120", 1},
		{"第二十条第(一)项 规章 0 0 0", 0},
	} {
		d := &assess.Doc{Agency: "甲镇", Year: 2023, Edition: report.Edition2021, Cells: map[string]float64{"t2.fees.amount": 0, "t3.new.total": 0, "t4.reconsideration.total": 0},
			Sections: []assess.Section{{Number: 1}, {Number: 2, Body: tc.body}, {Number: 3}, {Number: 4}, {Number: 5}, {Number: 6, Body: "未收取信息处理费。"}}}
		n := 0
		for _, f := range assess.ReportFindings(d, assess.DefaultSheet()) {
			if f.Rule != report.RuleEdition {
				t.Errorf("unexpected %s: %s", f.Rule, f.Message)
			}
			n++
		}
		if n != tc.want {
			t.Errorf("%q: %d form_edition findings, want %d", tc.body, n, tc.want)
		}
	}
}

func TestLevelOf(t *testing.T) {
	for _, tc := range []struct{ agency, county, want string }{
		{"劳动镇", "乐至县", assess.LevelTown},
		{"劳动镇人民政府", "乐至县", assess.LevelTown},
		{"梅川街道办事处", "示范县", assess.LevelTown},
		{"青石乡", "示范县", assess.LevelTown},
		{"乐至县人民政府", "乐至县", assess.LevelCounty},
		{"洪泽区人民政府", "洪泽区", assess.LevelCounty},
		{"示范县", "示范县", assess.LevelCounty},
		{"示范县人民政府办公室", "示范县", assess.LevelDepartment},
		{"示范县教育局", "示范县", assess.LevelDepartment},
		{"科委", "", assess.LevelDepartment},
	} {
		if got := assess.LevelOf(tc.agency, tc.county); got != tc.want {
			t.Errorf("LevelOf(%q, %q) = %s, want %s", tc.agency, tc.county, got, tc.want)
		}
	}
}

// TestScoreCountsAndLevels: the counts the assessment shares with /filing
// (late, missing apart from 未发布), and levels: the registry's when given,
// guessed from the name (and marked) only when not.
func TestScoreCountsAndLevels(t *testing.T) {
	sheet := assess.DefaultSheet()
	late := &store.Timely{PublishedOn: "2024-02-08", Deadline: "2024-01-31", DaysLate: 8}
	onDay := &store.Timely{PublishedOn: "2024-01-31", Deadline: "2024-01-31", DaysLate: 0}
	bodies := []assess.Filing{
		{AgencyID: "1", Agency: "甲镇", Level: assess.LevelTown, ReportID: 1, Timely: onDay},
		{AgencyID: "2", Agency: "乙乡", Level: assess.LevelTown, ReportID: 2, Timely: late},
		// A registry department whose name ends like a town's: the
		// registry's level stands.
		{AgencyID: "3", Agency: "城关镇管委会", Level: assess.LevelDepartment},
		{AgencyID: "4", Agency: "丁镇", Level: assess.LevelTown, Unpublished: true},
		{AgencyID: "5", Agency: "示范县人民政府", Level: assess.LevelCounty},
		// Unregistered, no level: guessed from the name.
		{AgencyID: "x", Agency: "戊街道", ReportID: 6},
	}
	a := assess.Score("示范县", 2023, bodies, sheet)
	if a.Bodies != 6 || a.Filed != 3 || a.Late != 1 || a.Missing != 2 || a.Unpublished != 1 {
		t.Fatalf("bodies %d filed %d late %d missing %d unpublished %d; want 6 3 1 2 1", a.Bodies, a.Filed, a.Late, a.Missing, a.Unpublished)
	}
	// On time: 甲镇 (the deadline day) of 甲镇, 乙乡 and the three not filed.
	if a.OnTimeRate == nil || *a.OnTimeRate != 1.0/5 {
		t.Errorf("on-time rate %v, want 1/5", a.OnTimeRate)
	}
	for _, s := range a.Agencies {
		wantLevel, guessed := map[string]string{"甲镇": assess.LevelTown, "乙乡": assess.LevelTown, "城关镇管委会": assess.LevelDepartment,
			"丁镇": assess.LevelTown, "示范县人民政府": assess.LevelCounty, "戊街道": assess.LevelTown}[s.Agency], s.Agency == "戊街道"
		if s.Level != wantLevel || s.LevelGuessed != guessed {
			t.Errorf("%s: level %s guessed %v; want %s %v", s.Agency, s.Level, s.LevelGuessed, wantLevel, guessed)
		}
		if s.Agency == "丁镇" && (len(s.Deductions) != 1 || !strings.Contains(s.Deductions[0].Reason, "经核实")) {
			t.Errorf("丁镇 (未发布): %+v", s.Deductions)
		}
	}
}
