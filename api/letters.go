package api

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/report"
)

// letterPage is portrait A4 with the margins of official documents
// (GB/T 9704: 37 mm top, 28 mm left, 26 mm right, 35 mm bottom).
const letterPage = `<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>`

// docxWriter writes the paragraphs and plain tables of a letter.
type docxWriter struct{ b strings.Builder }

func (w *docxWriter) para(text string, bold bool, size int, center bool) {
	w.b.WriteString(`<w:p><w:pPr><w:spacing w:before="120" w:after="120"/>`)
	if center {
		w.b.WriteString(`<w:jc w:val="center"/>`)
	}
	w.b.WriteString(`</w:pPr><w:r><w:rPr><w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="SimSun"/>`)
	if bold {
		w.b.WriteString(`<w:b/>`)
	}
	fmt.Fprintf(&w.b, `<w:sz w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, size, esc(text))
}

func (w *docxWriter) title(text string)   { w.para(text, true, 36, true) }
func (w *docxWriter) heading(text string) { w.para(text, true, 28, false) }
func (w *docxWriter) text(text string)    { w.para(text, false, 24, false) }

// table writes a bordered table, the first row bold as its header;
// widths are relative.
func (w *docxWriter) table(widths []float64, head []string, rows [][]string) {
	const page = 8844 // twips across portrait A4 inside the margins
	total := 0.0
	for _, x := range widths {
		total += x
	}
	w.b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&w.b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	w.b.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	tw := make([]int, len(widths))
	for i, x := range widths {
		tw[i] = int(page * x / total)
		fmt.Fprintf(&w.b, `<w:gridCol w:w="%d"/>`, tw[i])
	}
	w.b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, bold bool) {
		w.b.WriteString(`<w:tr>`)
		if bold {
			w.b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i, c := range cells {
			fmt.Fprintf(&w.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr>`, tw[i])
			if bold {
				w.b.WriteString(`<w:b/>`)
			}
			fmt.Fprintf(&w.b, `<w:sz w:val="20"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p></w:tc>`, esc(c))
		}
		w.b.WriteString(`</w:tr>`)
	}
	row(head, true)
	for _, r := range rows {
		row(r, false)
	}
	w.b.WriteString(`</w:tbl>`)
}

func (w *docxWriter) docx() ([]byte, error) { return docxPackage(w.b.String(), letterPage) }

// EvidenceText is one line of evidence as a letter prints it.
func EvidenceText(e assess.Evidence) string {
	var parts []string
	if e.ReportID != 0 {
		parts = append(parts, fmt.Sprintf("报告编号 %d", e.ReportID))
	}
	if e.Cell != "" {
		cell := "单元格 " + e.Cell
		if e.CellLabel != "" && e.CellLabel != e.Cell {
			cell += "（" + e.CellLabel + "）"
		}
		parts = append(parts, cell)
	}
	switch {
	case e.Page > 0 && e.Line > 0:
		parts = append(parts, fmt.Sprintf("第%d页第%d行", e.Page, e.Line))
	case e.Line > 0:
		parts = append(parts, fmt.Sprintf("第%d行", e.Line))
	case e.Page > 0:
		parts = append(parts, fmt.Sprintf("第%d页", e.Page))
	}
	if e.Excerpt != "" {
		parts = append(parts, "原文“"+e.Excerpt+"”")
	}
	if e.Deadline != "" {
		parts = append(parts, fmt.Sprintf("发布日期 %s，期限 %s", e.PublishedOn, e.Deadline))
	}
	if len(parts) == 0 {
		return e.Text
	}
	return strings.Join(parts, "，")
}

// actionDays is how long a body has to put a deduction right: what it
// can fix now (publish, correct a number or a form) in 30 days, a
// rewrite in 90, the handling of cases that were corrected in 180.
func actionDays(rule string) (int, string) {
	switch rule {
	case assess.RuleNotFiled, report.RuleLate:
		return 30, "立即在政府信息公开专栏发布年度报告，并说明逾期原因"
	case report.RuleCopyPrevious, report.RuleCopyPeer:
		return 90, "据实重写雷同部分，重新发布并在下一年度报告中如实撰写"
	case assess.RuleCorrected:
		return 180, "逐案分析被纠错原因，完善依申请公开办理流程和答复文书"
	}
	return 30, "核对原始台账，更正数据或格式后重新发布"
}

// agencyLetter is one body's 年报评估意见, or 整改通知书 when an item failed.
func agencyLetter(a *assess.Assessment, s assess.AgencyScore, prev *assess.AgencyScore, issued time.Time) ([]byte, error) {
	kind := "年报评估意见"
	for _, it := range s.Items {
		if it.Verdict == assess.VerdictFail {
			kind = "整改通知书"
		}
	}
	var w docxWriter
	w.title(fmt.Sprintf("%s%d年度政府信息公开工作年度报告%s", s.Agency, a.Year, kind))
	w.text(s.Agency + "：")
	w.text(fmt.Sprintf("依据《%s》（%s），对你单位%d年度政府信息公开工作年度报告评估如下。得分 %s 分，评级：%s，在%s %d 个应报送机关中排第 %d 名。",
		a.Sheet, schemeVersion(a), a.Year, num(s.Score), s.Rating.Label, a.County, a.Bodies, s.Rank))
	w.heading("一、评估结论")
	var rows [][]string
	for _, it := range s.Items {
		pts := ""
		if it.Points > 0 {
			pts = num(it.Points)
		}
		rows = append(rows, []string{it.Name, it.Area, it.VerdictLabel, pts, it.Note})
	}
	w.table([]float64{4, 2, 1.3, 1, 4}, []string{"评估项", "领域", "结论", "扣分", "说明"}, rows)
	w.heading("二、扣分及依据")
	if len(s.Deductions) == 0 {
		w.text("无扣分项。")
	}
	for i, d := range s.Deductions {
		w.text(fmt.Sprintf("%d. %s，扣 %s 分。%s", i+1, d.RuleName, num(d.Points), d.Reason))
		for _, e := range d.Evidence {
			w.text("    依据：" + EvidenceText(e))
		}
	}
	w.heading("三、与上年对比")
	cur := []string{num(s.Score), fmt.Sprint(len(s.Deductions)), timeliness(s)}
	last := []string{"—", "—", "—"}
	if prev != nil {
		last = []string{num(prev.Score), fmt.Sprint(len(prev.Deductions)), timeliness(*prev)}
	}
	w.table([]float64{3, 3, 3}, []string{"项目", fmt.Sprintf("%d年度", a.Year), fmt.Sprintf("%d年度", a.Year-1)},
		[][]string{{"得分", cur[0], last[0]}, {"扣分项数", cur[1], last[1]}, {"发布时效", cur[2], last[2]}})
	w.heading("四、整改事项")
	if len(s.Deductions) == 0 {
		w.text("无需整改。请保持。")
	} else {
		var acts [][]string
		for i, d := range s.Deductions {
			days, what := actionDays(d.Rule)
			acts = append(acts, []string{fmt.Sprint(i + 1), d.RuleName, what, s.Agency, fmt.Sprintf("%d天内（%s前）", days, issued.AddDate(0, 0, days).Format("2006年1月2日"))})
		}
		w.table([]float64{0.7, 3, 4.5, 2.5, 2.5}, []string{"序号", "问题", "整改措施", "责任单位", "完成期限"}, acts)
		w.text("请按期完成整改，并将整改情况书面报送本级政务公开工作主管部门。")
	}
	w.text(fmt.Sprintf("评分表：%s；SHA-256：%s；%s。", a.Sheet, a.SheetSHA, a.SheetSource))
	w.para(issued.Format("2006年1月2日"), false, 24, false)
	return w.docx()
}

func schemeVersion(a *assess.Assessment) string {
	if a.SchemeVersion != "" {
		return a.SchemeVersion + " 版"
	}
	return "SHA-256 " + short(a.SheetSHA)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func timeliness(s assess.AgencyScore) string {
	switch {
	case !s.Filed:
		return "未报送"
	case s.DaysLate == nil:
		return "发布日期不明"
	case *s.DaysLate > 0:
		return fmt.Sprintf("逾期%d天", *s.DaysLate)
	}
	return "按时"
}

// countyNotice is the county's 通报: the ranking, filing and lateness,
// the typical problems with an example each, the bodies to rectify.
func countyNotice(a *assess.Assessment, issued time.Time) ([]byte, error) {
	var w docxWriter
	w.title(fmt.Sprintf("关于%s%d年度政府信息公开工作年度报告评估情况的通报", a.County, a.Year))
	onTime := a.Filed - a.Late
	w.text(fmt.Sprintf("依据《%s》（%s），对%s %d 个应报送机关的%d年度报告进行了评估。报送率 %s，按时发布 %s，逾期 %d 个，未收录 %d 个，经核实未发布 %d 个。",
		a.Sheet, schemeVersion(a), a.County, a.Bodies, a.Year, query.Fraction(a.Filed, a.Bodies), query.Fraction(onTime, a.Bodies), a.Late, a.Missing, a.Unpublished))
	if a.Composite != nil {
		w.text(fmt.Sprintf("综合得分 %s 分。", num(*a.Composite)))
	}
	for _, ar := range a.Areas {
		if ar.NotAssessable {
			w.text(fmt.Sprintf("方案中“%s”（%s分）无法从年度报告评估，未计入本通报的得分：%s", ar.Name, num(ar.Weight), ar.Note))
		}
	}
	w.heading("一、排名")
	var rows [][]string
	for _, s := range a.Agencies {
		rows = append(rows, []string{fmt.Sprint(s.Rank), s.Agency, s.LevelLabel, num(s.Score), s.Rating.Label, timeliness(s)})
	}
	w.table([]float64{1, 5, 2, 1.3, 2, 2}, []string{"排名", "机关", "层级", "得分", "评级", "发布时效"}, rows)
	w.heading("二、典型问题")
	type problem struct {
		name    string
		bodies  int
		example string
	}
	byRule := map[string]*problem{}
	var order []string
	for _, s := range a.Agencies {
		seen := map[string]bool{}
		for _, d := range s.Deductions {
			p := byRule[d.Rule]
			if p == nil {
				p = &problem{name: d.RuleName, example: s.Agency + "：" + d.Reason}
				if len(d.Evidence) > 0 {
					p.example += "（" + EvidenceText(d.Evidence[0]) + "）"
				}
				byRule[d.Rule] = p
				order = append(order, d.Rule)
			}
			if !seen[d.Rule] {
				p.bodies++
				seen[d.Rule] = true
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return byRule[order[i]].bodies > byRule[order[j]].bodies })
	if len(order) == 0 {
		w.text("未发现问题。")
	}
	for i, r := range order {
		p := byRule[r]
		w.text(fmt.Sprintf("%d. %s：%s。例如%s", i+1, p.name, query.Fraction(p.bodies, a.Bodies), p.example))
	}
	w.heading("三、需整改的机关")
	var fix [][]string
	for _, s := range a.Agencies {
		var failed []string
		for _, it := range s.Items {
			if it.Verdict == assess.VerdictFail {
				failed = append(failed, it.Name)
			}
		}
		if len(failed) > 0 {
			fix = append(fix, []string{s.Agency, num(s.Score), strings.Join(failed, "；")})
		}
	}
	if len(fix) == 0 {
		w.text("无。")
	} else {
		w.table([]float64{4, 1.3, 7}, []string{"机关", "得分", "不通过的评估项"}, fix)
		w.text("以上机关请于收到整改通知书之日起按所列期限完成整改。")
	}
	w.para(issued.Format("2006年1月2日"), false, 24, false)
	return w.docx()
}

// AssessmentLetters is the zip of a county's letters: its 通报 first,
// then one DOCX per body in ranking order. prev is last year's
// assessment under the same sheet (nil when there is none), for the
// this-year/last-year table.
func AssessmentLetters(a, prev *assess.Assessment, issued time.Time) ([]byte, error) {
	last := map[string]*assess.AgencyScore{}
	if prev != nil {
		for i := range prev.Agencies {
			last[agencyKey(prev.Agencies[i])] = &prev.Agencies[i]
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, body []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: issued})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}
	notice, err := countyNotice(a, issued)
	if err != nil {
		return nil, err
	}
	if err := put(fileSafe(fmt.Sprintf("00-%s%d年度年报评估通报.docx", a.County, a.Year)), notice); err != nil {
		return nil, fmt.Errorf("letters zip: %w", err)
	}
	for i, s := range a.Agencies {
		body, err := agencyLetter(a, s, last[agencyKey(s)], issued)
		if err != nil {
			return nil, err
		}
		if err := put(fileSafe(fmt.Sprintf("%02d-%s.docx", i+1, s.Agency)), body); err != nil {
			return nil, fmt.Errorf("letters zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("letters zip: %w", err)
	}
	return buf.Bytes(), nil
}

func agencyKey(s assess.AgencyScore) string {
	if s.AgencyID != "" {
		return s.AgencyID
	}
	return s.Agency
}

func num(v float64) string { return fmt.Sprint(roundTo(v, 1)) }

func (h *handler) assessmentLetters(c *gin.Context) {
	county, year, ok := h.countyYear(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	sheet, ok := h.schemeOrSheet(c, county)
	if !ok {
		return
	}
	a, err := assess.Assess(ctx, h.st, county, year, sheet)
	if err != nil {
		h.registryError(c, err)
		return
	}
	if a.Bodies == 0 {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("登记册中%s没有应报送年报的机关", county))
		return
	}
	// Last year under the same sheet; a county without last year's
	// bodies shows "—" in the comparison rather than failing the letters.
	prev, err := assess.Assess(ctx, h.st, county, year-1, sheet)
	if err != nil {
		h.log.Warn("letters: last year", "county", county, "year", year-1, "err", err)
		prev = nil
	}
	body, err := AssessmentLetters(a, prev, report.Today())
	h.file(c, fmt.Sprintf("%s%d年度年报评估文书.zip", a.County, year), body, err)
}

// RemindersAnswer is GET /api/v1/assessment/reminders: the 催报 list.
type RemindersAnswer struct {
	*assess.Reminders
}

// Tables is the list for CSV and XLSX.
func (r RemindersAnswer) Tables() []query.Table {
	t := query.Table{Title: "催报名单", Columns: []string{"县（市、区）", "机关", "层级", "情况", "发布期限", "距期限天数"}}
	for _, b := range r.Bodies {
		t.Rows = append(t.Rows, []any{b.County, b.Agency, b.Level, b.Status, b.Deadline, b.DaysLeft})
	}
	return []query.Table{t}
}

func daysLeftText(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("还剩%d天", n)
	case n == 0:
		return "今天截止"
	}
	return fmt.Sprintf("已逾期%d天", -n)
}

// ReminderNotice is the printable 催报通知 (DOCX): the bodies that have
// not published, by county, with their deadline and the days left.
func ReminderNotice(r *assess.Reminders) ([]byte, error) {
	var w docxWriter
	w.title(fmt.Sprintf("关于抓紧发布%d年度政府信息公开工作年度报告的通知", r.Year))
	w.text(fmt.Sprintf("截至%s，%s应发布%d年度政府信息公开工作年度报告的 %d 个机关中，已发布 %s，以下 %d 个机关尚未发布。请在期限前于本机关政府信息公开专栏发布，并报送本级政务公开工作主管部门。",
		r.Today, r.Place, r.Year, r.Expected, query.Fraction(r.Filed, r.Expected), len(r.Bodies)))
	var rows [][]string
	for i, b := range r.Bodies {
		rows = append(rows, []string{fmt.Sprint(i + 1), b.County, b.Agency, b.Level, b.Deadline, daysLeftText(b.DaysLeft)})
	}
	if len(rows) == 0 {
		w.text("所有机关均已发布。")
	} else {
		w.table([]float64{0.7, 2.5, 5, 2, 2, 2}, []string{"序号", "县（市、区）", "机关", "层级", "发布期限", "距期限"}, rows)
	}
	return w.docx()
}

func (h *handler) assessmentReminders(c *gin.Context) {
	place, year, ok := h.countyYear(c)
	if !ok {
		return
	}
	format := c.Query("format")
	switch format {
	case "", "json", "csv", "xlsx", "docx":
	default:
		h.error(c, &query.InputError{Field: "format", Message: fmt.Sprintf("未知的格式 %q", format), Valid: []string{"json", "csv", "xlsx", "docx"}})
		return
	}
	sheet, ok := h.schemeOrSheet(c, place)
	if !ok {
		return
	}
	r, err := assess.ReminderList(c.Request.Context(), h.st, place, year, sheet, report.Today())
	if err != nil {
		h.registryError(c, err)
		return
	}
	name := fmt.Sprintf("%s%d年度年报催报名单", r.Place, year)
	if format == "docx" {
		body, err := ReminderNotice(r)
		h.file(c, name+".docx", body, err)
		return
	}
	h.export(c, format, name, RemindersAnswer{r})
}
