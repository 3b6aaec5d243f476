package ingest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"nianbao/report"
)

// classifyEager is Classify as it was before it counted sections and
// tables only when a rule needs them: the oracle of
// TestClassifyAsBefore.
func classifyEager(name, text string, r *report.Report) (Kind, string) {
	if k, why := ByName(name); k != "" {
		return k, why
	}
	text = traditional.Replace(text)
	flat := strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) || c == '\u3000' || c == '#' || c == '*' {
			return -1
		}
		return c
	}, text)
	title := titleOf(text)
	sections := 0
	for _, h := range headings {
		if strings.Contains(flat, h) {
			sections++
		}
	}
	n3, n4 := 0, 0
	for code := range r.Cells {
		switch {
		case strings.HasPrefix(code, "t3."):
			n3++
		case strings.HasPrefix(code, "t4."):
			n4++
		}
	}
	titled := strings.Contains(title, "年度报告") || strings.Contains(title, "年报")
	if strings.Contains(title, "解读") {
		return KindInterpretation, "标题是年报解读"
	}
	if r.Year > 0 && r.Year < 2019 && (titled || sections >= 2) {
		return KindPre2019, "报告年度早于 2019 年"
	}
	if len(r.Cells) < 10 && !titled && sections < 2 {
		return KindNotReport, "没有年度报告的标题和章节，只读到 " + strconv.Itoa(len(r.Cells)) + " 个数"
	}
	if n3 == 0 && n4 == 0 && !titled && sections < 2 {
		return KindNotReport, "没有表三、表四，也没有年度报告的标题"
	}
	if r.Edition == report.Edition2019 {
		return KindAnnual2019, ""
	}
	return KindAnnual2021, ""
}

// TestClassifyAsBefore: Classify gives every document the kind and the
// reason it gave when it counted everything first — generated national
// reports of every format, the shared corpus, and texts made to reach
// each rule (a traditional-character title, a 解读, a report before 2019,
// notes with a few figures, headings without a title).
func TestClassifyAsBefore(t *testing.T) {
	type doc struct {
		name, text string
		r          *report.Report
	}
	var docs []doc
	files := nationalFiles(t, 200)
	if dir := filepath.Join("..", "..", "shared", "corpus"); dirExists(dir) {
		more, err := CollectFiles([]string{dir})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	} else {
		t.Log("../shared/corpus absent: the generated reports and made texts only")
	}
	for _, res := range ParseAll(files, Meta{}) {
		for _, r := range res.Reports {
			docs = append(docs, doc{res.Path, r.Text, r})
		}
	}
	withCells := func(year, n int, codes ...string) *report.Report {
		r := report.New("x")
		r.Year = year
		for i := range n {
			r.Cells["t1.x"+strconv.Itoa(i)] = 1
		}
		for _, c := range codes {
			r.Cells[c] = 1
		}
		return r
	}
	made := []doc{
		{"a.txt", "\n  某县人民政府2022年政府信息公開工作年度報告\n正文", withCells(2022, 40, "t3.new.total")},
		{"b.txt", "关于2022年年报的解读\n", withCells(2022, 40)},
		{"c.txt", "总体情况\n主动公开政府信息情况\n", withCells(2017, 3)},
		{"d.txt", "说明\n本目录 3 个文件", withCells(0, 2)},
		{"e.txt", "说明\n", withCells(2022, 20)},
		{"f.txt", "说明\n總體情況\n收到和處理政府信息公開申請情況", withCells(2022, 20)},
		{"g.json", "{}", withCells(2022, 0)},
		{"h.txt", "", withCells(0, 0)},
		{"i.txt", "### 2018年度报告 ###", withCells(2018, 50, "t4.x")},
	}
	docs = append(docs, made...)
	kinds := map[Kind]int{}
	for _, d := range docs {
		k, why := Classify(d.name, d.text, d.r)
		wk, wwhy := classifyEager(d.name, d.text, d.r)
		if k != wk || why != wwhy {
			t.Errorf("%s: %s (%s), before %s (%s)", d.name, k, why, wk, wwhy)
		}
		kinds[k]++
	}
	if len(kinds) < 4 {
		t.Errorf("only kinds %v met: the rules are not all reached", kinds)
	}
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
