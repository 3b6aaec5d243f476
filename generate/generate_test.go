package generate

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/registry"
	"nianbao/report"
)

func sampleOptions(seed uint64) Options {
	return Options{Seed: seed, Counties: []string{"示范县", "样例县"}, Towns: []int{16, 6}}
}

func TestCorpusShape(t *testing.T) {
	reports := Corpus(sampleOptions(7))
	if got, want := len(reports), (16+6)*6; got != want {
		t.Fatalf("len(Corpus) = %d, want %d", got, want)
	}
	editions := map[string]int{}
	lateOld := 0
	for _, r := range reports {
		editions[r.Edition]++
		if !r.Synthetic || r.Agency == "" || r.County == "" {
			t.Errorf("%s: Synthetic=%v Agency=%q County=%q", r.File, r.Synthetic, r.Agency, r.County)
		}
		if r.Year >= 2021 && r.Edition == report.Edition2019 {
			lateOld++
		}
		if r.Year < 2021 && r.Edition != report.Edition2019 {
			t.Errorf("%s: edition %s for %d", r.File, r.Edition, r.Year)
		}
		// Every cell of the edition, and nothing else; the 2021 t3.other.*
		// is derived, not printed.
		want := map[string]bool{}
		for _, d := range report.Cells() {
			if d.Derived && r.Edition == report.Edition2021 {
				continue
			}
			for _, e := range d.Editions {
				if e == r.Edition {
					want[d.Code] = true
				}
			}
		}
		for c := range r.Cells {
			if !want[c] {
				t.Errorf("%s: unexpected cell %s", r.File, c)
			}
		}
		if len(r.Cells) != len(want) {
			t.Errorf("%s (edition %s): %d cells, want %d", r.File, r.Edition, len(r.Cells), len(want))
		}
	}
	if editions[report.Edition2019] == 0 || editions[report.Edition2021] == 0 || lateOld == 0 {
		t.Errorf("editions = %v, 2021+ reports in the 2019 edition = %d; want both editions and some late 2019 ones", editions, lateOld)
	}
}

func TestCellCounts(t *testing.T) {
	tests := []struct {
		edition      string
		t2, t3, t4   int
		otherPrinted bool
	}{
		{report.Edition2021, 10, 175, 15, false},
		{report.Edition2019, 22, 161, 15, true},
	}
	reports := Corpus(sampleOptions(3))
	for _, tc := range tests {
		for _, r := range reports {
			if r.Edition != tc.edition {
				continue
			}
			n := map[byte]int{}
			for c := range r.Cells {
				n[c[1]]++
			}
			if n['2'] != tc.t2 || n['3'] != tc.t3 || n['4'] != tc.t4 {
				t.Errorf("%s: tables 2/3/4 have %d/%d/%d cells, want %d/%d/%d", r.File, n['2'], n['3'], n['4'], tc.t2, tc.t3, tc.t4)
			}
			if r.Has("t3.other.total") != tc.otherPrinted {
				t.Errorf("%s: t3.other.total present = %v", r.File, !tc.otherPrinted)
			}
			break
		}
	}
}

func TestCorpusRules(t *testing.T) {
	reports := Corpus(sampleOptions(11))
	last := map[string]*report.Report{}
	broken := map[string]int{}
	for _, r := range reports {
		rule := BrokenRule(r)
		// The findings of a report are what Check says, all of one rule.
		c := report.New(r.File)
		c.Edition, c.Narrative = r.Edition, r.Narrative
		maps.Copy(c.Cells, r.Cells)
		report.Check(c)
		if len(c.Findings) != len(r.Findings) {
			t.Errorf("%s: %d findings recorded, Check gives %d", r.File, len(r.Findings), len(c.Findings))
		}
		for _, f := range c.Findings {
			if f.Rule != rule {
				t.Errorf("%s: broken in %s but also breaks %s: %s", r.File, rule, f.Rule, f.Message)
			}
		}
		if rule != "" {
			broken[rule]++
		}
		key := r.County + "/" + r.Agency
		if p := last[key]; p != nil && AssessmentCase(r) != "cross_year" {
			for _, col := range report.T3Columns {
				if got, want := r.Cells["t3.carried_over."+col], p.Cells["t3.carry_forward."+col]; got != want {
					t.Errorf("%s: carried_over.%s = %v, last year's carry_forward %v", r.File, col, got, want)
				}
			}
			if p.Edition == report.Edition2021 && r.Edition == report.Edition2021 {
				got := r.Cells["t2.normative_docs.in_force"]
				want := p.Cells["t2.normative_docs.in_force"] + r.Cells["t2.normative_docs.issued"] - r.Cells["t2.normative_docs.abolished"]
				if got != want {
					t.Errorf("%s: in_force = %v, want %v", r.File, got, want)
				}
			}
		}
		last[key] = r
	}
	total := 0
	for _, n := range broken {
		total += n
	}
	if total < len(reports)/24 || total > len(reports)/6 {
		t.Errorf("%d of %d reports broken (%v); want about one in twelve", total, len(reports), broken)
	}
	if len(broken) < 4 {
		t.Errorf("broken rules %v; want at least four kinds", broken)
	}
}

func TestNegativeOnlyInChange(t *testing.T) {
	for _, r := range Corpus(sampleOptions(5)) {
		for c, v := range r.Cells {
			if v < 0 && !strings.HasSuffix(c, ".change") {
				t.Errorf("%s: %s = %v", r.File, c, v)
			}
		}
	}
}

func TestSharedTownName(t *testing.T) {
	reports := Corpus(sampleOptions(9))
	counties := map[string]map[string]bool{}
	for _, r := range reports {
		if counties[r.Agency] == nil {
			counties[r.Agency] = map[string]bool{}
		}
		counties[r.Agency][r.County] = true
	}
	shared := 0
	for _, cs := range counties {
		if len(cs) > 1 {
			shared++
		}
	}
	if shared != 1 {
		t.Errorf("%d town names in both counties, want 1", shared)
	}
}

func TestRenderEveryLayout(t *testing.T) {
	reports := Corpus(Options{Seed: 4, Towns: []int{2}})
	sections := []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
		"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}
	for _, l := range Layouts() {
		for _, r := range reports {
			text := string(Render(r, l))
			lines := strings.Split(text, "\n")
			var nonBlank []string
			for _, s := range lines {
				if s = strings.TrimSpace(s); s != "" {
					nonBlank = append(nonBlank, s)
				}
			}
			title := r.Agency + itoa(r.Year) + "年政府信息公开工作年度报告"
			if nonBlank[0] != r.County+body(r.Agency) || nonBlank[1] != title || nonBlank[2] != report.SyntheticMarker {
				t.Errorf("%s %s: opening lines %q", l, r.File, nonBlank[:3])
			}
			at := 0
			for _, s := range sections {
				j := indexLine(lines, s, at)
				if j < 0 {
					t.Errorf("%s %s: section %s missing or out of order", l, r.File, s)
					break
				}
				at = j
			}
			stated := "全年共收到政府信息公开申请" + fmtNum(statedApplications(r)) + "件"
			if !strings.Contains(text, stated) && !strings.Contains(text, "未收到政府信息公开申请") {
				t.Errorf("%s %s: narrative lacks %q", l, r.File, stated)
			}
			if !strings.Contains(text, itoa(r.Year)+"年，"+r.County+r.Agency) {
				t.Errorf("%s %s: narrative does not name county, agency and year", l, r.File)
			}
		}
	}
}

func itoa(n int) string { return fmtNum(float64(n)) }

// indexLine finds the first line from index from whose trimmed text is s.
func indexLine(lines []string, s string, from int) int {
	for i := from; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == s {
			return i
		}
	}
	return -1
}

func TestRenderTable3Row(t *testing.T) {
	r := report.New("x")
	r.Agency, r.County, r.Year, r.Edition = "青石镇", "示范县", 2022, report.Edition2021
	vals := map[string]float64{"natural": 1234, "commercial": 0, "research": 0, "social": 0, "legal": 2, "other_org": 0, "total": 1236}
	for c, v := range vals {
		r.Cells["t3.new."+c] = v
	}
	r.Cells["t2.fees.amount"] = 12.5
	tests := []struct {
		layout Layout
		want   []string
	}{
		{LayoutCellPipe, []string{"一、本年新收政府信息公开申请数量 |\n1234 |\n0 |\n0 |\n0 |\n2 |\n0 |\n1236 |\n||\n", "行政事业性收费 |\n12.5 |\n||\n"}},
		{LayoutCellBars, []string{"一、本年新收政府信息公开申请数量\n|\n1234\n|\n0\n|\n0\n|\n0\n|\n2\n|\n0\n|\n1236\n|\n|||\n"}},
		{LayoutRowPipe, []string{"\n一、本年新收政府信息公开申请数量 | 1234 | 0 | 0 | 0 | 2 | 0 | 1236 | ||\n", "\n第二十条第(一)项 | |||\n"}},
		{LayoutLeadingPipe, []string{"\n| 一、本年新收政府信息公开申请数量 | 1234 | 0 | 0 | 0 | 2 | 0 | 1236 | ||\n", "\n| 规章 | 0 | 0 | 0 | \n"}},
		{LayoutRunTogether, []string{"\n    一、本年新收政府信息公开申请数量1234000201236\n", "\n    规章000\n", "\n    行政事业性收费12.5\n"}},
		{LayoutPDF, []string{"\n一、本年新收政府信息公开申请数量 1234 0 0 0 2 0 1236\n", "\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "\n结果\n维持\n"}},
		{LayoutFullWidth, []string{"\n１,２３４ |\n", "\n１,２３６ |\n", "\n１２.５ |\n"}},
		{LayoutBlankLines, []string{"\n\n一、本年新收政府信息公开申请数量\n\n1234\n\n0\n\n"}},
	}
	for _, tc := range tests {
		text := string(Render(r, tc.layout))
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q", tc.layout, w)
			}
		}
	}
}

func TestRunTogetherFallsBackToSpaces(t *testing.T) {
	// A row is glued when its digits split back one way only, by the
	// width alone or with the row's own sum.
	tests := []struct {
		vals []float64
		rule func([]float64) bool
		glue bool
	}{
		{[]float64{0, 0, 0}, nil, true},
		{[]float64{1, 2, 0}, nil, true},
		{[]float64{12, 0, 0}, nil, false}, // 1200: 1|20|0 or 12|0|0
		{[]float64{3, 12.5}, nil, false},  // 312.5: 3|12.5 or 31|2.5
		{[]float64{0, 12.5}, nil, true},   // 012.5: only 0|12.5
		{[]float64{5, 1, 0, 0, 0, 1, 7}, rowSum, true},
		{[]float64{5, 1, 0, 0, 0, 1, 8}, rowSum, true},    // seven digits for seven cells
		{[]float64{15, 1, 0, 0, 0, 1, 17}, rowSum, false}, // 1|5|10|0|0|1|17 adds up too
		{[]float64{12, 0, 0, 0, 0, 3, 15}, rowSum, true},
		{[]float64{15, 1, 0, 0, 0, 1, 18}, rowSum, false}, // broken row: the sum cannot help
		{[]float64{12, 0, 0, 0, 0, 3, 15}, nil, false},
		{[]float64{12, -3, 450}, nil, false},
	}
	for _, tc := range tests {
		var s []string
		for _, v := range tc.vals {
			s = append(s, fmtNum(v))
		}
		if got := gluable(s, tc.vals, tc.rule); got != tc.glue {
			t.Errorf("gluable(%v) = %v, want %v", tc.vals, got, tc.glue)
		}
	}
}

func TestValidNum(t *testing.T) {
	tests := map[string]bool{"0": true, "12": true, "-3": true, "12.5": true, "0.092": true,
		"05": false, "-0": false, "1.": false, ".5": false, "-": false, "1-2": false, "": false}
	for s, want := range tests {
		if got := validNum(s); got != want {
			t.Errorf("validNum(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFullWidth(t *testing.T) {
	tests := map[float64]string{0: "０", 1234: "１,２３４", 1234567: "１,２３４,５６７", 12.5: "１２.５", -3: "-３", 999: "９９９"}
	for v, want := range tests {
		if got := fullWidth(v); got != want {
			t.Errorf("fullWidth(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	write := func() string {
		dir := t.TempDir()
		if _, err := WriteCorpus(dir, Options{Seed: 42, Counties: []string{"示范县", "样例县"}, Towns: []int{5, 2}, FirstYear: 2020, LastYear: 2022}, nil); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	a, b := write(), write()
	var files int
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("%s only in the first run", rel)
		} else if !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != (5+2)*3+1 {
		t.Errorf("%d files written, want %d", files, (5+2)*3+1)
	}
	other := Corpus(Options{Seed: 43, Towns: []int{5}, FirstYear: 2020, LastYear: 2022})
	same := Corpus(Options{Seed: 42, Towns: []int{5}, FirstYear: 2020, LastYear: 2022})
	if maps.Equal(other[0].Cells, same[0].Cells) && other[0].Agency == same[0].Agency {
		t.Errorf("seeds 42 and 43 gave the same first report")
	}
}

func TestDocumentsRotateLayouts(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Documents(sampleOptions(1), nil) {
		seen[string(d.Layout)+"/"+d.Report.Edition] = true
	}
	for _, l := range Layouts() {
		for _, e := range []string{report.Edition2019, report.Edition2021} {
			if !seen[string(l)+"/"+e] {
				t.Errorf("no %s report in layout %s", e, l)
			}
		}
	}
}

// sampleFolderOptions are the options of the command that
// data/sample/README.md gives to regenerate the sample.
func sampleFolderOptions(t *testing.T) Options {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	opts, err := SampleOptions(reg)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

func TestSampleUpToDate(t *testing.T) {
	dir := filepath.Join("..", "data", "sample")
	if _, err := os.Stat(filepath.Join(dir, "truth.json")); err != nil {
		t.Skipf("no sample corpus at %s: %v", dir, err)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "generate --seed 2024 --out data/sample --places 资阳市:乐至县,雁江区,安岳县 --years 2022-2024 --missing-every 8 --departments 6") {
		t.Error("README.md no longer gives the command this test checks")
	}
	fresh := t.TempDir()
	truth, err := WriteCorpus(fresh, sampleFolderOptions(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"truth.json"}
	for _, e := range truth {
		names = append(names, e.File)
	}
	for _, name := range names {
		want, _ := os.ReadFile(filepath.Join(fresh, filepath.FromSlash(name)))
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("data/sample/%s is not what the generator makes now; regenerate it with the command in data/sample/README.md", name)
		}
	}
}
