package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/internal/corpus"
	"nianbao/report"
)

func parseFixture(t *testing.T, name string) *report.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Text(name, string(b), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGluedDigits(t *testing.T) {
	r := parseFixture(t, "glued.txt")
	want := map[string]float64{
		"t2.regulations.issued": 0, "t2.regulations.abolished": 0, "t2.regulations.in_force": 0,
		"t2.licensing.decisions": 12,
		"t3.new.natural":         12, "t3.new.commercial": 0, "t3.new.total": 12,
		"t3.carried_over.natural": 0, "t3.carried_over.total": 0,
	}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	// 120000012 splits seven ways only once the row total must equal the
	// sum of the applicants: the cell says so and names the choice.
	note := r.Sources["t3.new.natural"].Note
	if !strings.Contains(note, "120000012") || !strings.Contains(note, "12/0/0/0/0/0/12") || !strings.Contains(note, "种拆分") {
		t.Errorf("glued split note = %q", note)
	}
	// 1203 in a row of three: 12/0/3 or 1/20/3 — left unread, with a finding.
	if _, ok := r.Cells["t2.normative_docs.issued"]; ok {
		t.Error("an ambiguous glued row was guessed")
	}
	found := false
	for _, f := range r.Findings {
		if f.Rule == report.RuleAmbiguous && strings.Contains(f.Message, "1203") && strings.Contains(f.Message, "12/0/3") && strings.Contains(f.Message, "1/20/3") {
			found = true
		}
	}
	if !found {
		t.Errorf("no ambiguity finding naming both readings: %+v", r.Findings)
	}
}

func TestSourcesOfSeed(t *testing.T) {
	path := filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Text("seed", string(b), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	label := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "一、本年新收") {
			label = i + 1
			break
		}
	}
	src := r.Sources["t3.new.natural"]
	if src.Line != label+1 || src.Raw != "0" || src.Table != 3 || src.Col != 1 {
		t.Errorf("source of t3.new.natural = %+v; want line %d, raw 0, table 3, col 1", src, label+1)
	}
	if got := r.Sources["t3.new.total"]; got.Line != label+7 || got.Col != 7 {
		t.Errorf("source of t3.new.total = %+v; want line %d col 7", got, label+7)
	}
}

func TestBlankAndSlashCellsReadAsZeroWithNote(t *testing.T) {
	text := "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 2 | / | — | 无 |  | 0 | ２ |\n四、政府信息公开行政复议、行政诉讼情况\n"
	r, err := Text("x", text, Meta{Year: 2022, Agency: "某镇"})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 0, 0, 0, 0, 0, 2}
	for i, col := range report.T3Columns {
		if got := r.Cells["t3.new."+col]; got != want[i] {
			t.Errorf("t3.new.%s = %v, want %v", col, got, want[i])
		}
	}
	if r.Sources["t3.new.commercial"].Note == "" || r.Sources["t3.new.legal"].Note == "" {
		t.Errorf("zero readings carry no note: %+v", r.Sources)
	}
	if raw := r.Sources["t3.new.total"].Raw; raw != "２" {
		t.Errorf("raw text of a full-width digit = %q, want ２", raw)
	}
}

func TestTotalColumnFirst(t *testing.T) {
	r := parseFixture(t, "total-first.txt")
	want := map[string]float64{"t3.new.total": 5, "t3.new.natural": 3, "t3.new.commercial": 2, "t3.new.other_org": 0, "t3.total.total": 6, "t3.carried_over.natural": 1}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	for _, f := range r.Findings {
		if f.Rule == report.RuleApplicants {
			t.Errorf("rule 3 broken: columns read in the wrong order: %s", f.Message)
		}
	}
}

func TestProseTable2(t *testing.T) {
	text := "某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n2023年，我局规章、行政规范性文件的制发数、废止数、现行有效数均为0；全年行政处罚决定12件，无行政许可事项。\n三、收到和处理政府信息公开申请情况\n"
	r, err := Text("prose", text, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"t2.regulations.issued": 0, "t2.regulations.abolished": 0, "t2.regulations.in_force": 0,
		"t2.normative_docs.issued": 0, "t2.normative_docs.in_force": 0, "t2.penalty.decisions": 12}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	if _, ok := r.Cells["t2.licensing.decisions"]; ok {
		t.Error("无行政许可事项 read as a number; it is not stated as one")
	}
	if !strings.Contains(r.Sources["t2.penalty.decisions"].Note, "文字叙述") {
		t.Errorf("prose reading not noted: %+v", r.Sources["t2.penalty.decisions"])
	}
}

// TestPDFBlankCellsByColumn: PDF text drops blank cells, but the columns'
// places stay: a row's numbers go under the columns they line up with.
func TestPDFBlankCellsByColumn(t *testing.T) {
	r := parseFixture(t, "pdf-blanks.txt")
	want := map[string]float64{
		"t3.carried_over.natural": 2, "t3.carried_over.commercial": 0, "t3.carried_over.other_org": 0, "t3.carried_over.total": 2,
		"t3.granted.natural": 9, "t3.granted.commercial": 1, "t3.granted.research": 0, "t3.granted.total": 10,
		"t3.partial.natural": 1, "t3.partial.total": 1, "t3.carry_forward.total": 0, "t3.total.total": 15,
	}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	if n := r.Sources["t3.granted.research"].Note; !strings.Contains(n, "空白") {
		t.Errorf("blank PDF cell not noted: %q", n)
	}
	for _, f := range r.Findings {
		if f.Severity == report.SeverityError {
			t.Errorf("unexpected finding: %s", f.Message)
		}
	}
}

// TestCellPerLineBlankLines: a cell a line with no separators; an empty
// line is an empty cell.
func TestCellPerLineBlankLines(t *testing.T) {
	r := parseFixture(t, "cell-lines-blanks.txt")
	want := map[string]float64{"t3.new.natural": 3, "t3.new.commercial": 0, "t3.new.other_org": 0, "t3.new.total": 3, "t3.total.total": 3}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	if n := r.Sources["t3.new.legal"].Note; n == "" {
		t.Error("an empty line read as 0 carries no note")
	}
}

// TestTraditionalCopy: copies of reports converted to traditional
// characters read as their originals (the seed, converted character by
// character with the reader's own table, read back to the same cells).
func TestTraditionalCopy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	toTrad := map[rune]rune{}
	for trad, simp := range fold {
		if trad > 0x2e80 && simp > 0x2e80 {
			toTrad[simp] = trad
		}
	}
	trad := strings.Map(func(r rune) rune {
		if t, ok := toTrad[r]; ok {
			return t
		}
		return r
	}, string(b))
	if trad == string(b) {
		t.Fatal("conversion changed nothing")
	}
	want, _ := Text("seed", string(b), Meta{})
	got, err := Text("seed-trad", trad, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Year != want.Year || got.Edition != want.Edition {
		t.Errorf("traditional copy: year %d, edition %s; want %d, %s", got.Year, got.Edition, want.Year, want.Edition)
	}
	for _, d := range diffCells(want.Cells, got.Cells) {
		t.Errorf("traditional copy of the seed: %s", d)
	}
	// The seed's tables are all zeros; generated reports with numbers in
	// every table check that each value lands in its cell.
	for _, truth := range generate.Corpus(generate.Options{Seed: 11, Towns: []int{2}, FirstYear: 2020, LastYear: 2022}) {
		text := strings.Map(func(r rune) rune {
			if t, ok := toTrad[r]; ok {
				return t
			}
			return r
		}, string(generate.Render(truth, generate.LayoutRowPipe)))
		got, err := Text(truth.File, text, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{}
		for code, v := range truth.Cells {
			if d, ok := report.Lookup(code); ok && !d.Derived {
				want[code] = v
			}
		}
		for code := range got.Cells {
			if d, _ := report.Lookup(code); d.Derived {
				delete(got.Cells, code)
			}
		}
		for _, d := range diffCells(want, got.Cells) {
			t.Errorf("%s in traditional characters: %s", truth.File, d)
		}
	}
}

// TestPDFNumbersAboveLabel: pdftotext may print a tall row's numbers on the
// line above its label; they belong to that row, not the one before.
func TestPDFNumbersAboveLabel(t *testing.T) {
	r := parseFixture(t, "pdf-numbers-above.txt")
	want := map[string]float64{"t3.granted.natural": 9, "t3.granted.total": 10, "t3.partial.natural": 3, "t3.partial.total": 3, "t3.total.total": 15}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	if !strings.Contains(r.Sources["t3.partial.natural"].Note, "上方") {
		t.Errorf("moved numbers not noted: %+v", r.Sources["t3.partial.natural"])
	}
}

// TestTablesWithoutHeadings: tables pasted without their section headings
// are found by their first row labels and header cells.
func TestTablesWithoutHeadings(t *testing.T) {
	r := parseFixture(t, "no-headings.txt")
	want := map[string]float64{"t2.normative_docs.in_force": 3, "t2.licensing.decisions": 5, "t2.fees.amount": 0.5,
		"t3.new.total": 2, "t3.total.total": 2, "t4.reconsideration.upheld": 1, "t4.reconsideration.total": 1, "t4.litigation_after.total": 0}
	for code, v := range want {
		if got, ok := r.Cells[code]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", code, got, ok, v)
		}
	}
	if r.Edition != "2021" || r.Year != 2022 {
		t.Errorf("edition %s year %d", r.Edition, r.Year)
	}
}
