package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// Requests of the registry and version routes.
type (
	// RestoreRequest is the body of POST /reports/{id}/versions/{v}/restore.
	RestoreRequest struct {
		Reason string `json:"reason"`
	}
	// MetaRequest is the body of PATCH /reports/{id}: the fields to change.
	MetaRequest struct {
		Agency *string `json:"agency"`
		County *string `json:"county"`
		Year   *int    `json:"year"`
		Reason string  `json:"reason"`
	}
	// MergeRequest is the body of POST /agencies/{id}/merge.
	MergeRequest struct {
		Into   string `json:"into"`
		Reason string `json:"reason"`
	}
	// FilingMarkRequest is the body of PUT /filing/{agency}/{year}.
	FilingMarkRequest struct {
		State   string `json:"state"` // unpublished, or "" to withdraw
		Comment string `json:"comment"`
	}
)

// registryError maps the store's errors of registry changes to answers.
func (h *handler) registryError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, store.ErrBadVersion):
		h.fail(c, http.StatusNotFound, "not_found", "没有这个版本："+err.Error())
	case errors.Is(err, store.ErrConflict):
		c.AbortWithStatusJSON(http.StatusConflict, ErrorBody{ErrorDetail{Code: "conflict", Message: err.Error()}})
	case errors.Is(err, store.ErrBadPlace):
		h.error(c, &query.InputError{Field: "county", Message: err.Error()})
	case errors.Is(err, store.ErrNoReason):
		h.error(c, &query.InputError{Field: "reason", Message: "这项修改必须写明理由（reason / comment）"})
	case errors.Is(err, store.ErrBadReview):
		h.error(c, &query.InputError{Field: "state", Message: "state 应为 unpublished（已核实未发布）或空（撤销）", Valid: []string{"unpublished", ""}})
	case errors.Is(err, store.ErrNotFound) && c.Param("id") != "" && c.Param("agency") == "" && strings.HasPrefix(c.FullPath(), "/api/v1/agencies"):
		h.fail(c, http.StatusNotFound, "not_found", "没有这个单位："+c.Param("id"))
	default:
		h.error(c, err)
	}
}

func versionParam(c *gin.Context, name, value string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || v < 0 {
		return 0, &query.InputError{Field: name, Message: fmt.Sprintf("版本号 %s 应为非负整数，收到 %q", name, value)}
	}
	return v, nil
}

func (h *handler) listVersions(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	vs, err := h.st.Versions(c.Request.Context(), id)
	if err != nil {
		h.registryError(c, err)
		return
	}
	h.answer(c, gin.H{"report_id": id, "versions": vs})
}

func (h *handler) restoreVersion(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	v, err := versionParam(c, "version", c.Param("version"))
	if err != nil {
		h.error(c, err)
		return
	}
	var req RestoreRequest
	if err := c.ShouldBindJSON(&req); err != nil || strings.TrimSpace(req.Reason) == "" {
		h.error(c, &query.InputError{Field: "reason", Message: `请求体应为 JSON：{"reason": "恢复理由"}`})
		return
	}
	res, err := h.ch.Restore(c.Request.Context(), h.actor(c), id, v, req.Reason)
	if err != nil {
		h.changeError(c, err, h.registryError)
		return
	}
	h.log.Info("version restored", "id", id, "version", v, "by", c.GetString("who"))
	vs, err := h.st.Versions(c.Request.Context(), id)
	if err != nil {
		h.error(c, err)
		return
	}
	// The corrections the restored version reads differently are kept,
	// not applied (待复核): the answer names them.
	c.JSON(http.StatusOK, gin.H{"report_id": id, "current": v, "versions": vs,
		"corrections_kept": res.Corrected, "corrections_to_review": append([]string{}, res.Dropped...)})
}

func (h *handler) diffVersions(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	a, err := versionParam(c, "a", c.Query("a"))
	if err != nil {
		h.error(c, err)
		return
	}
	b, err := versionParam(c, "b", c.Query("b"))
	if err != nil {
		h.error(c, err)
		return
	}
	d, err := h.st.Diff(c.Request.Context(), id, a, b)
	if err != nil {
		h.registryError(c, err)
		return
	}
	type row struct {
		store.CellDiff
		Label string `json:"label"`
	}
	out := make([]row, len(d))
	for i, x := range d {
		out[i] = row{CellDiff: x, Label: report.Label(x.Code)}
	}
	h.answer(c, gin.H{"report_id": id, "a": a, "b": b, "changed": len(d), "cells": out})
}

func (h *handler) updateMeta(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	var req MetaRequest
	if err := c.ShouldBindJSON(&req); err != nil || (req.Agency == nil && req.County == nil && req.Year == nil) {
		h.error(c, &query.InputError{Field: "body", Message: `请求体应为 JSON：{"agency": "…", "county": "…", "year": 2023, "reason": "修改理由"}（至少一项）`})
		return
	}
	err = h.ch.UpdateMeta(c.Request.Context(), h.actor(c), id, store.MetaChange{Agency: req.Agency, County: req.County, Year: req.Year}, req.Reason)
	if err != nil {
		h.changeError(c, err, h.registryError)
		return
	}
	h.log.Info("report metadata changed", "id", id, "by", c.GetString("who"))
	full, err := h.st.Get(c.Request.Context(), id)
	if err != nil {
		h.error(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "agency": full.Agency, "county": full.County, "year": full.Year})
}

func (h *handler) listAgencies(c *gin.Context) {
	f := store.AgencyFilter{County: strings.TrimSpace(c.Query("county")), Unregistered: flag(c, "unregistered"), WithReports: flag(c, "reported")}
	if l := strings.TrimSpace(c.Query("level")); l != "" {
		lv, ok := registry.ParseLevel(l)
		if !ok {
			h.error(c, &query.InputError{Field: "level", Message: "未知的层级：" + l, Valid: levelNames()})
			return
		}
		f.Level = string(lv)
	}
	if f.County == "" && !f.Unregistered && !f.WithReports {
		h.error(c, &query.InputError{Field: "county", Message: "请指定 county（县区名称或代码），或 unregistered=1 / reported=1：全国登记册有四万多个单位"})
		return
	}
	limit, offset, err := pageParams(c, agencyLimit, maxAgencyLimit)
	if err != nil {
		h.error(c, err)
		return
	}
	list, err := h.st.Agencies(c.Request.Context(), f)
	if err != nil {
		h.error(c, err)
		return
	}
	// At national size reported=1 or unregistered=1 match tens of
	// thousands of agencies: the answer is paged (issue 14).
	total := len(list)
	list = list[min(offset, total):min(offset+limit, total)]
	h.answer(c, gin.H{"agencies": list, "total": total, "limit": limit, "offset": offset})
}

// Page bounds of /agencies.
const (
	agencyLimit    = 1000
	maxAgencyLimit = 5000
)

// pageParams reads limit (default def, at most max) and offset.
func pageParams(c *gin.Context, def, max int) (limit, offset int, err error) {
	limit = def
	if s := strings.TrimSpace(c.Query("limit")); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 1 || n > max {
			return 0, 0, &query.InputError{Field: "limit", Message: fmt.Sprintf("limit 应为 1 至 %d 之间的整数", max)}
		}
		limit = n
	}
	if s := strings.TrimSpace(c.Query("offset")); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 0 {
			return 0, 0, &query.InputError{Field: "offset", Message: "offset 应为不小于 0 的整数"}
		}
		offset = n
	}
	return limit, offset, nil
}

func (h *handler) getAgency(c *gin.Context) {
	a, err := h.st.GetAgency(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.registryError(c, err)
		return
	}
	h.answer(c, a)
}

func (h *handler) mergeAgency(c *gin.Context) {
	var req MergeRequest
	if err := c.ShouldBindJSON(&req); err != nil || strings.TrimSpace(req.Into) == "" {
		h.error(c, &query.InputError{Field: "into", Message: `请求体应为 JSON：{"into": "保留的单位编号", "reason": "合并理由"}`})
		return
	}
	if err := h.ch.Merge(c.Request.Context(), h.actor(c), c.Param("id"), req.Into, req.Reason); err != nil {
		h.changeError(c, err, h.registryError)
		return
	}
	h.log.Info("agencies merged", "from", c.Param("id"), "into", req.Into, "by", c.GetString("who"))
	a, err := h.st.GetAgency(c.Request.Context(), req.Into)
	if err != nil {
		h.error(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *handler) unassigned(c *gin.Context) {
	list, err := h.st.Unassigned(c.Request.Context())
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, gin.H{"label": "待归属", "reports": list})
}

// filingLevels reads level=towns|departments|all or a list of levels.
func filingLevels(s string) ([]registry.Level, error) {
	switch strings.TrimSpace(s) {
	case "", "towns", "town_level":
		return nil, nil
	case "departments":
		return []registry.Level{registry.CountyDept, registry.CityDept}, nil
	case "all":
		return registry.Levels, nil
	}
	var out []registry.Level
	for _, part := range strings.Split(s, ",") {
		l, ok := registry.ParseLevel(part)
		if !ok {
			return nil, &query.InputError{Field: "level", Message: "未知的层级：" + part, Valid: append([]string{"towns", "departments", "all"}, levelNames()...)}
		}
		out = append(out, l)
	}
	return out, nil
}

func levelNames() []string {
	out := make([]string, len(registry.Levels))
	for i, l := range registry.Levels {
		out[i] = string(l)
	}
	return out
}

func (h *handler) filing(c *gin.Context) {
	place := strings.TrimSpace(c.Query("county"))
	for _, k := range []string{"city", "province"} {
		if place == "" {
			place = strings.TrimSpace(c.Query(k))
		}
	}
	year, err := strconv.Atoi(strings.TrimSpace(c.Query("year")))
	if err != nil {
		h.error(c, &query.InputError{Field: "year", Message: fmt.Sprintf("参数 year 应为年份，收到 %q", c.Query("year"))})
		return
	}
	levels, err := filingLevels(c.Query("level"))
	if err != nil {
		h.error(c, err)
		return
	}
	f, err := assess.FilingList(c.Request.Context(), h.st, place, year, levels, nil) // each county its own sheet's deadlines
	if err != nil {
		h.registryError(c, err)
		return
	}
	switch c.Query("format") {
	case "csv", "xlsx":
		h.export(c, c.Query("format"), fmt.Sprintf("%s_%d_报送情况", f.Name, year), filingTable{f})
		return
	}
	h.answer(c, f)
}

// filingTable lays a filing list out for Excel.
type filingTable struct{ f *store.Filing }

func (t filingTable) Tables() []query.Table {
	tb := query.Table{Title: fmt.Sprintf("%s %d 年报送情况", t.f.Name, t.f.Year),
		Columns: []string{"单位编号", "区划代码", "单位", "层级", "县（区）", "状态", "报告编号", "发布日期", "核实说明"}}
	for _, r := range t.f.Rows {
		var id any
		if r.ReportID != 0 {
			id = r.ReportID
		}
		tb.Rows = append(tb.Rows, []any{r.AgencyID, r.Code, r.Name, r.Level, r.County, r.StatusLabel, id, r.PublishedOn, r.Comment})
	}
	return []query.Table{tb}
}

func (h *handler) markFiling(c *gin.Context) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		h.error(c, &query.InputError{Field: "year", Message: "年度应为整数：" + c.Param("year")})
		return
	}
	var req FilingMarkRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		h.error(c, &query.InputError{Field: "body", Message: `请求体应为 JSON：{"state": "unpublished", "comment": "核实经过（何时查看了哪个网站）"}`})
		return
	}
	if err := h.ch.MarkFiling(c.Request.Context(), h.actor(c), c.Param("agency"), year, req.State, req.Comment); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			h.fail(c, http.StatusNotFound, "not_found", "没有这个单位："+c.Param("agency"))
			return
		}
		h.changeError(c, err, h.registryError)
		return
	}
	h.log.Info("filing marked", "agency", c.Param("agency"), "year", year, "state", req.State, "by", c.GetString("who"))
	c.JSON(http.StatusOK, gin.H{"agency_id": c.Param("agency"), "year": year, "state": req.State})
}

func (h *handler) registryInfo(c *gin.Context) {
	reg, err := registry.Default()
	if err != nil {
		h.error(c, err)
		return
	}
	counts := map[string]int{}
	for l, n := range reg.CountByLevel() {
		counts[string(l)] = n
	}
	h.answer(c, gin.H{"source": registry.Version, "standard": "GB/T 2260", "licence": "MIT", "counts": counts})
}
