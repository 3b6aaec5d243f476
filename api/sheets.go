package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
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

// maxPlaceRunes bounds a place: a county's or city's name or code.
const maxPlaceRunes = 40

func (h *handler) listSheets(c *gin.Context) {
	ctx := c.Request.Context()
	server, err := assess.ServerSheet(h.st)
	if err != nil {
		h.error(c, err)
		return
	}
	sheets, err := h.st.Sheets(ctx)
	if err != nil {
		h.error(c, err)
		return
	}
	as, err := h.st.SheetAssignments(ctx)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, SheetsAnswer{Server: SheetInfo{Name: server.Name, SHA: server.SHA, Source: server.Source}, Sheets: sheets, Assignments: as})
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
	counties, err := h.sheetCounties(c.Request.Context(), ns.Name)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, SheetAnswer{NamedSheet: ns, Counties: counties})
}

// putSheet stores a sheet: the body is its text, YAML or JSON, whose name
// field must be the name in the path. A faulty sheet is refused with the
// line and column of the fault; the counties already using a sheet of
// that name are checked again with the new text.
func (h *handler) putSheet(c *gin.Context) {
	name := c.Param("name")
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		h.bodyError(c, err, "body", "请求体应为评分表的 YAML 或 JSON 文本")
		return
	}
	sheet, err := assess.ParseSheet(name, body, nil)
	if err != nil {
		h.error(c, &query.InputError{Field: "body", Message: err.Error()})
		return
	}
	if sheet.Name != name {
		h.error(c, &query.InputError{Field: "name", Message: fmt.Sprintf("评分表中的 name 是“%s”，与地址中的“%s”不同", sheet.Name, name)})
		return
	}
	ctx := c.Request.Context()
	ns, err := h.st.SaveSheet(ctx, name, body, c.GetString("who"))
	if err != nil {
		h.error(c, err)
		return
	}
	counties, err := h.sheetCounties(ctx, name)
	if err != nil {
		h.error(c, err)
		return
	}
	h.recheck(ctx, counties)
	h.log.Info("score sheet stored", "name", name, "sha", ns.SHA, "by", c.GetString("who"))
	ns.Body = ""
	h.answer(c, SheetAnswer{NamedSheet: ns, Counties: counties})
}

// putSheetPlace makes a county or city use a stored sheet; deleteSheetPlace
// takes that away. The counties concerned are checked again at once, so
// their findings follow the sheet in force.
func (h *handler) putSheetPlace(c *gin.Context) { h.assignSheet(c, c.Param("name")) }

func (h *handler) deleteSheetPlace(c *gin.Context) {
	as, err := h.st.SheetAssignments(c.Request.Context())
	if err != nil {
		h.error(c, err)
		return
	}
	for _, a := range as {
		if a.Place == c.Param("place") && a.Sheet == c.Param("name") {
			h.assignSheet(c, "")
			return
		}
	}
	h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("%s没有指定评分表“%s”", c.Param("place"), c.Param("name")))
}

func (h *handler) assignSheet(c *gin.Context, sheet string) {
	ctx := c.Request.Context()
	place := strings.TrimSpace(c.Param("place"))
	if place == "" || utf8.RuneCountInString(place) > maxPlaceRunes {
		h.error(c, &query.InputError{Field: "place", Message: fmt.Sprintf("地方应为县（市、区）或市的名称或 6 位区划代码，最长 %d 字", maxPlaceRunes)})
		return
	}
	known, err := h.st.PlaceKnown(ctx, place)
	if err != nil {
		h.error(c, err)
		return
	}
	if !known {
		h.error(c, &query.InputError{Field: "place", Message: fmt.Sprintf("不认识“%s”：应为有报告的县（市、区）的名称，或区划中县、市的名称或 6 位代码", place)})
		return
	}
	if err := h.st.AssignSheet(ctx, place, sheet, c.GetString("who")); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("没有名为“%s”的评分表", sheet))
			return
		}
		h.error(c, err)
		return
	}
	counties, err := h.st.PlaceCounties(ctx, place)
	if err != nil {
		h.error(c, err)
		return
	}
	h.recheck(ctx, counties)
	h.log.Info("score sheet assigned", "place", place, "sheet", sheet, "by", c.GetString("who"))
	h.answer(c, gin.H{"place": place, "sheet": sheet, "counties": counties})
}

// sheetCounties are the counties a stored sheet applies to now.
func (h *handler) sheetCounties(ctx context.Context, name string) ([]string, error) {
	as, err := h.st.SheetAssignments(ctx)
	if err != nil {
		return nil, err
	}
	counties := []string{}
	seen := map[string]bool{}
	for _, a := range as {
		if a.Sheet != name {
			continue
		}
		cs, err := h.st.PlaceCounties(ctx, a.Place)
		if err != nil {
			return nil, err
		}
		for _, county := range cs {
			if seen[county] {
				continue
			}
			seen[county] = true
			// A county of a city may have a sheet of its own.
			if s, err := assess.SheetFor(ctx, h.st, county); err == nil && s.Name == name {
				counties = append(counties, county)
			}
		}
	}
	return counties, nil
}

// recheck checks counties again with their sheets; a failure is logged,
// as the change itself is stored.
func (h *handler) recheck(ctx context.Context, counties []string) {
	spans := make([]assess.CountySpan, len(counties))
	for i, county := range counties {
		spans[i] = assess.CountySpan{County: county, From: 1990, To: 2100}
	}
	if err := assess.RecheckCounties(ctx, h.st, spans, nil); err != nil {
		h.log.Error("assessment checks after a sheet change", "counties", len(counties), "err", err)
	}
}
