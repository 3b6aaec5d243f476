package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/internal/cellsafe"
	"nianbao/report"
	"nianbao/store"
)

// auditPageSize is the number of changes on one page of the audit log.
const auditPageSize = 50

// actionLabels name the audit log's actions in Chinese.
var actionLabels = map[string]string{
	"upload": "上传", "correct": "更正", "undo": "撤销更正", "review": "复核", "delete": "删除",
	"orphan": "更正失效", "restore": "恢复版本", "meta": "修改归属", "merge": "合并机关", "filing": "报送标记",
	"person-add": "添加人员", "person-role": "修改角色", "person-revoke": "停用人员", "person-token": "重新发放令牌",
	"reapply": "更正重新套用", "sheet": "存入评分表", "sheet-assign": "指定评分表", "registry-import": "导入登记册",
}

// readable is an audit entry as a person reads it (issue 22): a cell by
// its label, a finding by its rule's name and cells, a review or filing
// state and a role in Chinese, and no hash — the file's name is the
// target of an upload, so its SHA-256 says nothing more to a reader. The
// stored entry is unchanged; the API's /audit keeps the codes.
func readable(e store.AuditEntry) store.AuditEntry {
	reportN := func(s string) string {
		if n, ok := strings.CutPrefix(s, "report "); ok {
			return "报告 " + n
		}
		return s
	}
	switch e.Action {
	case "correct", "undo", "orphan", "reapply":
		e.Target = report.Label(e.Target)
	case "review":
		rule, cells, _ := strings.Cut(e.Target, "|")
		label, ok := report.RuleLabels[rule]
		if !ok {
			label = "检查问题"
		}
		var names []string
		for _, c := range strings.Split(cells, ",") {
			if c != "" {
				names = append(names, report.Label(c))
			}
		}
		e.Target = label
		switch {
		case len(names) > 3:
			// A rule over a whole row names dozens of cells: the first
			// three say which row.
			e.Target += "（" + strings.Join(names[:3], "、") + fmt.Sprintf("等 %d 格）", len(names))
		case len(names) > 0:
			e.Target += "（" + strings.Join(names, "、") + "）"
		}
		e.OldValue = report.ReviewState(e.OldValue).Label()
		if e.NewValue = report.ReviewState(e.NewValue).Label(); e.NewValue == "" {
			e.NewValue = "撤销复核"
		}
	case "upload":
		if e.OldValue != "" {
			e.OldValue = "已替换原有版本"
		}
		e.NewValue = "已入库"
	case "sheet":
		if e.OldValue != "" {
			e.OldValue = "已替换同名评分表"
		}
		e.NewValue = "已存入"
	case "filing":
		e.Target = "报送情况"
		if l, ok := store.FilingLabels[e.NewValue]; ok {
			e.NewValue = l
		} else if e.NewValue == "" {
			e.NewValue = "撤销标记"
		}
	case "person-add", "person-role":
		e.OldValue, e.NewValue = roleName(e.OldValue), roleName(e.NewValue)
	case "meta", "delete", "restore":
		e.Target = reportN(e.Target)
		if e.Action == "restore" {
			e.OldValue = strings.Replace(e.OldValue, "v", "第", 1) + "版"
			e.NewValue = strings.Replace(e.NewValue, "v", "第", 1) + "版"
		}
	case "merge":
		// from+" "+name and into+" "+name: the names, not the ids.
		e.Target = "合并机关"
		if _, name, ok := strings.Cut(e.OldValue, " "); ok {
			e.OldValue = name
		}
		if _, name, ok := strings.Cut(e.NewValue, " "); ok {
			e.NewValue = name
		}
	}
	return e
}

// roleName is a role (and its scope: "clerk 乐至县") in Chinese, or the
// value as stored when it names no role.
func roleName(v string) string {
	r, scope, _ := strings.Cut(v, " ")
	if n, ok := api.RoleNames[r]; ok {
		return strings.TrimSpace(n + " " + scope)
	}
	return v
}

func actionLabel(a string) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return a
}

type auditFilter struct {
	Author, Action, County, Agency string
	Year                           int
}

func (f auditFilter) keep(e store.AuditEntry) bool {
	return (f.Author == "" || e.Author == f.Author) && (f.Action == "" || e.Action == f.Action) &&
		(f.County == "" || e.County == f.County) && (f.Agency == "" || strings.Contains(e.Agency, f.Agency)) &&
		(f.Year == 0 || e.Year == f.Year)
}

// auditPage lists every human change, newest first, filtered and paged;
// format=csv or xlsx downloads the filtered list whole.
func (h *handler) auditPage(c *gin.Context) {
	f := auditFilter{Author: strings.TrimSpace(c.Query("author")), Action: strings.TrimSpace(c.Query("action")),
		County: strings.TrimSpace(c.Query("county")), Agency: strings.TrimSpace(c.Query("agency"))}
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			h.page(c, http.StatusBadRequest, "message", pageData{Title: "审计日志", Error: fmt.Sprintf("年度应为数字，收到 %q", y)})
			return
		}
		f.Year = n
	}
	page := 1
	if p := c.Query("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			h.page(c, http.StatusBadRequest, "message", pageData{Title: "审计日志", Error: fmt.Sprintf("页码应为正整数，收到 %q", p)})
			return
		}
		page = n
	}
	// The log is read whole: a county's year of human changes is a few
	// thousand lines at most.
	all, err := h.st.Audit(c.Request.Context(), 1<<30)
	if err != nil {
		h.log.Error("audit page", "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "审计日志", Error: "读取审计日志出错"})
		return
	}
	authors, actions := map[string]bool{}, map[string]bool{}
	var kept []store.AuditEntry
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		authors[e.Author], actions[e.Action] = true, true
		if f.keep(e) {
			kept = append(kept, e)
		}
	}
	switch c.Query("format") {
	case "csv":
		h.auditCSV(c, kept)
		return
	case "xlsx":
		h.auditXLSX(c, kept)
		return
	}
	pages := max(1, (len(kept)+auditPageSize-1)/auditPageSize)
	if page > pages {
		page = pages
	}
	lo := (page - 1) * auditPageSize
	hi := min(len(kept), lo+auditPageSize)
	q := url.Values{}
	for k, v := range map[string]string{"author": f.Author, "action": f.Action, "county": f.County, "agency": f.Agency} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	link := func(extra, val string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set(extra, val)
		return "/web/audit?" + v.Encode()
	}
	type row struct {
		store.AuditEntry
		ActionLabel string
	}
	rows := make([]row, 0, hi-lo)
	for _, e := range kept[lo:hi] {
		rows = append(rows, row{readable(e), actionLabel(e.Action)})
	}
	body := map[string]any{"Rows": rows, "F": f, "Total": len(kept), "Page": page, "Pages": pages,
		"Authors": sortedKeys(authors), "Actions": labelled(actions), "CSV": link("format", "csv"), "XLSX": link("format", "xlsx")}
	if page > 1 {
		body["Prev"] = link("page", strconv.Itoa(page-1))
	}
	if page < pages {
		body["Next"] = link("page", strconv.Itoa(page+1))
	}
	h.page(c, http.StatusOK, "audit", pageData{Title: "审计日志", Body: body})
}

var auditHeader = []string{"序号", "时间（北京时间）", "操作人", "操作", "县（区）", "机关", "年度", "对象", "原值", "新值", "说明"}

func auditRecord(e store.AuditEntry) []string {
	e = readable(e)
	return []string{strconv.FormatInt(e.Seq, 10), e.At.In(report.ChinaTime).Format("2006-01-02 15:04:05"), e.Author, actionLabel(e.Action),
		e.County, e.Agency, strconv.Itoa(e.Year), e.Target, e.OldValue, e.NewValue, e.Comment}
}

func (h *handler) auditCSV(c *gin.Context, rows []store.AuditEntry) {
	var b bytes.Buffer
	b.WriteString("\ufeff") // Excel reads UTF-8 only with the mark
	w := csv.NewWriter(&b)
	w.Write(auditHeader)
	for _, e := range rows {
		// Names, comments and values come from uploads and clerks: a
		// cell starting like a formula stays text (as in every export).
		w.Write(cellsafe.Strings(auditRecord(e)))
	}
	w.Flush()
	c.Header("Content-Disposition", `attachment; filename="audit.csv"; filename*=UTF-8''`+url.PathEscape("审计日志.csv"))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

func (h *handler) auditXLSX(c *gin.Context, rows []store.AuditEntry) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "审计日志"
	x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		h.log.Error("audit xlsx", "err", err)
		c.String(http.StatusInternalServerError, "生成表格出错")
		return
	}
	put := func(n int, rec []string) {
		vals := make([]any, len(rec))
		for i, s := range rec {
			vals[i] = cellsafe.Text(s)
		}
		if len(rec) > 6 { // the year as a number, so Excel filters it
			if y, err := strconv.Atoi(rec[6]); err == nil && n > 1 {
				vals[6] = y
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		sw.SetRow(cell, vals)
	}
	put(1, auditHeader)
	for i, e := range rows {
		put(i+2, auditRecord(e))
	}
	if err := sw.Flush(); err != nil {
		h.log.Error("audit xlsx", "err", err)
		c.String(http.StatusInternalServerError, "生成表格出错")
		return
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		h.log.Error("audit xlsx", "err", err)
		c.String(http.StatusInternalServerError, "生成表格出错")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="audit.xlsx"; filename*=UTF-8''`+url.PathEscape("审计日志.xlsx"))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

type option struct{ Value, Label string }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func labelled(m map[string]bool) []option {
	var out []option
	for _, k := range sortedKeys(m) {
		out = append(out, option{k, actionLabel(k)})
	}
	return out
}
