package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/dashboards"
	"nianbao/internal/cellsafe"
	"nianbao/query"
	"nianbao/query/querytest"
)

// The names an uploader could give an agency or a county to make an
// office's spreadsheet run something.
var hostileNames = []string{`=HYPERLINK("http://x")`, `+cmd|' /C calc'!A0`, `@SUM(1)`, "-2+3"}

// TestEveryDownloadEscapesFormulas starts the whole router of serve (API,
// dashboards, pages) over reports whose agencies, county and audit
// comments start like formulas, asks every GET route of the router for
// CSV and XLSX, and checks that no text cell of any download starts with
// = + - @ tab or CR unescaped (numbers are left alone: they are numbers).
func TestEveryDownloadEscapesFormulas(t *testing.T) {
	st := querytest.Open(t)
	ctx := context.Background()
	var ids []int64
	for i, r := range querytest.Reports() {
		r.Agency = hostileNames[i%len(hostileNames)]
		if i%2 == 0 {
			r.County = hostileNames[1]
		}
		res, err := st.Save(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	const tok = "tok-admin"
	h := newServerOn(st, query.New(st), api.Options{Tokens: map[string]string{tok: "@管理员"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		slog.New(slog.NewTextHandler(io.Discard, nil)), false, dashboards.WithAssetsDir(t.TempDir()))
	// A correction and a review with formula-like reasons, for the audit log.
	for _, w := range []struct{ method, path, body string }{
		{http.MethodPut, fmt.Sprintf("/api/v1/reports/%d/cells/t3.new.total", ids[0]), `{"value": 7, "reason": "=1+1 笔误"}`},
		{http.MethodPut, fmt.Sprintf("/api/v1/reports/%d/findings/0/review", ids[0]), `{"state": "confirmed", "comment": "@SUM(1) 已核"}`},
	} {
		req := httptest.NewRequest(w.method, w.path, strings.NewReader(w.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", w.method, w.path, rec.Code, rec.Body)
		}
	}

	params := map[string]string{"id": strconv.FormatInt(ids[0], 10), "code": "t3.new.total", "version": "1", "index": "0"}
	// Routes that answer nothing without a query of their own.
	place := url.Values{"county": {hostileNames[1]}, "year": {"2022"}}.Encode()
	// The assessment scores the registry's bodies of a county it knows:
	// 乐至县, where the report of an agency with a hostile name is filed.
	registered := url.Values{"county": {"乐至县"}, "year": {"2022"}}.Encode()
	needs := map[string]string{"/api/v1/cells": "codes=t3.new.total,t3.granted.total", "/api/v1/assessment": registered, "/api/v1/stats/compare": place}
	var downloads []string
	for _, route := range h.(*gin.Engine).Routes() {
		if route.Method != http.MethodGet {
			continue
		}
		path, ok := fill(route.Path, params)
		if !ok {
			t.Logf("skipped %s: a parameter the test does not fill", route.Path)
			continue
		}
		for _, format := range []string{"", "csv", "xlsx"} {
			q := needs[route.Path]
			if format != "" {
				q += "&format=" + format
			}
			u := path + "?" + strings.TrimPrefix(q, "&")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
			ct := rec.Header().Get("Content-Type")
			switch {
			case rec.Code != http.StatusOK:
				if _, ok := needs[route.Path]; ok {
					t.Logf("%s: %d %.200s", u, rec.Code, rec.Body)
				}
			case strings.HasPrefix(ct, "text/csv"):
				downloads = append(downloads, route.Path+" csv")
				checkCSV(t, u, rec.Body.Bytes())
			case strings.Contains(ct, "spreadsheetml"):
				downloads = append(downloads, route.Path+" xlsx")
				checkXLSX(t, u, rec.Body.Bytes())
			}
		}
	}
	slices.Sort(downloads)
	downloads = slices.Compact(downloads)
	t.Logf("%d downloads checked: %s", len(downloads), strings.Join(downloads, ", "))
	// The walk must have reached the downloads people use, or it proves nothing.
	for _, want := range []string{"/web/audit csv", "/web/audit xlsx", "/api/v1/reports csv", "/api/v1/reports xlsx", "/api/v1/reports/:id xlsx", "/api/v1/assessment xlsx", "/api/v1/cells csv", "/api/v1/stats/compare csv"} {
		if !slices.Contains(downloads, want) {
			t.Errorf("download %s not reached", want)
		}
	}
}

// fill puts values in a route's parameters; false when one is unknown.
func fill(route string, params map[string]string) (string, bool) {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			v, known := params[name]
			if !known {
				return "", false
			}
			parts[i] = url.PathEscape(v)
		}
		if strings.HasPrefix(p, "*") {
			return "", false
		}
	}
	return strings.Join(parts, "/"), true
}

// isNumber tells a number written as text by a CSV (a negative change).
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	return err == nil
}

func checkCSV(t *testing.T, u string, body []byte) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Errorf("%s: not CSV: %v", u, err)
		return
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if cellsafe.Unsafe(cell) && !isNumber(cell) {
				t.Errorf("%s: row %d column %d starts like a formula: %q", u, i+1, j+1, cell)
			}
		}
	}
}

func checkXLSX(t *testing.T, u string, body []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: not XLSX: %v", u, err)
		return
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Errorf("%s %s: %v", u, sheet, err)
			continue
		}
		for i, row := range rows {
			for j, cell := range row {
				axis, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, axis); formula != "" {
					t.Errorf("%s %s!%s holds a formula: %q", u, sheet, axis, formula)
				}
				typ, _ := f.GetCellType(sheet, axis)
				if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && isNumber(cell) {
					continue // a number, stored as one
				}
				if cellsafe.Unsafe(cell) {
					t.Errorf("%s %s!%s starts like a formula: %q", u, sheet, axis, cell)
				}
			}
		}
	}
}
