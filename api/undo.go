package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"nianbao/store"
)

// UndoRequest is the body of DELETE /reports/{id}/cells/{code}.
type UndoRequest struct {
	Reason string `json:"reason"`
}

// undoCorrection takes a correction off a cell: the parsed value comes
// back and the undo is audited.
func (h *handler) undoCorrection(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	var req UndoRequest
	if err := decodeJSON(c, &req); err != nil {
		h.bodyError(c, err, "reason", `请求体应为 JSON：{"reason": "撤销理由"}`)
		return
	}
	corr, err := h.ch.Undo(c.Request.Context(), h.actor(c), id, c.Param("code"), req.Reason)
	switch {
	case errors.Is(err, store.ErrNoCorrection):
		h.fail(c, http.StatusNotFound, "not_found", "单元格 "+c.Param("code")+" 没有可撤销的更正")
		return
	case err != nil:
		h.changeError(c, err, h.trustError)
		return
	}
	h.log.Info("correction undone", "id", id, "code", corr.Code, "by", corr.Author)
	c.JSON(http.StatusOK, corr)
}
