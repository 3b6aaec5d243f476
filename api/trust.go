package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// CorrectionRequest is the body of PUT /reports/{id}/cells/{code}. The
// value is kept as written so that it is checked before float64 rounds it,
// and so that a JSON string ("12") is refused, not read as a number.
type CorrectionRequest struct {
	Value  json.RawMessage `json:"value"`
	Reason string          `json:"reason"`
}

// ReviewRequest is the body of PUT /reports/{id}/findings/{index}/review.
type ReviewRequest struct {
	State   string `json:"state"`
	Comment string `json:"comment"`
}

// actor is who makes the change of a request: the token's user (auth set
// it), an admin for a token without a role.
func (h *handler) actor(c *gin.Context) User {
	if u, ok := c.Get("user"); ok {
		return u.(User)
	}
	return change.Admin(c.GetString("who"))
}

// changeError answers the refusals of package change — 403 for a change
// outside the actor's rights or scope, 507 for a full disk — and passes
// any other error to the route's own mapping.
func (h *handler) changeError(c *gin.Context, err error, other func(*gin.Context, error)) {
	status, code, msg := change.Explain(err)
	switch status {
	case http.StatusForbidden, http.StatusInsufficientStorage:
		if status == http.StatusInsufficientStorage {
			h.log.Error("disk full", "path", c.Request.URL.Path, "err", err)
		}
		h.fail(c, status, code, msg)
	default:
		other(c, err)
	}
}

// trustError maps the store's errors of human changes to 400s.
func (h *handler) trustError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, store.ErrUnknownCode):
		h.error(c, &query.InputError{Field: "code", Message: "未知的单元格代码：" + c.Param("code") + "（见 /api/v1/codes）"})
	case errors.Is(err, store.ErrNoReason):
		h.error(c, &query.InputError{Field: "reason", Message: "更正必须写明理由（reason）"})
	case errors.Is(err, store.ErrBadReview):
		h.error(c, &query.InputError{Field: "state", Message: "复核结论应为 confirmed（确认）或 dismissed（驳回）", Valid: []string{string(report.ReviewConfirmed), string(report.ReviewDismissed)}})
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
	if err := decodeJSON(c, &req); err != nil || req.Value == nil {
		h.bodyError(c, err, "value", `请求体应为 JSON：{"value": 数值, "reason": "更正理由"}`)
		return
	}
	raw, err := change.JSONValue(req.Value)
	if err != nil {
		h.error(c, err)
		return
	}
	corr, err := h.ch.Correct(c.Request.Context(), h.actor(c), id, c.Param("code"), raw, req.Reason)
	if err != nil {
		h.changeError(c, err, h.trustError)
		return
	}
	h.log.Info("cell corrected", "id", id, "code", corr.Code, "by", corr.Author)
	c.JSON(http.StatusOK, corr)
}

func (h *handler) reviewFinding(c *gin.Context) {
	id, index, err := findingRef(c)
	if err != nil {
		h.error(c, err)
		return
	}
	var req ReviewRequest
	if err := decodeJSON(c, &req); err != nil {
		h.bodyError(c, err, "state", `请求体应为 JSON：{"state": "confirmed|dismissed", "comment": "说明"}`)
		return
	}
	before, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{})
	if err != nil {
		h.error(c, err)
		return
	}
	if index >= len(before.Findings) {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("没有这条问题：报告 %d 第 %d 条（该报告共 %d 条，从 0 起数）", id, index, len(before.Findings)))
		return
	}
	if err := h.ch.Review(c.Request.Context(), h.actor(c), id, index, req.State, req.Comment); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// The report changed between the two reads.
			h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("没有这条问题：报告 %d 第 %d 条", id, index))
			return
		}
		h.changeError(c, err, h.trustError)
		return
	}
	d, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{})
	if err != nil {
		h.error(c, err)
		return
	}
	if index >= len(d.Findings) {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("没有这条问题：报告 %d 第 %d 条", id, index))
		return
	}
	c.JSON(http.StatusOK, d.Findings[index])
}

// findingRef reads the report id and the finding's index of the path
// /reports/{id}/findings/{index}/….
func findingRef(c *gin.Context) (int64, int, error) {
	id, err := reportID(c)
	if err != nil {
		return 0, 0, err
	}
	index, err := strconv.Atoi(c.Param("index"))
	if err != nil || index < 0 {
		return 0, 0, &query.InputError{Field: "index", Message: fmt.Sprintf("问题序号应为从0开始的整数，收到 %q", c.Param("index"))}
	}
	return id, index, nil
}

// decodeJSON reads a JSON body (already held to MaxBody by secure),
// numbers kept as written.
func decodeJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.UseNumber()
	return dec.Decode(v)
}

// bodyError answers a body that could not be decoded: 413 when it was
// over MaxBody, else 400 with the expected shape.
func (h *handler) bodyError(c *gin.Context, err error, field, shape string) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		h.fail(c, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("请求体超过上限 %d KB", h.opts.MaxBody>>10))
		return
	}
	h.error(c, &query.InputError{Field: field, Message: shape})
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
	switch f := c.Query("format"); f {
	case "", "json", "csv", "xlsx":
		h.export(c, f, "操作记录", AuditList{Entries: entries})
	default:
		h.error(c, &query.InputError{Field: "format", Message: fmt.Sprintf("参数 format 应为 json、csv 或 xlsx，收到 %q", f)})
	}
}
