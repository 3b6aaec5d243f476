package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// Rectification on the pages (issue 21 item 6): the 退回修改 form and the
// bulk review of the report page, the rectifications of the workbench, the
// 整改跟踪 page of a county and the 一键核对 summary of a report.

// today is the day in China the pages count deadlines from.
func today() time.Time { return report.Today() }

// shownRect is a rectification as the pages show it.
type shownRect struct {
	store.Rectification
	Due  string // 还剩3天, 今天到期, 逾期2天, or when it was closed
	Link string // the finding's first cell in the source, else the report
}

func showRects(xs []store.Rectification) []shownRect {
	out := make([]shownRect, 0, len(xs))
	for _, x := range xs {
		s := shownRect{Rectification: x, Link: fmt.Sprintf("/web/reports/%d#findings", x.ReportID)}
		if x.Line > 0 && len(x.Cells) > 0 {
			s.Link = sourceLink(x.ReportID, x.Cells[0], x.Line)
		}
		switch {
		case x.State == store.RectClosed && x.ClosedBy == store.RectReader:
			s.Due = "新版本已无此问题，系统关闭"
		case x.State == store.RectClosed:
			s.Due = "由" + x.ClosedBy + "关闭：" + x.CloseReason
		case x.DaysLeft > 0:
			s.Due = fmt.Sprintf("还剩%d天", x.DaysLeft)
		case x.DaysLeft == 0:
			s.Due = "今天到期"
		default:
			s.Due = fmt.Sprintf("逾期%d天", -x.DaysLeft)
		}
		out = append(out, s)
	}
	return out
}

// sourceLink is the place of a cell in a report's source text.
func sourceLink(id int64, code string, line int) string {
	return fmt.Sprintf("/web/reports/%d/source?code=%s#line-%d", id, url.QueryEscape(code), line)
}

// reportRects adds to the report page's body what rectification needs:
// the open rectification of each finding (by its key: findings are
// recomputed per version) and the report's rectifications.
func (h *handler) reportRects(ctx context.Context, d *store.Full, findings []shownFinding, body gin.H) {
	xs, err := h.st.Rectifications(ctx, store.RectFilter{ReportID: d.ID}, today())
	if err != nil {
		h.log.Error("report page: rectifications", "id", d.ID, "err", err)
		return
	}
	shown := showRects(xs)
	open := map[string]*shownRect{}
	for i := range shown {
		if shown[i].State != store.RectClosed {
			open[shown[i].Key] = &shown[i]
		}
	}
	for i := range findings {
		if x, ok := open[d.Findings[findings[i].Index].Key()]; ok {
			findings[i].Returned = x
		}
	}
	body["Rects"] = shown
	body["MinDeadline"] = today().Format(time.DateOnly)
	body["DefaultDeadline"] = today().AddDate(0, 0, 30).Format(time.DateOnly)
}

// returnFinding sends a finding back with a deadline and a comment.
func (h *handler) returnFinding(c *gin.Context) {
	index, err := strconv.Atoi(strings.TrimSpace(c.PostForm("index")))
	if err != nil || index < 0 {
		h.showReport(c, http.StatusBadRequest, "问题序号不对")
		return
	}
	deadline := c.PostForm("deadline")
	h.write(c, func(ctx context.Context, u api.User, id int64) error {
		_, err := h.ch.ReturnFinding(ctx, u, id, index, deadline, c.PostForm("comment"))
		return err
	}, "已退回修改，整改期限 "+strings.TrimSpace(deadline), "#findings")
}

// reviewMany confirms or dismisses the ticked findings with one comment.
func (h *handler) reviewMany(c *gin.Context) {
	var indexes []int
	for _, s := range c.PostFormArray("index") {
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || i < 0 {
			h.showReport(c, http.StatusBadRequest, "问题序号不对")
			return
		}
		indexes = append(indexes, i)
	}
	state := c.PostForm("state")
	h.write(c, func(ctx context.Context, u api.User, id int64) error {
		return h.ch.ReviewMany(ctx, u, id, indexes, state, c.PostForm("comment"))
	}, fmt.Sprintf("已%s所选的 %d 条问题", report.ReviewState(state).Verb(), len(indexes)), "#findings")
}

// closeRect closes a rectification by hand and goes back where the form
// was (the report page or the 整改跟踪 page).
func (h *handler) closeRect(c *gin.Context) {
	rid, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	if err != nil || rid <= 0 {
		h.page(c, http.StatusBadRequest, "message", pageData{Title: "没有这项整改", Error: "整改事项编号应为正整数"})
		return
	}
	ss := current(c)
	back := safeNext(c.PostForm("back"))
	if err := h.ch.CloseRectification(c.Request.Context(), ss.user, rid, c.PostForm("reason")); err != nil {
		status, _, msg := change.Explain(err)
		if status == http.StatusInternalServerError {
			h.log.Error("web close rectification", "id", rid, "err", err)
		}
		if errors.Is(err, store.ErrNotFound) {
			msg = fmt.Sprintf("没有编号为 %d 的整改事项", rid)
		}
		h.page(c, status, "message", pageData{Title: "未能关闭整改事项", Error: msg})
		return
	}
	h.sessions.setFlash(ss, fmt.Sprintf("已关闭整改事项 %d", rid))
	dest, _ := url.QueryUnescape(back)
	c.Redirect(http.StatusSeeOther, dest)
}

// rectifyPage is 整改跟踪: a county's (or, for a clerk, their scope's)
// rectifications by state, with links to the place of each finding.
func (h *handler) rectifyPage(c *gin.Context) {
	var u api.User
	if ss := current(c); ss != nil {
		u = ss.user
	}
	f := store.RectFilter{County: strings.TrimSpace(c.Query("county")), State: c.Query("state")}
	if y, err := strconv.Atoi(c.Query("year")); err == nil {
		f.Year = y
	}
	xs, err := h.st.Rectifications(c.Request.Context(), f, today())
	if err != nil {
		h.log.Error("rectify page", "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "出错了", Error: "读取整改事项出错"})
		return
	}
	xs = scoped(u, xs)
	counts := map[string]int{}
	for _, x := range xs {
		counts[x.State]++
	}
	title := "整改跟踪"
	if f.County != "" {
		title = f.County + " 整改跟踪"
	}
	q := url.Values{}
	for k, v := range map[string]string{"county": f.County, "state": f.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	q.Set("format", "xlsx")
	h.page(c, http.StatusOK, "rectify", pageData{Title: title, Body: gin.H{
		"Rects": showRects(xs), "Counts": counts, "County": f.County, "Year": f.Year, "State": f.State,
		"MayClose": u.May(api.ActReview), "Back": c.Request.URL.RequestURI(), "XLSX": "/api/v1/rectifications?" + q.Encode(),
	}})
}

// scoped keeps the rectifications within a clerk's county or agency.
func scoped(u api.User, xs []store.Rectification) []store.Rectification {
	if u.Role != api.RoleClerk || u.Scope == "" {
		return xs
	}
	var out []store.Rectification
	for _, x := range xs {
		if u.Covers(x.Agency, x.County) {
			out = append(out, x)
		}
	}
	return out
}

// workbenchRects are the open rectifications a person of the workbench
// should see: a clerk's of their scope, an assessor's all.
func (h *handler) workbenchRects(ctx context.Context, u api.User) []shownRect {
	if u.Role == "" {
		return nil
	}
	var open []store.Rectification
	for _, st := range []string{store.RectOverdue, store.RectOpen} {
		xs, err := h.st.Rectifications(ctx, store.RectFilter{State: st}, today())
		if err != nil {
			h.log.Error("workbench rectifications", "err", err)
			return nil
		}
		open = append(open, scoped(u, xs)...)
	}
	return showRects(open)
}

// reconciled is one line of the 一键核对 summary.
type reconciled struct {
	N          int
	Rule       string
	Formula    string
	Left       string
	Right      string
	Difference string
	Message    string
	Link       string // the first cell's line in the source, else the finding
	Place      string // what the link opens, in words
}

// reconciledReport is one report of a 一键核对 summary.
type reconciledReport struct {
	R    *query.ReportDetail
	Rows []reconciled
}

// reconcilePage is 一键核对 of one report.
func (h *handler) reconcilePage(c *gin.Context) {
	_, d, ok := h.reportOf(c, "reconcile page")
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "reconcile", pageData{Title: fmt.Sprintf("一键核对：%s%s %d 年度报告", d.County, d.Agency, d.Year),
		Body: gin.H{"One": true, "Reports": []reconciledReport{{R: d, Rows: reconcile(d)}}}})
}

// countyReconcilePage is 一键核对 of a county's year: each report with
// findings not dismissed, in the order of the reports.
func (h *handler) countyReconcilePage(c *gin.Context) {
	county := strings.TrimSpace(c.Query("county"))
	year, err := strconv.Atoi(c.Query("year"))
	if county == "" || err != nil {
		h.page(c, http.StatusBadRequest, "message", pageData{Title: "一键核对", Error: "请指明县（区）和年度，如 /web/reconcile?county=乐至县&year=2022"})
		return
	}
	ctx := c.Request.Context()
	fs, err := h.st.CountyFindings(ctx, county, year)
	if err != nil {
		h.log.Error("county reconcile", "county", county, "year", year, "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "出错了", Error: "读取问题出错"})
		return
	}
	var out []reconciledReport
	for _, f := range fs {
		if f.Review == report.ReviewDismissed || (len(out) > 0 && out[len(out)-1].R.ID == f.ReportID) {
			continue
		}
		d, err := h.q.Report(ctx, f.ReportID, query.ReportOptions{Sources: true})
		if err != nil {
			h.log.Error("county reconcile", "report", f.ReportID, "err", err)
			continue
		}
		out = append(out, reconciledReport{R: d, Rows: reconcile(d)})
	}
	h.page(c, http.StatusOK, "reconcile", pageData{Title: fmt.Sprintf("一键核对：%s %d 年度", county, year), Body: gin.H{"Reports": out}})
}

// reconcile is the 一键核对 lines of a report: each finding not dismissed
// with its formula, both sides, the difference and a link to its place.
// Rules 1–4 give their sides from report.Identities (the computation that
// made the finding); other findings show their message.
func reconcile(d *query.ReportDetail) []reconciled {
	r := &report.Report{Edition: d.Edition, Cells: d.Cells, Sources: d.Sources}
	ids := map[string]report.Identity{}
	for _, x := range report.Identities(r) {
		ids[x.Key()] = x
	}
	var rows []reconciled
	for i, f := range d.Findings {
		if f.Review == report.ReviewDismissed {
			continue
		}
		row := reconciled{N: i + 1, Rule: report.RuleLabels[f.Rule], Message: f.Message, Link: fmt.Sprintf("/web/reports/%d#finding-%d", d.ID, i+1), Place: "报告中的问题"}
		if row.Rule == "" {
			row.Rule = f.Rule
		}
		if x, ok := ids[f.Key()]; ok && !x.Holds() {
			row.Formula = x.Formula
			row.Left, row.Right, row.Difference = side(x.Cells[:x.LeftN], x.Left, d.Cells), side(x.Cells[x.LeftN:], x.Right, d.Cells), signed(x.Difference())
		}
		line := 0
		for _, code := range f.Cells {
			if s, ok := d.Sources[code]; ok && s.Line > 0 && (line == 0 || s.Line < line) {
				line = s.Line
				row.Link, row.Place = sourceLink(d.ID, code, s.Line), fmt.Sprintf("原文第%d行", s.Line)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// side writes one side of an equation with its terms: 3＋1＝4.
func side(codes []string, total float64, cells map[string]float64) string {
	if len(codes) == 1 {
		return num(total)
	}
	var terms []string
	for _, c := range codes {
		terms = append(terms, num(cells[c]))
	}
	return strings.Join(terms, "＋") + "＝" + num(total)
}

func num(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func signed(v float64) string {
	if v > 0 {
		return "+" + num(v)
	}
	return num(v)
}
