// Package querytest builds small databases whose numbers tests know, for
// the query, api and dashboards tests and benchmarks.
package querytest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"nianbao/report"
	"nianbao/store"
)

func build(file, agency, county string, year int, edition string, cells map[string]float64) *report.Report {
	r := report.New(file)
	r.Agency, r.County, r.Year, r.Edition = agency, county, year, edition
	r.SHA256 = fmt.Sprintf("sha-%s-%d", agency, year)
	r.Format = "text"
	for code, v := range cells {
		r.Set(code, v, report.Source{Line: 1, Raw: fmt.Sprint(v)})
	}
	return r
}

// Reports returns four reports with these numbers (table 3 is the 总计
// column unless a column is named):
//
//	劳动镇 乐至县 2022 (2021 edition): new 10 (natural 8, commercial 2),
//	  carried over 2, granted 5, partial 1, denied third_party 2,
//	  unavailable not_held 1, other.overdue_correction 1 (t3.other.total
//	  absent), total 10, carry forward 2; reconsideration upheld 1,
//	  corrected 1, pending 1, total 3; litigation_direct upheld 2, total 2;
//	  t2.regulations.issued 2, t2.fees.amount 1.5; one error finding
//	  (rule1_balance) and one warning (rule6_narrative); published 2023-01-20.
//	天池镇 乐至县 2022 (2021 edition): every table-3 and table-4 total 0.
//	劳动镇 乐至县 2021 (2021 edition): new 4 (natural 4), granted 4, total 4;
//	  t2.regulations.issued 1.
//	城关镇 示范县 2020 (2019 edition): new 6 (natural 6), granted 3,
//	  denied state_secret 1, other 2, total 6; t2.regulations.made 3,
//	  t2.procurement.amount 12.5; one warning (rule6_narrative); synthetic.
func Reports() []*report.Report {
	a := build("laodong-2022.txt", "劳动镇", "乐至县", 2022, report.Edition2021, map[string]float64{
		"t3.new.total": 10, "t3.new.natural": 8, "t3.new.commercial": 2,
		"t3.carried_over.total": 2, "t3.granted.total": 5, "t3.partial.total": 1,
		"t3.denied.third_party.total": 2, "t3.unavailable.not_held.total": 1,
		"t3.not_processed.duplicate.total":  0,
		"t3.other.overdue_correction.total": 1, "t3.other.unpaid_fee.total": 0, "t3.other.other.total": 0,
		"t3.total.total": 10, "t3.carry_forward.total": 2,
		"t4.reconsideration.upheld": 1, "t4.reconsideration.corrected": 1, "t4.reconsideration.other": 0,
		"t4.reconsideration.pending": 1, "t4.reconsideration.total": 3,
		"t4.litigation_direct.upheld": 2, "t4.litigation_direct.total": 2,
		"t2.regulations.issued": 2, "t2.fees.amount": 1.5,
	})
	a.PublishedOn = "2023-01-20"
	a.AddFinding(report.RuleBalance, report.SeverityError, "表三总计列不平衡", "t3.new.total")
	a.AddFinding(report.RuleNarrative, report.SeverityWarning, "正文与表格不一致", "t3.new.total")
	b := build("tianchi-2022.txt", "天池镇", "乐至县", 2022, report.Edition2021, map[string]float64{
		"t3.new.total": 0, "t3.carried_over.total": 0, "t3.granted.total": 0, "t3.partial.total": 0,
		"t3.other.total": 0, "t3.total.total": 0, "t3.carry_forward.total": 0,
		"t4.reconsideration.total": 0, "t4.litigation_direct.total": 0, "t4.litigation_after.total": 0,
	})
	c := build("laodong-2021.txt", "劳动镇", "乐至县", 2021, report.Edition2021, map[string]float64{
		"t3.new.total": 4, "t3.new.natural": 4, "t3.granted.total": 4, "t3.total.total": 4,
		"t2.regulations.issued": 1,
	})
	d := build("chengguan-2020.txt", "城关镇", "示范县", 2020, report.Edition2019, map[string]float64{
		"t3.new.total": 6, "t3.new.natural": 6, "t3.granted.total": 3, "t3.denied.state_secret.total": 1,
		"t3.other.total": 2, "t3.total.total": 6,
		"t2.regulations.made": 3, "t2.procurement.amount": 12.5,
	})
	d.Synthetic = true
	d.AddFinding(report.RuleNarrative, report.SeverityWarning, "正文称收到7件", "t3.new.total")
	return []*report.Report{a, b, c, d}
}

// Open opens a fresh database in a temporary directory of tb.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(tb.TempDir(), "test.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// Seed opens a fresh database holding Reports() and returns it with the
// ids of the reports in Reports() order.
func Seed(tb testing.TB) (*store.Store, []int64) {
	tb.Helper()
	st := Open(tb)
	var ids []int64
	for _, r := range Reports() {
		res, err := st.Save(context.Background(), r)
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	return st, ids
}

// Generated returns n consistent 2021-edition reports spread over 5
// counties, 10 towns each and the years from 2021, for benchmarks.
func Generated(n int) []*report.Report {
	out := make([]*report.Report, 0, n)
	for i := range n {
		county := fmt.Sprintf("第%d县", i%5+1)
		town := fmt.Sprintf("第%d镇", (i/5)%10+1)
		year := 2021 + i/50
		cells := map[string]float64{}
		for j, col := range report.T3Columns[:6] {
			nw := float64((i*7+j*3)%11 + 1)
			g := float64((i + j) % 3)
			cells["t3.new."+col] = nw
			cells["t3.carried_over."+col] = 1
			cells["t3.granted."+col] = g
			cells["t3.partial."+col] = 1
			cells["t3.denied.third_party."+col] = nw - g
			cells["t3.total."+col] = nw + 1
			cells["t3.carry_forward."+col] = 0
		}
		for _, row := range []string{"new", "carried_over", "granted", "partial", "denied.third_party", "total", "carry_forward"} {
			s := 0.0
			for _, col := range report.T3Columns[:6] {
				s += cells["t3."+row+"."+col]
			}
			cells["t3."+row+".total"] = s
		}
		for k, g := range report.T4Groups {
			cells["t4."+g+".upheld"] = float64((i + k) % 3)
			cells["t4."+g+".corrected"] = float64(i % 2)
			cells["t4."+g+".other"] = 0
			cells["t4."+g+".pending"] = 1
			cells["t4."+g+".total"] = float64((i+k)%3 + i%2 + 1)
		}
		for _, c := range []string{"t2.regulations.issued", "t2.normative_docs.issued", "t2.licensing.decisions", "t2.penalty.decisions"} {
			cells[c] = float64(i % 9)
		}
		r := build(fmt.Sprintf("gen-%03d.txt", i), town, county, year, report.Edition2021, cells)
		if i%4 == 0 {
			r.AddFinding(report.RuleNarrative, report.SeverityWarning, "生成的提示", "t3.new.total")
		}
		out = append(out, r)
	}
	return out
}
