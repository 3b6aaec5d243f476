package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// Rectification (issue 21 item 6): findings sent back with a deadline,
// closed by a new version without them or by an assessor's hand.

// ReturnRequest is the body of POST /reports/{id}/findings/{index}/return.
type ReturnRequest struct {
	Deadline string `json:"deadline"`
	Comment  string `json:"comment"`
}

// CloseRequest is the body of POST /rectifications/{id}/close.
type CloseRequest struct {
	Reason string `json:"reason"`
}

// Rectifications is GET /api/v1/rectifications.
type Rectifications struct {
	Today string                `json:"today"`
	Items []store.Rectification `json:"rectifications"`
}

// Tables is the list for CSV and XLSX (cells made safe by CSV and XLSX).
func (r Rectifications) Tables() []query.Table {
	t := query.Table{Title: "整改跟踪", Columns: []string{"编号", "县（市、区）", "机关", "年度", "问题", "退回说明", "整改期限", "状态", "剩余天数", "退回人", "关闭人", "关闭理由", "报告编号"}}
	for _, x := range r.Items {
		closedBy := x.ClosedBy
		if closedBy == store.RectReader {
			closedBy = "系统（新版本）"
		}
		t.Rows = append(t.Rows, []any{x.ID, x.County, x.Agency, x.Year, x.Message, x.Comment, x.Deadline, x.StateLabel, x.DaysLeft, x.SentBy, closedBy, x.CloseReason, x.ReportID})
	}
	return []query.Table{t}
}

// rectStates are the values of ?state=.
var rectStates = []string{store.RectOpen, store.RectClosed, store.RectOverdue}

func (h *handler) listRectifications(c *gin.Context) {
	f := store.RectFilter{County: strings.TrimSpace(c.Query("county")), State: c.Query("state")}
	if f.State != "" && !containsString(rectStates, f.State) {
		h.error(c, &query.InputError{Field: "state", Message: fmt.Sprintf("未知的状态 %q：应为 open（整改中）、closed（已关闭）或 overdue（逾期未改）", f.State), Valid: rectStates})
		return
	}
	if s := c.Query("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1990 || y > 2100 {
			h.error(c, &query.InputError{Field: "year", Message: fmt.Sprintf("年度应为四位数字，收到 %q", s)})
			return
		}
		f.Year = y
	}
	format, ok := h.exportFormat(c)
	if !ok {
		return
	}
	today := report.Today()
	xs, err := h.st.Rectifications(c.Request.Context(), f, today)
	if err != nil {
		h.error(c, err)
		return
	}
	name := "整改跟踪"
	if f.County != "" {
		name = f.County + "_" + name
	}
	if f.Year != 0 {
		name += fmt.Sprintf("_%d", f.Year)
	}
	h.export(c, format, name, Rectifications{Today: today.Format(time.DateOnly), Items: xs})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *handler) returnFinding(c *gin.Context) {
	id, index, err := findingRef(c)
	if err != nil {
		h.error(c, err)
		return
	}
	var req ReturnRequest
	if err := decodeJSON(c, &req); err != nil {
		h.bodyError(c, err, "deadline", `请求体应为 JSON：{"deadline": "2024-06-30", "comment": "退回说明"}`)
		return
	}
	x, err := h.ch.ReturnFinding(c.Request.Context(), h.actor(c), id, index, req.Deadline, req.Comment)
	if err != nil {
		h.rectError(c, err, fmt.Sprintf("没有这条问题：报告 %d 第 %d 条", id, index))
		return
	}
	x.Derive(report.Today())
	c.JSON(http.StatusCreated, x)
}

func (h *handler) closeRectification(c *gin.Context) {
	rid, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || rid <= 0 {
		h.error(c, &query.InputError{Field: "id", Message: fmt.Sprintf("整改事项编号应为正整数，收到 %q", c.Param("id"))})
		return
	}
	var req CloseRequest
	if err := decodeJSON(c, &req); err != nil {
		h.bodyError(c, err, "reason", `请求体应为 JSON：{"reason": "关闭理由"}`)
		return
	}
	ctx := c.Request.Context()
	if err := h.ch.CloseRectification(ctx, h.actor(c), rid, req.Reason); err != nil {
		h.rectError(c, err, fmt.Sprintf("没有编号为 %d 的整改事项", rid))
		return
	}
	x, err := h.st.Rectification(ctx, rid, report.Today())
	if err != nil {
		h.error(c, err)
		return
	}
	c.JSON(http.StatusOK, x)
}

// rectError answers a refused return or close: the sentence of
// change.Explain, with notFound for a report, finding or rectification
// that is not there.
func (h *handler) rectError(c *gin.Context, err error, notFound string) {
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "not_found", notFound)
		return
	}
	status, code, msg := change.Explain(err)
	if status == http.StatusInternalServerError {
		h.error(c, err)
		return
	}
	h.fail(c, status, code, msg)
}
