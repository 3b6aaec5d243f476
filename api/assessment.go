package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/assess"
	"nianbao/internal/cellsafe"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/report"
)

// RulesAnswer is GET /api/v1/rules: every check, from report.Rules, with
// the deduction of the default score sheet.
type RulesAnswer struct {
	Rules []report.Rule `json:"rules"`
}

// Tables renders the rules for CSV and XLSX.
func (a RulesAnswer) Tables() []query.Table {
	t := query.Table{Title: "检查规则", Columns: []string{"代码", "名称", "检查内容及理由", "级别", "默认扣分", "范围"}}
	for _, r := range a.Rules {
		t.Rows = append(t.Rows, []any{r.Code, r.Name, r.Checks, report.SeverityLabels[r.Severity], r.Deduction, r.Scope})
	}
	return []query.Table{t}
}

func (h *handler) rules(c *gin.Context) {
	sheet, err := assess.ServerSheet(h.st)
	if err != nil {
		h.error(c, err)
		return
	}
	out := RulesAnswer{Rules: make([]report.Rule, len(report.Rules))}
	for i, r := range report.Rules {
		r.Deduction = sheet.Deduction(r.Code)
		out.Rules[i] = r
	}
	h.export(c, c.Query("format"), "检查规则", out)
}

// AssessmentAnswer is GET /api/v1/assessment: the score sheet of a county's
// year, with the assessor's metrics per agency and for the county.
type AssessmentAnswer struct {
	*assess.Assessment
	Metrics       []query.AssessmentMetric `json:"metrics"`
	CountyMetrics *query.AssessmentMetric  `json:"county_metrics"`
}

// countyYear reads ?county= and ?year= of the assessment's requests.
func (h *handler) countyYear(c *gin.Context) (string, int, bool) {
	county := strings.TrimSpace(c.Query("county"))
	year, err := strconv.Atoi(c.Query("year"))
	if county == "" || err != nil || year < 1990 || year > 2100 {
		field := "year"
		if county == "" {
			field = "county"
		}
		h.error(c, &query.InputError{Field: field, Message: "请给出县和年度，例如 ?county=乐至县&year=2024"})
		return "", 0, false
	}
	return county, year, true
}

func (h *handler) assessment(c *gin.Context) {
	county, year, ok := h.countyYear(c)
	if !ok {
		return
	}
	format, ok := h.exportFormat(c)
	if !ok {
		return
	}
	sheet, ok := h.schemeOrSheet(c, county)
	if !ok {
		return
	}
	out, err := h.countyAssessment(c.Request.Context(), county, year, sheet)
	if errors.Is(err, errNoBodies) {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("登记册中%s没有应报送年报的机关", county))
		return
	}
	if err != nil {
		h.registryError(c, err)
		return
	}
	a := out.Assessment
	name := fmt.Sprintf("%s%d年度政府信息公开年报评分表", a.County, year)
	switch format {
	case "csv":
		h.export(c, "csv", name, out) // one table per CSV: the score sheet, or table=2, 3
	case "xlsx":
		body, err := ScoreSheetXLSX(out, BaseURL(c))
		h.file(c, name+".xlsx", body, err)
	default:
		h.answer(c, out)
	}
}

// SchemesAnswer is GET /api/v1/schemes: the shipped scheme packs.
type SchemesAnswer struct {
	Schemes []assess.SchemeInfo `json:"schemes"`
}

func (h *handler) schemes(c *gin.Context) {
	h.answer(c, SchemesAnswer{Schemes: assess.Schemes()})
}

// schemeText is GET /api/v1/schemes/:id: the pack's YAML, to store as a
// county's or city's sheet.
func (h *handler) schemeText(c *gin.Context) {
	b, ok := assess.SchemeText(c.Param("id"))
	if !ok {
		h.fail(c, http.StatusNotFound, "not_found", (&assess.UnknownSchemeError{ID: c.Param("id")}).Error())
		return
	}
	h.write(c, "application/yaml; charset=utf-8", b)
}

// schemeOrSheet is the sheet of ?scheme=, else the county's own.
func (h *handler) schemeOrSheet(c *gin.Context, county string) (*assess.Sheet, bool) {
	sheet, err := assess.SchemeOrSheet(c.Request.Context(), h.st, county, strings.TrimSpace(c.Query("scheme")))
	var unknown *assess.UnknownSchemeError
	if errors.As(err, &unknown) {
		var valid []string
		for _, s := range assess.Schemes() {
			valid = append(valid, s.ID)
		}
		h.error(c, &query.InputError{Field: "scheme", Message: unknown.Error(), Valid: valid})
		return nil, false
	}
	if err != nil {
		h.error(c, err)
		return nil, false
	}
	return sheet, true
}

func pctOf(p *float64) any {
	if p == nil {
		return nil
	}
	return roundTo(*p*100, 1)
}

func roundTo(v float64, digits int) float64 {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// daysLate is the 逾期天数 cell: the days after the deadline (a number,
// so the column sorts), or for an early report 提前N天 — never a negative
// number a reader must decode.
func daysLate(d *int) any {
	switch {
	case d == nil:
		return nil
	case *d < 0:
		return fmt.Sprintf("提前%d天", -*d)
	}
	return *d
}

// Tables are the score sheet (one row per agency), the deductions and the
// county's summary, with Chinese headers.
func (a AssessmentAnswer) Tables() []query.Table {
	metrics := map[string]query.AssessmentMetric{}
	for _, m := range a.Metrics {
		metrics[m.Group] = m
	}
	score := query.Table{Title: "评分表", Columns: []string{"排名", "机关", "层级", "是否报送", "是否抽查", "逾期天数", "得分", "评级", "扣分项数", "扣分合计",
		"实质公开率（%）", "复议纠错率（%）", "每百件办结的复议诉讼数", "每百件办结的纠错数", "程序性办结占比（%）", "结转下年度（件）"}}
	ded := query.Table{Title: "扣分明细", Columns: []string{"机关", "规则代码", "规则", "扣分", "原因", "报告编号", "问题序号"}}
	for _, s := range a.Agencies {
		total := 0.0
		for _, d := range s.Deductions {
			total += d.Points
			var seq any
			if d.Seq >= 0 {
				seq = d.Seq
			}
			var id any
			if d.ReportID != 0 {
				id = d.ReportID
			}
			ded.Rows = append(ded.Rows, []any{s.Agency, d.Rule, d.RuleName, d.Points, d.Reason, id, seq})
		}
		m := metrics[s.Agency]
		score.Rows = append(score.Rows, []any{s.Rank, s.Agency, s.LevelLabel, yesNo(s.Filed), yesNo(s.Sampled), daysLate(s.DaysLate), s.Score, s.Rating.Label,
			len(s.Deductions), roundTo(total, 1), pctOf(m.SubstantiveDisclosure), pctOf(m.ReconsiderationCorrected), orRound(m.DisputesPer100),
			orRound(m.CorrectionsPer100), pctOf(m.Procedural), m.Backlog})
	}
	sum := query.Table{Title: "汇总", Columns: []string{"项目", "数值"}}
	sum.Rows = append(sum.Rows, []any{"评分表", a.Sheet}, []any{"评分表 SHA-256", a.SheetSHA}, []any{"评分表来源", a.SheetSource}, []any{"县（市、区）", a.County}, []any{"年度", a.Year},
		[]any{"应报送机关数", a.Bodies}, []any{"已报送机关数", a.Filed}, []any{"逾期报送机关数", a.Late},
		[]any{"未收录机关数", a.Missing}, []any{"经核实未发布机关数", a.Unpublished}, []any{"报送率（%）", pctOf(a.FilingRate)},
		[]any{"按时发布率（%）", pctOf(a.OnTimeRate)})
	for _, lvl := range []string{assess.LevelCounty, assess.LevelDepartment, assess.LevelTown} {
		if m, ok := a.LevelMeans[lvl]; ok {
			sum.Rows = append(sum.Rows, []any{assess.LevelLabels[lvl] + "平均分", m})
		}
	}
	if m, ok := a.LevelMeans[assess.LevelUnits]; ok {
		sum.Rows = append(sum.Rows, []any{assess.LevelUnitsLabel + "合计平均分", m})
	}
	sum.Rows = append(sum.Rows, []any{"综合得分（按层级加权）", orNil(a.Composite)})
	if m := a.CountyMetrics; m != nil {
		sum.Rows = append(sum.Rows, []any{"实质公开率（%）", pctOf(m.SubstantiveDisclosure)}, []any{"复议纠错率（%）", pctOf(m.ReconsiderationCorrected)},
			[]any{"每百件办结的复议诉讼数", orRound(m.DisputesPer100)}, []any{"每百件办结的纠错数", orRound(m.CorrectionsPer100)},
			[]any{"程序性办结占比（%）", pctOf(m.Procedural)}, []any{"通过全部勾稽关系的报告占比（%）", pctOf(m.IdentitiesKept)},
			[]any{"结转下年度（件）", m.Backlog})
	}
	return []query.Table{score, ded, sum}
}

func orRound(p *float64) any {
	if p == nil {
		return nil
	}
	return roundTo(*p, 2)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// ScoreSheetXLSX is the workbook an office files: the score sheet, the
// deductions and the summary, headers in bold, widths set for Chinese text.
//
// base, when given (the server's address as the client reached it), makes
// each filed body's name on 评分表 and each deduction's report number on
// 扣分明细 a link to that report's page, so an assessor goes from the
// workbook to the findings and their source in one click.
func ScoreSheetXLSX(a AssessmentAnswer, base string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	// Widths in characters, per sheet and column; Chinese characters are
	// about two wide.
	widths := map[string][]float64{
		"评分表":  {6, 24, 12, 9, 9, 9, 8, 14, 9, 9, 12, 12, 14, 14, 14, 12},
		"扣分明细": {24, 22, 30, 7, 70, 9, 9},
		"汇总":   {34, 40},
	}
	for i, t := range a.Tables() {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Title); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(t.Title); err != nil {
			return nil, err
		}
		for j, w := range widths[t.Title] {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetColWidth(t.Title, col, col, w); err != nil {
				return nil, err
			}
		}
		head := cellsafe.Strings(t.Columns)
		if err := f.SetSheetRow(t.Title, "A1", &head); err != nil {
			return nil, err
		}
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
		if err := f.SetCellStyle(t.Title, "A1", last, bold); err != nil {
			return nil, err
		}
		for r, row := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			row := cellsafe.Values(row)
			if err := f.SetSheetRow(t.Title, cell, &row); err != nil {
				return nil, err
			}
		}
		if len(t.Rows) > 0 {
			end, _ := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
			if err := f.SetCellStyle(t.Title, "A2", end, wrap); err != nil {
				return nil, err
			}
		}
		if base != "" {
			if err := scoreSheetLinks(f, t.Title, a, base); err != nil {
				return nil, err
			}
		}
		if err := f.SetPanes(t.Title, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		// The printed header names the sheet applied and its text's
		// sha, so a filed workbook says which rules scored it.
		if err := f.SetHeaderFooter(t.Title, &excelize.HeaderFooterOptions{
			OddHeader: "&L" + strings.ReplaceAll("评分表："+a.Sheet, "&", "&&") + "&RSHA-256：" + a.SheetSHA}); err != nil {
			return nil, fmt.Errorf("xlsx header: %w", err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("%s%d年度政府信息公开年报评分表", a.County, a.Year),
		Subject: a.Sheet, Description: "评分表：" + a.Sheet + "；SHA-256：" + a.SheetSHA + "；" + a.SheetSource}); err != nil {
		return nil, fmt.Errorf("xlsx properties: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

// BaseURL is the server's address as the client reached it, for links
// written into pages and downloads (sign-in links, the score sheet's).
func BaseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// scoreSheetLinks links the rows of 评分表 and 扣分明细 to the report pages.
// The rows are in the order Tables writes them: one per agency, then one
// per deduction of each agency in turn.
func scoreSheetLinks(f *excelize.File, sheet string, a AssessmentAnswer, base string) error {
	link := func(col, row int, id int64, anchor string) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		tip := "打开报告页面"
		return f.SetCellHyperLink(sheet, cell, fmt.Sprintf("%s/web/reports/%d%s", base, id, anchor), "External",
			excelize.HyperlinkOpts{Tooltip: &tip})
	}
	row := 2
	for _, s := range a.Agencies {
		switch sheet {
		case "评分表":
			if s.ReportID != 0 {
				if err := link(2, row, s.ReportID, ""); err != nil {
					return fmt.Errorf("xlsx link: %w", err)
				}
			}
			row++
		case "扣分明细":
			for _, d := range s.Deductions {
				if d.ReportID != 0 {
					if err := link(6, row, d.ReportID, "#findings"); err != nil {
						return fmt.Errorf("xlsx link: %w", err)
					}
				}
				row++
			}
		}
	}
	return nil
}

// errNoBodies is a county the registry expects no report of.
var errNoBodies = errors.New("no bodies expected")

// countyAssessment is the score sheet of a county's year with the
// assessor's metrics, as GET /api/v1/assessment and the bundle give it.
// A nil sheet is the county's own (assess.SheetFor).
func (h *handler) countyAssessment(ctx context.Context, county string, year int, sheet *assess.Sheet) (AssessmentAnswer, error) {
	if sheet == nil {
		var err error
		if sheet, err = assess.SheetFor(ctx, h.st, county); err != nil {
			return AssessmentAnswer{}, err
		}
	}
	a, err := assess.Assess(ctx, h.st, county, year, sheet)
	if err != nil {
		return AssessmentAnswer{}, err
	}
	if a.Bodies == 0 {
		return AssessmentAnswer{}, errNoBodies
	}
	// The county as the statistics filter it: its code when the registry
	// has one (a name given may be written differently in reports).
	m, err := h.q.CountyAssessmentMetrics(ctx, countyFilter(a, year))
	if err != nil {
		return AssessmentAnswer{}, err
	}
	return AssessmentAnswer{Assessment: a, Metrics: m.PerAgency, CountyMetrics: m.All}, nil
}

// countyFilter selects an assessed county's reports of a year: by its code
// when the registry has one, else by the name.
func countyFilter(a *assess.Assessment, year int) query.Filter {
	f := query.Filter{County: a.County, Year: year}
	if a.Code != "" && strings.Trim(a.Code, "0123456789") == "" {
		f.County = a.Code
	}
	return f
}

// PeersAnswer is GET /api/v1/assessment/peers: each reporting body of a
// county placed among the bodies of its level in its county, city,
// province and the nation on one metric.
type PeersAnswer struct {
	County   string     `json:"county"`
	Year     int        `json:"year"`
	Metric   string     `json:"metric"`
	MinPeers int        `json:"min_peers"`
	Bodies   []PeerBody `json:"bodies"`
}

// PeerBody is one body's value and its four peer groups.
type PeerBody struct {
	Agency string           `json:"agency"`
	Level  string           `json:"level"`
	Value  *float64         `json:"value"`
	Peers  []query.PeerStat `json:"peers"`
}

// peerLevel is the filter level a registry level is compared within:
// towns with towns, county departments with county departments, county
// governments with county governments; "" for none.
func peerLevel(l registry.Level) string {
	switch assess.LevelOfRegistry(l) {
	case assess.LevelTown:
		return "towns"
	case assess.LevelDepartment:
		return string(registry.CountyDept)
	case assess.LevelCounty:
		return string(registry.County)
	}
	return ""
}

func (h *handler) assessmentPeers(c *gin.Context) {
	county, year, ok := h.countyYear(c)
	if !ok {
		return
	}
	metric := c.DefaultQuery("metric", "substantive_disclosure_rate")
	ctx := c.Request.Context()
	sheet, ok := h.schemeOrSheet(c, county)
	if !ok {
		return
	}
	fl, err := assess.FilingList(ctx, h.st, county, year, registry.Levels, sheet)
	if err != nil {
		h.registryError(c, err)
		return
	}
	// Scopes by GB/T 2260: the city is the code's first four digits, the
	// province its first two; a county without a code is compared in
	// itself and the nation only.
	type scope struct{ name, place string }
	scopes := []scope{{"county", fl.Name}}
	base := query.Filter{Year: year, County: fl.Name}
	if len(fl.Code) == 6 && strings.Trim(fl.Code, "0123456789") == "" {
		base.County = fl.Code
		scopes = append(scopes, scope{"city", fl.Code[:4] + "00"}, scope{"province", fl.Code[:2] + "0000"})
	}
	scopes = append(scopes, scope{"nation", ""})
	groups := map[string]map[string]map[string]float64{} // level → scope → body → value
	out := PeersAnswer{County: fl.Name, Year: year, Metric: metric, MinPeers: query.MinPeers, Bodies: []PeerBody{}}
	for _, r := range fl.Rows {
		lvl := peerLevel(registry.Level(r.Level))
		if r.ReportID == 0 || lvl == "" {
			continue
		}
		if groups[lvl] == nil {
			groups[lvl] = map[string]map[string]float64{}
			for _, s := range scopes {
				f := query.Filter{Year: year, Level: lvl}
				switch s.name {
				case "county":
					f.County = base.County
				case "city":
					f.City = s.place
				case "province":
					f.Province = s.place
				}
				vals, err := h.q.PeerValues(ctx, f, metric)
				if err != nil {
					h.error(c, err)
					return
				}
				groups[lvl][s.name] = vals
			}
		}
		b := PeerBody{Agency: r.Name, Level: assess.LevelLabels[assess.LevelOfRegistry(registry.Level(r.Level))], Peers: []query.PeerStat{}}
		own, has := groups[lvl]["county"][fl.Name+"|"+r.Name]
		if has {
			b.Value = &own
		}
		for _, s := range scopes {
			vals := make([]float64, 0, len(groups[lvl][s.name]))
			for _, v := range groups[lvl][s.name] {
				vals = append(vals, v)
			}
			st := query.Peer(s.name, s.place, vals, own)
			if !has {
				st.Rank, st.Ranked = nil, false
			}
			b.Peers = append(b.Peers, st)
		}
		out.Bodies = append(out.Bodies, b)
	}
	h.answer(c, out)
}
