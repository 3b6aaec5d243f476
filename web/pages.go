package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/assess"
	"nianbao/change"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

func (h *handler) signinPage(c *gin.Context) {
	h.page(c, http.StatusOK, "signin", pageData{Title: "登录", Body: gin.H{"Next": c.Query("next")}})
}

func (h *handler) signin(c *gin.Context) {
	given := strings.TrimSpace(c.PostForm("token"))
	next := c.PostForm("next")
	key := api.ClientKey(c.Request)
	if wait := h.opts.Throttle.Wait(key); wait > 0 {
		h.refuseSignin(c, wait, next)
		return
	}
	u, found := api.User{}, false
	for tok, fu := range h.opts.Users {
		if given != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(given)) == 1 {
			u, found = fu, true
		}
	}
	tokenSHA := ""
	if found {
		tokenSHA = change.Hash(given)
	} else if given != "" {
		u, found = h.ch.PersonByToken(c.Request.Context(), given)
	}
	if found {
		h.opts.Throttle.Succeed(key)
		h.startSession(c, u, tokenSHA, next)
		return
	}
	if wait := h.opts.Throttle.Fail(key); wait > 0 {
		h.log.Warn("sign-in throttled", "addr", key, "wait", wait)
		h.refuseSignin(c, wait, next)
		return
	}
	h.page(c, http.StatusUnauthorized, "signin", pageData{Title: "登录", Error: "令牌不对：请核对管理员发给您的令牌（区分大小写）。", Body: gin.H{"Next": next}})
}

// startSession signs u in: the session cookie, a log line, the page they
// came for (or the workbench).
func (h *handler) startSession(c *gin.Context, u api.User, tokenSHA, next string) {
	ss, err := h.sessions.start(c.Request.Context(), u, tokenSHA)
	if err != nil {
		h.log.Error("sign-in: session not stored", "who", u.Name, "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "登录", Error: "登录未能保存（数据库写入失败），请稍后再试。"})
		return
	}
	setCookie(c, sessionCookie, ss.id, int(h.sessions.ttl.Seconds()))
	h.log.Info("signed in", "who", u.Name, "role", u.Role)
	dest, _ := url.QueryUnescape(safeNext(next))
	if next == "" {
		dest = "/web/"
	}
	h.sessions.setFlash(ss, fmt.Sprintf("已登录：%s（%s）", u.Name, api.RoleNames[u.Role]))
	c.Redirect(http.StatusSeeOther, dest)
}

// refuseSignin answers a sign-in from an address that must wait: 429
// with Retry-After, and the form again with the wait in a sentence.
func (h *handler) refuseSignin(c *gin.Context, wait time.Duration, next string) {
	c.Header("Retry-After", api.RetryAfter(wait))
	h.page(c, http.StatusTooManyRequests, "signin", pageData{Title: "登录", Error: api.WaitSentence(wait) + "如忘记令牌，请联系管理员。", Body: gin.H{"Next": next}})
}

// home is where a person lands after signing in: what they may do here.
func (h *handler) home(c *gin.Context) {
	var u api.User
	if ss := current(c); ss != nil {
		u = ss.user
	}
	h.page(c, http.StatusOK, "home", pageData{Title: "工作台", Body: gin.H{"Upload": u.May(api.ActUpload), "Correct": u.May(api.ActCorrect), "Review": u.May(api.ActReview),
		"Rects": h.workbenchRects(c.Request.Context(), u)}})
}

func (h *handler) signout(c *gin.Context) {
	if ss := current(c); ss != nil {
		h.sessions.end(c.Request.Context(), ss.id)
		h.log.Info("signed out", "who", ss.user.Name)
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/web/signin?out=1")
}

// uploadRow is one file's line of the result table.
type uploadRow struct {
	File    string
	State   string // stored / new_version / held / unchanged / not_report / failed
	Label   string // the state in Chinese
	Reason  string
	ID      int64
	Agency  string
	County  string
	Year    int
	Version int
	// Verdict of the stored report (nil for a file not stored): the one
	// report.VerdictOf its page, 预检 and the API give, with its counts.
	Verdict *report.Verdict
}

// maxBatch bounds one upload form: many files sent without the page's
// script arrive in one request (the script sends them one by one).
const maxBatch = 200 << 20

var uploadLabels = map[string]string{
	"stored": "已入库", "new_version": "已入库（新版本）", "held": "已保存，未设为当前版本", "unchanged": "与当前版本相同",
	"not_report": "不是年度报告", "failed": "失败",
}

func (h *handler) uploadPage(c *gin.Context) {
	h.page(c, http.StatusOK, "upload", pageData{Title: "上传年度报告", Body: gin.H{}})
}

// upload sends each file to POST /api/v1/reports and tabulates the
// answers. With partial=1 (the page's script sends the files one by one
// to show progress) it answers only the table rows.
func (h *handler) upload(c *gin.Context) {
	form, err := c.MultipartForm()
	if err != nil {
		msg := "没有收到文件：请选择一个或多个报告文件后再上传。"
		status := http.StatusBadRequest
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			msg, status = fmt.Sprintf("一次上传的文件合计超过 %d MB：请分几次上传。", maxBatch>>20), http.StatusRequestEntityTooLarge
		}
		h.page(c, status, "upload", pageData{Title: "上传年度报告", Error: msg, Body: gin.H{}})
		return
	}
	files := form.File["files"]
	if len(files) == 0 {
		h.page(c, http.StatusBadRequest, "upload", pageData{Title: "上传年度报告", Error: "没有收到文件：请选择一个或多个报告文件后再上传。", Body: gin.H{}})
		return
	}
	fields := map[string]string{}
	for _, k := range []string{"agency", "county", "year", "force"} {
		if v := strings.TrimSpace(c.PostForm(k)); v != "" {
			fields[k] = v
		}
	}
	var rows []uploadRow
	for _, fh := range files {
		rows = append(rows, h.uploadOne(c, fh, fields)...)
	}
	body := gin.H{"Rows": rows, "Fields": fields}
	if c.PostForm("partial") == "1" {
		var b bytes.Buffer
		if err := h.pages["upload"].ExecuteTemplate(&b, "rows", body); err != nil {
			h.log.Error("upload rows", "err", err)
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
		return
	}
	h.page(c, http.StatusOK, "upload", pageData{Title: "上传结果", Body: body})
}

func (h *handler) uploadOne(c *gin.Context, fh *multipart.FileHeader, fields map[string]string) []uploadRow {
	fail := func(state, reason string) []uploadRow {
		return []uploadRow{{File: fh.Filename, State: state, Label: uploadLabels[state], Reason: reason}}
	}
	if h.opts.Uploads == nil {
		return fail("failed", "本服务器未配置上传")
	}
	f, err := fh.Open()
	if err != nil {
		return fail("failed", "读取上传的文件出错")
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return fail("failed", "读取上传的文件出错")
	}
	// Stored as POST /reports stores it, by a direct call: the same
	// reading, checks, roles and audit, without sending the file again.
	saved, err := h.opts.Uploads.Store(c.Request.Context(), current(c).user, fh.Filename, data, fields)
	var re *api.ReadError
	switch {
	case errors.As(err, &re) && re.Code == "not_report":
		return fail("not_report", re.Message)
	case errors.As(err, &re):
		return fail("failed", re.Message)
	case err != nil:
		status, _, msg := change.Explain(err)
		if status == http.StatusInternalServerError {
			h.log.Error("web upload", "file", fh.Filename, "err", err)
		}
		return fail("failed", msg)
	}
	ok := struct{ Reports []api.Uploaded }{saved}
	var rows []uploadRow
	for _, u := range ok.Reports {
		r := uploadRow{File: fh.Filename, ID: u.ID, Version: u.Version, State: "stored", Verdict: &u.Verdict}
		if u.Report != nil {
			r.Agency, r.County, r.Year = u.Report.Agency, u.Report.County, u.Report.Year
		}
		switch {
		case u.Unchanged:
			r.State, r.Reason = "unchanged", "与已入库的当前版本是同一份文件，没有存新版本"
		case !u.Current && u.Held != "":
			r.State, r.Reason = "held", u.Held+"（确认无误请勾选“强制设为当前版本”后重新上传）"
		case u.Replaced || u.Version > 1:
			r.State = "new_version"
		}
		if len(u.ToReview) > 0 {
			// Never dropped silently: the person sees which corrections
			// the new version reads differently.
			r.Reason = strings.TrimPrefix(r.Reason+"；", "；") + fmt.Sprintf("%d 条人工更正与新版本原文不符，已保留未套用（待复核）：%s", len(u.ToReview), strings.Join(u.ToReview, "、"))
		}
		r.Label = uploadLabels[r.State]
		rows = append(rows, r)
	}
	return rows
}

func (h *handler) checkPage(c *gin.Context) {
	h.page(c, http.StatusOK, "check", pageData{Title: "预检：发布前检查", Body: gin.H{}})
}

// checked is one report of the 预检 page.
type checked struct {
	Report   *report.Report
	Tables   []grid
	Findings []shownFinding
	Verdict  string
	OK       bool
}

type shownFinding struct {
	N        int
	Index    int
	Severity string
	SevCode  string
	Message  string
	Cells    []shownCell
	Review   string
	Reviewer string
	Comment  string
	Returned *shownRect // the finding's open rectification (rectify.go)
}

type shownCell struct{ Code, Label string }

func showFindings(fs []report.Finding) []shownFinding {
	out := make([]shownFinding, 0, len(fs))
	for i, f := range fs {
		sf := shownFinding{N: i + 1, Index: i, Severity: severityNames[f.Severity], SevCode: f.Severity, Message: f.Message,
			Review: f.Review.Label(), Reviewer: f.Reviewer, Comment: f.ReviewComment}
		for _, c := range f.Cells {
			sf.Cells = append(sf.Cells, shownCell{Code: c, Label: report.Label(c)})
		}
		out = append(out, sf)
	}
	return out
}

// check reads pasted text or a dropped file and shows what was read;
// nothing is stored.
func (h *handler) check(c *gin.Context) {
	name, data := "粘贴的文本.txt", []byte(c.PostForm("text"))
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(f, api.DefaultMaxUpload+1))
			f.Close()
		}
		if err != nil {
			h.page(c, http.StatusBadRequest, "check", pageData{Title: "预检：发布前检查", Error: "读取上传的文件出错", Body: gin.H{}})
			return
		}
		name = fh.Filename
	}
	body := gin.H{"Text": c.PostForm("text"), "File": name}
	if len(bytes.TrimSpace(data)) == 0 {
		h.page(c, http.StatusBadRequest, "check", pageData{Title: "预检：发布前检查", Error: "请粘贴报告全文，或选择一个报告文件。", Body: body})
		return
	}
	if len(data) > api.DefaultMaxUpload {
		h.page(c, http.StatusRequestEntityTooLarge, "check", pageData{Title: "预检：发布前检查", Error: fmt.Sprintf("%s 超过 %d MB，无法预检", name, api.DefaultMaxUpload>>20), Body: body})
		return
	}
	if h.opts.Parser == nil {
		h.page(c, http.StatusNotImplemented, "check", pageData{Title: "预检：发布前检查", Error: "本服务器未配置报告解析器", Body: body})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), api.DefaultParseTimeout)
	defer cancel()
	reports, err := h.opts.Parser.Parse(ctx, name, data)
	if err == nil && len(reports) == 0 {
		err = errors.New("没有找到年度报告的表格")
	}
	if b, ok := h.opts.Parser.(*api.Bounded); ok && errors.Is(err, api.ErrBusy) {
		c.Header("Retry-After", strconv.Itoa(b.Admission.RetryAfter()))
		h.page(c, http.StatusServiceUnavailable, "check", pageData{Title: "预检：发布前检查", Error: "暂时无法预检 " + name + "：" + b.Admission.BusyMessage(), Body: body})
		return
	}
	if err != nil {
		msg := err.Error()
		var pe interface{ Public() string }
		if errors.As(err, &pe) {
			msg = pe.Public()
		}
		problem := "无法读取 " + name + "：" + msg
		if errors.Is(err, ingest.ErrNotReport) || strings.HasPrefix(msg, ingest.ErrNotReport.Error()) {
			// Read, but not a report: the reason is said once (文件 不是年度报告：why).
			problem = name + " " + msg
		}
		h.page(c, http.StatusUnprocessableEntity, "check", pageData{Title: "预检：发布前检查", Error: problem, Body: body})
		return
	}
	var out []checked
	for _, r := range reports {
		// The checks analytics validate and the stored report's page apply
		// (form, values, deadline), so all three give one verdict.
		v := assess.Precheck(r, assess.DefaultSheet())
		out = append(out, checked{Report: r, Tables: layout(r.Edition, r.Cells, r.Sources, flagMap(r.Findings), nil, nil),
			Findings: showFindings(r.Findings), Verdict: v.Label, OK: v.Publishable})
	}
	body["Results"] = out
	h.page(c, http.StatusOK, "check", pageData{Title: "预检结果：" + name, Body: body})
}

// reportPage shows one stored report with its tables, corrections and
// findings, and the forms the signed-in person may use.
func (h *handler) reportPage(c *gin.Context) {
	h.showReport(c, http.StatusOK, "")
}

// reportOf reads the report named by the path's id, with its sources, or
// answers the page saying why it cannot (what names the page in the log).
func (h *handler) reportOf(c *gin.Context, what string) (int64, *query.ReportDetail, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.page(c, http.StatusBadRequest, "message", pageData{Title: "没有这份报告", Error: "报告编号应为正整数"})
		return 0, nil, false
	}
	d, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{Sources: true})
	if errors.Is(err, store.ErrNotFound) {
		h.page(c, http.StatusNotFound, "message", pageData{Title: "没有这份报告", Error: fmt.Sprintf("没有编号为 %d 的报告（可能已被删除）", id)})
		return 0, nil, false
	}
	if err != nil {
		h.log.Error(what, "id", id, "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "出错了", Error: "读取报告出错"})
		return 0, nil, false
	}
	return id, d, true
}

func (h *handler) showReport(c *gin.Context, status int, problem string) {
	_, d, ok := h.reportOf(c, "report page")
	if !ok {
		return
	}
	corrected := map[string]bool{}
	var active, toReview []store.Correction
	for _, k := range d.Corrections {
		if !k.Orphaned {
			corrected[k.Code] = true
			active = append(active, k)
		} else {
			toReview = append(toReview, k)
		}
	}
	var codes []shownCell
	for code := range report.PrintedCodes(d.Edition) {
		if def, ok := report.Lookup(code.String()); ok && !(def.Derived && d.Edition == report.Edition2021) {
			codes = append(codes, shownCell{Code: code.String(), Label: def.Label})
		}
	}
	v := report.VerdictOf(d.Findings)
	var user api.User
	if ss := current(c); ss != nil {
		user = ss.user
	}
	open := 0
	for _, f := range d.Findings {
		if f.Review != report.ReviewDismissed {
			open++
		}
	}
	body := gin.H{
		"R": d, "Tables": layout(d.Edition, d.Cells, d.Sources, flagMap(d.Findings), corrected, func(code string, s report.Source) string {
			return fmt.Sprintf("/web/reports/%d/source?code=%s#line-%d", d.ID, url.QueryEscape(code), s.Line)
		}),
		"Findings": showFindings(d.Findings), "Open": open, "Corrections": active, "ToReview": toReview, "Codes": codes,
		"Verdict": v.Label, "OK": v.Publishable, "Code": c.PostForm("code"), "Value": c.PostForm("value"), "Reason": c.PostForm("reason"),
		"MayCorrect": user.May(api.ActCorrect) && user.Covers(d.Agency, d.County), "MayReview": user.May(api.ActReview),
	}
	h.reportRects(c.Request.Context(), d.Full, body["Findings"].([]shownFinding), body)
	if body["MayCorrect"] == true {
		fix := &cellFix{Report: d.ID, Code: c.Query("fix"), CSRF: csrfToken(c)}
		if c.PostForm("inline") != "" { // a refused inline correction: its form again
			fix.Code, fix.Value, fix.Reason = c.PostForm("code"), c.PostForm("value"), c.PostForm("reason")
		}
		for i := range body["Tables"].([]grid) {
			body["Tables"].([]grid)[i].Fix = fix
		}
	}
	h.page(c, status, "report", pageData{Title: report.BodyName(d.County, d.Agency) + fmt.Sprintf(" %d 年度报告", d.Year), Error: problem, Body: body})
}

// write makes a form's change through package change as the signed-in
// person and shows the report again: with the refusal's Chinese sentence
// when refused, with a note when done.
func (h *handler) write(c *gin.Context, do func(ctx context.Context, u api.User, id int64) error, done string, anchor string) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.page(c, http.StatusBadRequest, "message", pageData{Title: "没有这份报告", Error: "报告编号应为正整数"})
		return
	}
	ss := current(c)
	if err := do(c.Request.Context(), ss.user, id); err != nil {
		status, _, msg := change.Explain(err)
		if status == http.StatusInternalServerError {
			h.log.Error("web change", "path", c.Request.URL.Path, "err", err)
		}
		h.showReport(c, status, msg)
		return
	}
	h.sessions.setFlash(ss, done)
	c.Redirect(http.StatusSeeOther, "/web/reports/"+c.Param("id")+anchor)
}

func (h *handler) correct(c *gin.Context) {
	code := strings.TrimSpace(c.PostForm("code"))
	value := strings.TrimSpace(c.PostForm("value"))
	h.write(c, func(ctx context.Context, u api.User, id int64) error {
		_, err := h.ch.Correct(ctx, u, id, code, value, c.PostForm("reason"))
		return err
	}, fmt.Sprintf("已更正 %s 为 %s", report.Label(code), value), "#cell-"+code)
}

func (h *handler) undo(c *gin.Context) {
	code := strings.TrimSpace(c.PostForm("code"))
	h.write(c, func(ctx context.Context, u api.User, id int64) error {
		_, err := h.ch.Undo(ctx, u, id, code, c.PostForm("reason"))
		return err
	}, fmt.Sprintf("已撤销 %s 的更正，恢复为原读取值", report.Label(code)), "#cell-"+code)
}

func (h *handler) review(c *gin.Context) {
	index, err := strconv.Atoi(strings.TrimSpace(c.PostForm("index")))
	if err != nil || index < 0 {
		h.showReport(c, http.StatusBadRequest, "问题序号不对")
		return
	}
	state := c.PostForm("state")
	label := report.ReviewState(state).Verb()
	h.write(c, func(ctx context.Context, u api.User, id int64) error {
		return h.ch.Review(ctx, u, id, index, state, c.PostForm("comment"))
	}, "已"+label+"这条问题", "#findings")
}

// limit bounds a form's body before anything reads it (the CSRF check
// parses the form).
func limit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
