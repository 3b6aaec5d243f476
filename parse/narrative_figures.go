package parse

import (
	"strconv"
	"strings"

	"nianbao/report"
)

// statedFigure is a way the prose of section 一 (总体情况) states a figure
// of tables 2–4, and the cells (any of them, or a sum written a+b) the
// figure must equal (rule 6). Every match counts, not only the first:
// a report may state 办结 twice and get one of them wrong.
type statedFigure struct {
	re    *startRe
	cells []string
	// zero: the pattern states "none" (未发生行政复议); the figure is 0.
	zero bool
}

// Patterns take 件 or 起 after the number: 条 and 项 count items of
// information or kinds of matter (公开行政处罚信息125条, 行政许可事项12项),
// not the cells.
var statedFigures = []statedFigure{
	{re: mustStartRe(`(?:办结|答复|办理完毕)[\p{Han}]{0,6}?(?:共|合计)?([0-9]+)件`), cells: []string{"t3.total.total"}},
	{re: mustStartRe(`结转(?:至)?下一?年度?(?:继续办理)?(?:共)?([0-9]+)件`), cells: []string{"t3.carry_forward.total"}},
	{re: mustStartRe(`(?:予以公开|同意公开)(?:共)?([0-9]+)件`), cells: []string{"t3.granted.total"}},
	{re: mustStartRe(`部分公开(?:共)?([0-9]+)件`), cells: []string{"t3.partial.total"}},
	{re: mustStartRe(`行政复议(?:案件|申请)?(?:共|合计)?([0-9]+)[件起]`), cells: []string{"t4.reconsideration.total"}},
	{re: mustStartRe(`行政诉讼(?:案件)?(?:共|合计)?([0-9]+)[件起]`), cells: []string{"t4.litigation_direct.total+t4.litigation_after.total"}},
	{re: mustStartRe(`(?:未|没有|无)(?:发生|收到|出现|涉及|产生|有)[\p{Han}]{0,16}?行政复议`), cells: []string{"t4.reconsideration.total"}, zero: true},
	{re: mustStartRe(`(?:未|没有|无)(?:发生|收到|出现|涉及|产生|有)[\p{Han}]{0,16}?行政(?:复议[、和及与或])?(?:行政)?诉讼`), cells: []string{"t4.litigation_direct.total+t4.litigation_after.total"}, zero: true},
	{re: mustStartRe(`(?:制发|制定|印发|出台)[\p{Han}]{0,6}?规范性文件(?:共)?([0-9]+)件`), cells: []string{"t2.normative_docs.issued", "t2.normative_docs.made"}},
	{re: mustStartRe(`行政许可(?:处理)?(?:决定)?(?:共|合计)?([0-9]+)件`), cells: []string{"t2.licensing.decisions"}},
	{re: mustStartRe(`行政处罚(?:处理)?(?:决定)?(?:共|合计)?([0-9]+)件`), cells: []string{"t2.penalty.decisions"}},
	{re: mustStartRe(`行政强制(?:处理)?(?:决定)?(?:共|合计)?([0-9]+)件`), cells: []string{"t2.enforcement.decisions"}},
}

// readStatedFigures appends every figure of statedFigures the joined
// narrative states; line maps a byte of joined to its source line.
func readStatedFigures(joined string, line func(int) int) []report.NarrativeFigure {
	var out []report.NarrativeFigure
	// Asked once, not once per figure: the narrative may be long.
	counts := strings.Contains(joined, "件")
	for _, f := range statedFigures {
		if !counts && !f.zero {
			continue
		}
		for _, m := range f.re.FindAllStringSubmatchIndex(joined, -1) {
			v := 0
			if !f.zero {
				v, _ = strconv.Atoi(joined[m[2]:m[3]])
			}
			out = append(out, report.NarrativeFigure{Text: joined[m[0]:m[1]], Line: line(m[0]), Value: float64(v), Cells: f.cells})
		}
	}
	return out
}
