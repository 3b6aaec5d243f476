package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/change"
	"nianbao/store"
)

// SheetsAnswer is GET /api/v1/sheets: the stored score sheets, which
// county or city uses which, and the server's own sheet (every other
// county's).
type SheetsAnswer struct {
	Server      SheetInfo               `json:"server"`
	Sheets      []store.NamedSheet      `json:"sheets"`
	Assignments []store.SheetAssignment `json:"assignments"`
}

// SheetInfo names a sheet in force.
type SheetInfo struct {
	Name   string `json:"name"`
	SHA    string `json:"sha"`
	Source string `json:"source"`
}

// SheetAnswer is GET /api/v1/sheets/:name and the answer of a PUT.
type SheetAnswer struct {
	store.NamedSheet
	// Counties now scored with it (those without one of their own for
	// a city's sheet), as reports name them.
	Counties []string `json:"counties"`
}

func (h *handler) listSheets(c *gin.Context) {
	out, err := Sheets(c.Request.Context(), h.st)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, out)
}

// Sheets is the answer of GET /api/v1/sheets, which the sheets page shows
// too: the server's sheet, the stored ones and who uses which.
func Sheets(ctx context.Context, st *store.Store) (SheetsAnswer, error) {
	server, err := assess.ServerSheet(st)
	if err != nil {
		return SheetsAnswer{}, err
	}
	sheets, err := st.Sheets(ctx)
	if err != nil {
		return SheetsAnswer{}, err
	}
	as, err := st.SheetAssignments(ctx)
	if err != nil {
		return SheetsAnswer{}, err
	}
	return SheetsAnswer{Server: SheetInfo{Name: server.Name, SHA: server.SHA, Source: server.Source}, Sheets: sheets, Assignments: as}, nil
}

func (h *handler) getSheet(c *gin.Context) {
	ns, err := h.st.Sheet(c.Request.Context(), c.Param("name"))
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("没有名为“%s”的评分表", c.Param("name")))
		return
	}
	if err != nil {
		h.error(c, err)
		return
	}
	counties, err := change.SheetCounties(c.Request.Context(), h.st, ns.Name)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, SheetAnswer{NamedSheet: ns, Counties: counties})
}

// putSheet stores a sheet: the body is its text, YAML or JSON, whose name
// field must be the name in the path. A faulty sheet is refused with the
// line and column of the fault; the counties already using a sheet of
// that name are checked again with the new text (change.SaveSheet).
func (h *handler) putSheet(c *gin.Context) {
	name := c.Param("name")
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		h.bodyError(c, err, "body", "请求体应为评分表的 YAML 或 JSON 文本")
		return
	}
	ns, counties, err := h.ch.SaveSheet(c.Request.Context(), h.actor(c), name, name, body)
	if err != nil {
		h.sheetError(c, err)
		return
	}
	h.log.Info("score sheet stored", "name", name, "sha", ns.SHA, "by", c.GetString("who"))
	ns.Body = ""
	h.answer(c, SheetAnswer{NamedSheet: ns, Counties: counties})
}

// putSheetPlace makes a county or city use a stored sheet; deleteSheetPlace
// takes that away. The counties concerned are checked again at once, so
// their findings follow the sheet in force (change.AssignSheet).
func (h *handler) putSheetPlace(c *gin.Context) { h.assignSheet(c, c.Param("name"), "") }

func (h *handler) deleteSheetPlace(c *gin.Context) { h.assignSheet(c, "", c.Param("name")) }

func (h *handler) assignSheet(c *gin.Context, sheet, current string) {
	place := c.Param("place")
	counties, err := h.ch.AssignSheet(c.Request.Context(), h.actor(c), place, sheet, current)
	if err != nil {
		h.sheetError(c, err)
		return
	}
	h.log.Info("score sheet assigned", "place", place, "sheet", sheet, "by", c.GetString("who"))
	h.answer(c, gin.H{"place": strings.TrimSpace(place), "sheet": sheet, "counties": counties})
}

// sheetError answers a refused sheet change: 403, 404 with its sentence,
// 400 for a faulty sheet or place, 507 for a full disk.
func (h *handler) sheetError(c *gin.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "not_found", err.Error())
		return
	}
	h.changeError(c, err, h.error)
}
