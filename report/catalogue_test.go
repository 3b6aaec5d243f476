package report

import (
	"slices"
	"testing"
)

// Malformed codes have no table, row or column: each condition of
// Code.Table on its own (the mutation audit found them tested only
// together).
func TestMalformedCodes(t *testing.T) {
	for _, c := range []Code{"", "t3", "x3.a.b", "t3-a.b", "t1.a.b", "t5.a.b", "t0.a.b", "t9.a.b"} {
		if c.Table() != 0 || c.Row() != "" || c.Column() != "" {
			t.Errorf("%q: table %d row %q column %q, want none", c, c.Table(), c.Row(), c.Column())
		}
	}
	for _, c := range []Code{"t2.a.b", "t3.a.b", "t4.a.b"} {
		if c.Table() != int(c[1]-'0') || c.Row() != "a" || c.Column() != "b" {
			t.Errorf("%q: table %d row %q column %q", c, c.Table(), c.Row(), c.Column())
		}
	}
}

// The catalogue: each code once, with its table, its label, its editions;
// a code of both editions listed once with both.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Cells() {
		if seen[d.Code] {
			t.Errorf("%s listed twice", d.Code)
		}
		seen[d.Code] = true
		if got, ok := Lookup(d.Code); !ok || got.Code != d.Code || got.Table != Code(d.Code).Table() || got.Label != Label(d.Code) {
			t.Errorf("%s: Lookup %+v, catalogue %+v", d.Code, got, d)
		}
	}
	cases := []struct {
		code     string
		table    int
		label    string
		editions []string
		derived  bool
	}{
		{"t2.licensing.decisions", 2, "行政许可 · 本年处理决定数量", []string{Edition2021, Edition2019}, false},
		{"t2.procurement.amount", 2, "政府集中采购 · 采购总金额", []string{Edition2019}, false},
		{"t2.fees.amount", 2, "行政事业性收费 · 本年收费金额（万元）", []string{Edition2021}, false},
		{"t3.granted.natural", 3, "（一）予以公开 · 自然人", []string{Edition2019, Edition2021}, false},
		{"t3.other.total", 3, "（六）其他处理 · 总计", []string{Edition2019, Edition2021}, true},
		{"t3.other.unpaid_fee.legal", 3, "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用 · 法律服务机构", []string{Edition2021}, false},
		{"t4.litigation_after.pending", 4, "行政诉讼（复议后起诉） · 尚未审结", []string{Edition2019, Edition2021}, false},
	}
	for _, tc := range cases {
		d, ok := Lookup(tc.code)
		if !ok || d.Table != tc.table || d.Label != tc.label || !slices.Equal(d.Editions, tc.editions) || d.Derived != tc.derived {
			t.Errorf("%s: %+v (known %v)", tc.code, d, ok)
		}
	}
	if _, ok := Lookup("t3.nothing.total"); ok || Label("t3.nothing.total") != "t3.nothing.total" {
		t.Error("an unknown code is looked up")
	}
}

func TestExpandCodes(t *testing.T) {
	codes, unknown := ExpandCodes([]string{"t4.reconsideration.*", " t3.new.total ", "t3.new", "", "t2.fees.amount", "t3.new.total", "nope*"})
	want := []string{"t2.fees.amount", "t3.new.total", "t4.reconsideration.upheld", "t4.reconsideration.corrected",
		"t4.reconsideration.other", "t4.reconsideration.pending", "t4.reconsideration.total"}
	if !slices.Equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	if !slices.Equal(unknown, []string{"t3.new", "nope*"}) {
		t.Errorf("unknown %v", unknown)
	}
}

// Codes lists a report's cells in catalogue order, unknown codes last in
// name order, nothing else.
func TestReportCodes(t *testing.T) {
	r := New("x.txt")
	for _, c := range []string{"zz.b", "t4.reconsideration.total", "t3.new.total", "zz.a", "t2.regulations.issued", "t3.new.natural"} {
		r.Cells[c] = 1
	}
	want := []string{"t2.regulations.issued", "t3.new.natural", "t3.new.total", "t4.reconsideration.total", "zz.a", "zz.b"}
	if got := r.Codes(); !slices.Equal(got, want) {
		t.Errorf("Codes() = %v, want %v", got, want)
	}
}

// Every catalogue code and a few unknown ones: Codes gives the catalogue's
// own order (Cells), then the unknown ones by name.
func TestReportCodesWholeCatalogue(t *testing.T) {
	r := New("x.txt")
	var want []string
	for _, d := range Cells() {
		r.Cells[d.Code] = 1
		want = append(want, d.Code)
	}
	for _, c := range []string{"zz.c", "a.unknown", "t3.nope"} {
		r.Cells[c] = 1
	}
	want = append(want, "a.unknown", "t3.nope", "zz.c")
	if got := r.Codes(); !slices.Equal(got, want) {
		t.Errorf("Codes() = %v\nwant %v", got, want)
	}
}

func TestHasErrorsAndRuleByCode(t *testing.T) {
	r := New("x.txt")
	r.AddFinding(RuleNarrative, SeverityWarning, "w")
	if r.HasErrors() {
		t.Error("a warning counted as an error")
	}
	r.AddFinding(RuleBalance, SeverityError, "e")
	if !r.HasErrors() || r.Findings[1].Cells == nil {
		t.Error("an error not counted, or a finding without cells has nil cells")
	}
	if rl, ok := RuleByCode(RuleReview); !ok || rl.Code != RuleReview || rl.Severity != SeverityError {
		t.Errorf("RuleByCode(%s) = %+v", RuleReview, rl)
	}
	if _, ok := RuleByCode("no_such_rule"); ok {
		t.Error("an unknown rule found")
	}
}

// Check runs rules 1–4 as well as rule 6.
func TestCheckRunsIdentities(t *testing.T) {
	r := consistent(Edition2021)
	r.Cells["t4.reconsideration.pending"]++
	Check(r)
	if !slices.Contains(rulesOf(r.Findings), RuleReview) {
		t.Errorf("Check: %v, want %s", rulesOf(r.Findings), RuleReview)
	}
}
