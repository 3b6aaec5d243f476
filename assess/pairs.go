package assess

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"nianbao/report"
)

// wholePair is a part of a table that cannot exceed its whole. covers
// are the cells of the accounting rule (1–4, report.CheckIdentities) that
// already implies it: when every one of them is read, that rule reports
// the break (a part over its whole makes the sum over the whole too), so
// the pair is not reported again.
type wholePair struct {
	part, whole []string // a sum where several cells
	minus       []string // taken from the whole (审结 = 总计 − 尚未审结)
	partName    string
	wholeName   string
	covers      []string
}

// shippedPairs are partPairs made once: a re-check reads every report of
// a county, and the pairs are the same for each.
var shippedPairs = map[bool]func() []wholePair{
	true:  sync.OnceValue(func() []wholePair { return partPairs(true) }),
	false: sync.OnceValue(func() []wholePair { return partPairs(false) }),
}

// partPairs are the pairs of tables 3 and 4, with the result rows of the
// 2021 edition, or of the 2019 one when twentyOne is false (a 2019 report,
// or a 2021 report printed with the single row （六）其他处理, which rule 2
// reads the same way).
func partPairs(twentyOne bool) []wholePair {
	var out []wholePair
	results := report.T3ResultRows(report.Edition2021)
	if !twentyOne {
		results = report.T3ResultRows(report.Edition2019)
	}
	for _, col := range report.T3Columns {
		colName := report.T3ColumnLabels[col] + "列"
		total := "t3.total." + col
		rule2 := []string{total}
		for _, row := range results {
			rule2 = append(rule2, "t3."+row+"."+col)
		}
		for _, row := range results {
			out = append(out, wholePair{part: []string{"t3." + row + "." + col}, whole: []string{total},
				partName: colName + "“" + rowLabel(row) + "”", wholeName: "“（七）总计”", covers: rule2})
		}
		received := []string{"t3.new." + col, "t3.carried_over." + col}
		rule1 := append([]string{"t3.total." + col, "t3.carry_forward." + col}, received...)
		for _, row := range []string{"total", "carry_forward"} {
			out = append(out, wholePair{part: []string{"t3." + row + "." + col}, whole: received,
				partName: colName + "“" + rowLabel(row) + "”", wholeName: "新收与上年结转之和", covers: rule1})
		}
	}
	for _, row := range report.T3Rows {
		rule3 := []string{"t3." + row.Code + ".total"}
		for _, col := range report.T3Columns[:6] {
			rule3 = append(rule3, "t3."+row.Code+"."+col)
		}
		for _, col := range report.T3Columns[:6] {
			out = append(out, wholePair{part: []string{"t3." + row.Code + "." + col}, whole: []string{"t3." + row.Code + ".total"},
				partName: "“" + row.Label + "”行" + report.T3ColumnLabels[col], wholeName: "该行总计", covers: rule3})
		}
	}
	for _, g := range report.T4Groups {
		rule4 := []string{"t4." + g + ".total"}
		for _, o := range report.T4Outcomes[:4] {
			rule4 = append(rule4, "t4."+g+"."+o)
		}
		name := report.Label("t4." + g + ".total")
		name = strings.TrimSuffix(name, "总计")
		for _, o := range []string{"corrected", "upheld", "other"} {
			out = append(out, wholePair{part: []string{"t4." + g + "." + o}, whole: []string{"t4." + g + ".total"},
				partName: report.Label("t4." + g + "." + o), wholeName: name + "总计", covers: rule4})
		}
		for _, o := range []string{"corrected", "upheld"} {
			// 审结 (decided) = 总计 − 尚未审结: a case still pending cannot
			// have been corrected.
			out = append(out, wholePair{part: []string{"t4." + g + "." + o}, whole: []string{"t4." + g + ".total"}, minus: []string{"t4." + g + ".pending"},
				partName: report.Label("t4." + g + "." + o), wholeName: name + "已审结件数（总计－尚未审结）", covers: rule4})
		}
	}
	return out
}

// PartFindings reports, per table, the parts of table 3 or 4 greater than
// their whole that no accounting rule can report (value_part_over_whole):
// one finding per table naming each pair with both sides.
func PartFindings(d *Doc) []report.Finding {
	var out []report.Finding
	byTable := map[int][]string{}
	cells := map[int][]string{}
	seen := map[string]bool{}
	twentyOne := d.Edition == report.Edition2021
	if _, sub := d.Cells["t3.other.overdue_correction.total"]; twentyOne && !sub {
		_, single := d.Cells["t3.other.total"]
		twentyOne = !single
	}
	// Pairs of one column or row share their rule's cells (one slice):
	// whether all are read is asked once per slice.
	covered := map[*string]bool{}
	for _, p := range shippedPairs[twentyOne]() {
		c, ok := covered[&p.covers[0]]
		if !ok {
			c = all(d, p.covers)
			covered[&p.covers[0]] = c
		}
		if c {
			continue
		}
		part, pok := sum(d, p.part)
		whole, wok := sum(d, p.whole)
		less, lok := sum(d, p.minus)
		whole -= less
		if !pok || !wok || !lok || part <= whole {
			continue
		}
		t := report.Code(p.part[0]).Table()
		byTable[t] = append(byTable[t], fmt.Sprintf("%s为%s件，大于%s（%s件），多%s件", p.partName, num(part), p.wholeName, terms(d, p, whole), num(part-whole)))
		for _, c := range slices.Concat(p.part, p.whole, p.minus) {
			if !seen[c] {
				seen[c] = true
				cells[t] = append(cells[t], c)
			}
		}
	}
	rl, _ := report.RuleByCode(report.RulePartOverWhole)
	for _, t := range []int{3, 4} {
		if len(byTable[t]) == 0 {
			continue
		}
		why := "部分不能大于整体；该表有单元格未读出，勾稽规则无法核对，请对照原文。"
		out = append(out, report.Finding{Rule: rl.Code, Severity: rl.Severity, Cells: cells[t],
			Message: fmt.Sprintf("表%s：%s。%s", []string{"", "", "二", "三", "四"}[t], strings.Join(byTable[t], "；"), why)})
	}
	return out
}

// terms writes a whole with what it is made of: "8", "4＋1＝5", "2－1＝1".
func terms(d *Doc, p wholePair, whole float64) string {
	if len(p.whole) == 1 && len(p.minus) == 0 {
		return num(whole)
	}
	var b strings.Builder
	for i, c := range p.whole {
		if i > 0 {
			b.WriteString("＋")
		}
		b.WriteString(num(d.Cells[c]))
	}
	for _, c := range p.minus {
		b.WriteString("－" + num(d.Cells[c]))
	}
	return b.String() + "＝" + num(whole)
}

func all(d *Doc, codes []string) bool {
	for _, c := range codes {
		if _, ok := d.Cells[c]; !ok {
			return false
		}
	}
	return true
}

func sum(d *Doc, codes []string) (float64, bool) {
	s := 0.0
	for _, c := range codes {
		v, ok := d.Cells[c]
		if !ok {
			return 0, false
		}
		s += v
	}
	return s, true
}

func rowLabel(code string) string {
	for _, r := range report.T3Rows {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}
