package dashboards

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// The assessment page (评估考核): a county's score sheet for a year — the
// ranking, the filing list, every deduction linked to its finding in the
// town profile, and the copied passages side by side.

type assessmentView struct {
	County             string
	Year               int
	A                  *assess.Assessment
	FilingRate, OnTime string
	Levels             []levelMean
	Composite          string
	XLSX, CSV, JSON    string
	Deductions         []deductionView
	Filing             []assessFilingRow
	Copies             []copyView
	Coverage           []coverageView
	// Issue 21: the packs to re-score under, the one applied, each
	// body's items with their verdicts, and the letters to download.
	Schemes  []schemeLink
	Verdicts []verdictRow
	Letters  string
	NotAreas []assess.Area
	// Remind is the 催报 list (bodies without a report, days left).
	Remind                 *assess.Reminders
	RemindXLSX, RemindDOCX string
}

type schemeLink struct {
	Name, Version, Link string
	Current             bool
}

// verdictRow is one body's items, each with its verdict and evidence.
type verdictRow struct {
	Agency, Link string
	Score        float64
	Items        []assess.ItemVerdict
}

// coverageView is a county government's cell against its units' sum.
type coverageView struct {
	Agency, Label, Share string
	Aggregate, UnitsSum  float64
	Units                int
	Over                 bool
}

type levelMean struct {
	Label, Weight string
	Mean          float64
}

type deductionView struct {
	Agency, Link, Rule, Reason string
	Points                     float64
}

type assessFilingRow struct {
	Agency, Level, Published, Deadline, Status, StatusCode string
}

type copyView struct {
	Agency, Other, Rule, Share string
	Left, Right                []segment
	Link, OtherLink            string
}

// segment is a run of compared text, marked when both reports have it.
type segment struct {
	Text   string
	Shared bool
}

// MountAssessment registers the assessment page; it reads the store
// directly for the cross-report evidence the query service does not hold.
func MountAssessment(r *gin.Engine, q *query.Service, st *store.Store, opts ...Option) {
	c := config{logger: slog.Default()}
	for _, o := range opts {
		o(&c)
	}
	dir, ok := FindAssets(c.assetsDir)
	pages := map[string]*template.Template{
		"assessment": template.Must(template.New("assessment").ParseFS(templateFiles, "templates/layout.html", "templates/assessment.html")),
		"error":      template.Must(template.New("error").ParseFS(templateFiles, "templates/layout.html", "templates/error.html")),
	}
	h := &handler{q: q, pages: pages, assetsDir: dir, assetsOK: ok, log: c.logger, cache: newPageCache()}
	r.GET("/dashboards/assessment", h.cachePages, func(c *gin.Context) { assessmentPage(h, st, c) })
}

func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", *p*100)
}

func assessmentPage(h *handler, st *store.Store, c *gin.Context) {
	s, ok := h.readScope(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	scheme := strings.TrimSpace(c.Query("scheme"))
	sheet, err := assess.SchemeOrSheet(ctx, st, s.County, scheme)
	var unknown *assess.UnknownSchemeError
	if errors.As(err, &unknown) {
		h.fail(c, http.StatusBadRequest, unknown.Error(), nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	a, err := assess.Assess(ctx, st, s.County, s.Year, sheet)
	if errors.Is(err, store.ErrBadPlace) {
		h.fail(c, http.StatusNotFound, fmt.Sprintf("无法评分：%v", err), nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	if a.Bodies == 0 {
		h.fail(c, http.StatusNotFound, fmt.Sprintf("登记册中“%s”没有应报送年报的机关。", s.County), nil)
		return
	}
	// The county's name as reports store it, when a code was given.
	s.County = a.County
	api := url.Values{"county": {s.County}, "year": {fmt.Sprint(s.Year)}}
	v := assessmentView{County: s.County, Year: s.Year, A: a, FilingRate: pct(a.FilingRate), OnTime: pct(a.OnTimeRate),
		JSON: "/api/v1/assessment?" + api.Encode()}
	if scheme != "" {
		api.Set("scheme", scheme)
	}
	v.Letters = "/api/v1/assessment/letters?" + api.Encode()
	v.JSON = "/api/v1/assessment?" + api.Encode()
	api.Set("format", "xlsx")
	v.XLSX = "/api/v1/assessment?" + api.Encode()
	api.Set("format", "csv")
	v.CSV = "/api/v1/assessment?" + api.Encode()
	pageQ := url.Values{"county": {s.County}, "year": {fmt.Sprint(s.Year)}}
	v.Schemes = append(v.Schemes, schemeLink{Name: "本县指定的评分表", Link: "/dashboards/assessment?" + pageQ.Encode(), Current: scheme == ""})
	for _, sc := range assess.Schemes() {
		pageQ.Set("scheme", sc.ID)
		v.Schemes = append(v.Schemes, schemeLink{Name: sc.Name, Version: sc.Version, Link: "/dashboards/assessment?" + pageQ.Encode(), Current: scheme == sc.ID})
	}
	v.Remind, err = assess.ReminderList(ctx, st, s.County, s.Year, sheet, report.Today())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	api.Set("format", "xlsx")
	v.RemindXLSX = "/api/v1/assessment/reminders?" + api.Encode()
	api.Set("format", "docx")
	v.RemindDOCX = "/api/v1/assessment/reminders?" + api.Encode()
	for _, ar := range a.Areas {
		if ar.NotAssessable {
			v.NotAreas = append(v.NotAreas, ar)
		}
	}
	if a.Composite != nil {
		v.Composite = fmt.Sprint(*a.Composite)
	}
	for _, lvl := range []string{assess.LevelCounty, assess.LevelDepartment, assess.LevelTown} {
		if m, ok := a.LevelMeans[lvl]; ok {
			v.Levels = append(v.Levels, levelMean{Label: assess.LevelLabels[lvl], Weight: fmt.Sprint(sheet.Levels[lvl]), Mean: m})
		}
	}
	if m, ok := a.LevelMeans[assess.LevelUnits]; ok {
		v.Levels = append(v.Levels, levelMean{Label: assess.LevelUnitsLabel, Weight: fmt.Sprint(sheet.Levels[assess.LevelDepartment] + sheet.Levels[assess.LevelTown]), Mean: m})
	}
	for _, ag := range a.Agencies {
		link := townURL(ag.Agency, s.County) + fmt.Sprintf("#y%d", s.Year)
		v.Verdicts = append(v.Verdicts, verdictRow{Agency: ag.Agency, Link: link, Score: ag.Score, Items: ag.Items})
		for _, d := range ag.Deductions {
			v.Deductions = append(v.Deductions, deductionView{Agency: ag.Agency, Link: link, Rule: d.RuleName, Reason: d.Reason, Points: d.Points})
		}
		// The timeliness is the assessment's own (the filing list's), not
		// read again: the page shows what was scored.
		f := assessFilingRow{Agency: ag.Agency, Level: ag.LevelLabel, Published: "—", Deadline: "—", Status: "已报送，发布日期未知", StatusCode: "unknown"}
		if ag.LevelGuessed {
			f.Level += "（按名称推断）"
		}
		switch {
		case !ag.Filed:
			f.Status, f.StatusCode = "未报送（计0分）", "red"
		case ag.DaysLate != nil && *ag.DaysLate > 0:
			f.Published, f.Deadline, f.Status, f.StatusCode = ag.PublishedOn, ag.Deadline, fmt.Sprintf("逾期%d天", *ag.DaysLate), "yellow"
		case ag.DaysLate != nil:
			f.Published, f.Deadline, f.Status, f.StatusCode = ag.PublishedOn, ag.Deadline, fmt.Sprintf("按时（提前%d天）", -*ag.DaysLate), "green"
		}
		v.Filing = append(v.Filing, f)
	}
	for _, ag := range a.Agencies {
		if ag.Level != assess.LevelCounty || ag.ReportID == 0 {
			continue
		}
		cov, err := st.Coverage(ctx, ag.ReportID)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		for _, cv := range cov {
			share := "—"
			if cv.Aggregate != 0 {
				share = fmt.Sprintf("%.0f%%", cv.UnitsSum/cv.Aggregate*100)
			}
			v.Coverage = append(v.Coverage, coverageView{Agency: ag.Agency, Label: report.Label(cv.Code), Share: share,
				Aggregate: cv.Aggregate, UnitsSum: cv.UnitsSum, Units: cv.Units, Over: cv.UnitsSum > cv.Aggregate})
		}
	}
	sort.SliceStable(v.Filing, func(i, j int) bool { return v.Filing[i].Agency < v.Filing[j].Agency })
	copies, err := st.CountyCopies(ctx, s.County, s.Year)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	if len(copies) > 0 {
		docs, err := st.CountyDocs(ctx, s.County, s.Year-1, s.Year)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		byID := map[int64]*store.AssessDoc{}
		for _, d := range docs {
			byID[d.ID] = d
		}
		for _, cp := range copies {
			mine, theirs := byID[cp.ReportID], byID[cp.OtherID]
			if mine == nil || theirs == nil {
				continue
			}
			v.Copies = append(v.Copies, copyView{
				Agency: mine.Agency, Other: fmt.Sprintf("%s %d年", theirs.Agency, theirs.Year), Rule: ruleLabel(cp.Rule),
				Share: fmt.Sprintf("%.0f%%", cp.Share*100),
				Left:  mark(assess.Compared(mine).String(), cp.Passages), Right: mark(assess.Compared(theirs).String(), cp.Passages),
				Link: townURL(mine.Agency, s.County) + fmt.Sprintf("#y%d", mine.Year), OtherLink: townURL(theirs.Agency, s.County) + fmt.Sprintf("#y%d", theirs.Year),
			})
		}
	}
	h.render(c, http.StatusOK, "assessment", page{
		Title: s.County + fmt.Sprint(s.Year) + "年度年报评估", Heading: fmt.Sprintf("%s %d年度政府信息公开年报评估", s.County, s.Year),
		Lead: "按评分表逐项扣分：每条扣分都写明原因并链接到所在报告；未报送的机关计0分并计入平均。", Nav: navFor(s.County, s.Year),
		Synthetic: a.Synthetic, Data: v,
	})
}

// mark cuts text into segments, marking every occurrence of a passage.
func mark(text string, passages []string) []segment {
	var out []segment
	for text != "" {
		at, length := -1, 0
		for _, p := range passages {
			if p == "" {
				continue
			}
			if i := strings.Index(text, p); i >= 0 && (at < 0 || i < at || (i == at && len(p) > length)) {
				at, length = i, len(p)
			}
		}
		if at < 0 {
			out = append(out, segment{Text: text})
			break
		}
		if at > 0 {
			out = append(out, segment{Text: text[:at]})
		}
		out = append(out, segment{Text: text[at : at+length], Shared: true})
		text = text[at+length:]
	}
	return out
}
