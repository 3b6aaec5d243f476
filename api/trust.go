package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/store"
)

// CorrectionRequest is the body of PUT /reports/{id}/cells/{code}.
type CorrectionRequest struct {
	Value  *float64 `json:"value"`
	Reason string   `json:"reason"`
}

// ReviewRequest is the body of PUT /reports/{id}/findings/{index}/review.
type ReviewRequest struct {
	State   string `json:"state"`
	Comment string `json:"comment"`
}

// trustError maps the store's errors of human changes to 400s.
func (h *handler) trustError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, store.ErrUnknownCode):
		h.error(c, &query.InputError{Field: "code", Message: "未知的单元格代码：" + c.Param("code") + "（见 /api/v1/codes）"})
	case errors.Is(err, store.ErrNoReason):
		h.error(c, &query.InputError{Field: "reason", Message: "更正必须写明理由（reason）"})
	case errors.Is(err, store.ErrBadReview):
		h.error(c, &query.InputError{Field: "state", Message: "复核结论应为 confirmed（确认）或 dismissed（驳回）", Valid: []string{"confirmed", "dismissed"}})
	default:
		h.error(c, err)
	}
}

func (h *handler) correctCell(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	var req CorrectionRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Value == nil {
		h.error(c, &query.InputError{Field: "value", Message: `请求体应为 JSON：{"value": 数值, "reason": "更正理由"}`})
		return
	}
	corr, err := h.st.Correct(c.Request.Context(), id, c.Param("code"), *req.Value, req.Reason, c.GetString("who"))
	if err != nil {
		h.trustError(c, err)
		return
	}
	if err := assess.Recheck(c.Request.Context(), h.st, id); err != nil {
		h.log.Error("assessment checks", "id", id, "err", err)
	}
	h.log.Info("cell corrected", "id", id, "code", corr.Code, "by", corr.Author)
	c.JSON(http.StatusOK, corr)
}

func (h *handler) reviewFinding(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	index, err := strconv.Atoi(c.Param("index"))
	if err != nil || index < 0 {
		h.error(c, &query.InputError{Field: "index", Message: fmt.Sprintf("发现序号应为从0开始的整数，收到 %q", c.Param("index"))})
		return
	}
	var req ReviewRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		h.error(c, &query.InputError{Field: "state", Message: `请求体应为 JSON：{"state": "confirmed|dismissed", "comment": "说明"}`})
		return
	}
	if err := h.st.ReviewFinding(c.Request.Context(), id, index, req.State, req.Comment, c.GetString("who")); err != nil {
		h.trustError(c, err)
		return
	}
	d, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{})
	if err != nil {
		h.error(c, err)
		return
	}
	c.JSON(http.StatusOK, d.Findings[index])
}

// AuditList is the answer of GET /audit.
type AuditList struct {
	Entries []store.AuditEntry `json:"entries"`
}

func (h *handler) audit(c *gin.Context) {
	limit := 1000
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			h.error(c, &query.InputError{Field: "limit", Message: fmt.Sprintf("参数 limit 应为正整数，收到 %q", s)})
			return
		}
		limit = n
	}
	entries, err := h.st.Audit(c.Request.Context(), limit)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, AuditList{Entries: entries})
}
