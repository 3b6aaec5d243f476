package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/internal/cellsafe"
	"nianbao/query"
	"nianbao/store"
)

// ErrorBody is the JSON of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: Code is one of bad_request, not_found,
// unauthorized, too_large, unreadable, internal; Message is for people.
type ErrorDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   string   `json:"field,omitempty"`
	Valid   []string `json:"valid,omitempty"`
}

func (h *handler) fail(c *gin.Context, status int, code, msg string) {
	if status == http.StatusUnauthorized || status == http.StatusRequestEntityTooLarge || status == http.StatusServiceUnavailable {
		closeIfBody(c)
	}
	c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{Code: code, Message: msg}})
}

// error answers err: input errors 400, missing reports 404, the rest 500
// (logged; the message hides the details).
func (h *handler) error(c *gin.Context, err error) {
	var ie *query.InputError
	switch {
	case errors.As(err, &ie):
		c.AbortWithStatusJSON(http.StatusBadRequest, ErrorBody{ErrorDetail{Code: "bad_request", Message: ie.Message, Field: ie.Field, Valid: ie.Valid}})
	case errors.Is(err, store.ErrNotFound):
		h.fail(c, http.StatusNotFound, "not_found", "没有这份报告："+c.Param("id"))
	default:
		h.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		h.fail(c, http.StatusInternalServerError, "internal", "服务器内部错误，已记录")
	}
}

// answer writes v as JSON, with an ETag (304 when If-None-Match has it)
// and gzip when the client takes it.
func (h *handler) answer(c *gin.Context, v any) {
	if h.answerWhole(c, v) {
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		h.error(c, fmt.Errorf("encode answer: %w", err))
		return
	}
	h.write(c, jsonType, body)
}

const jsonType = "application/json; charset=utf-8"

// fileTypes are the content types of the files the API hands out, by
// extension.
var fileTypes = map[string]string{
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".zip":  "application/zip",
}

// file answers a download named name (its extension one of fileTypes'):
// the body made by a writer, or err as a 500 when making it failed.
func (h *handler) file(c *gin.Context, name string, body []byte, err error) {
	if err != nil {
		h.error(c, err)
		return
	}
	c.Header("Content-Disposition", disposition(name))
	h.write(c, fileTypes[path.Ext(name)], body)
}

func (h *handler) write(c *gin.Context, contentType string, body []byte) {
	if h.keepAnswer(c, contentType, body) {
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-cache")
	c.Header("Vary", "Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" {
		for _, m := range strings.Split(match, ",") {
			if m = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m), "W/")); m == etag || m == "*" {
				c.Status(http.StatusNotModified)
				c.Writer.WriteHeaderNow()
				return
			}
		}
	}
	if len(body) > 1024 && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(body)
		zw.Close()
		c.Header("Content-Encoding", "gzip")
		body = buf.Bytes()
	}
	c.Data(http.StatusOK, contentType, body)
}

// exportFormat reads ?format= for export, answering a 400 and false when
// it names none of json, csv, xlsx; checked before the work it would
// format.
func (h *handler) exportFormat(c *gin.Context) (string, bool) {
	format := c.Query("format")
	switch format {
	case "", "json", "csv", "xlsx":
		return format, true
	}
	h.error(c, &query.InputError{Field: "format", Message: fmt.Sprintf("未知的格式 %q", format), Valid: []string{"json", "csv", "xlsx"}})
	return "", false
}

// export answers res as JSON, CSV or XLSX. name is the file name without
// extension, in Chinese (statFileName). A CSV holds one table (Excel opens
// nothing else cleanly): the first, or the n-th with ?table=n; its file
// name then carries that table's title.
func (h *handler) export(c *gin.Context, format, name string, res tabler) {
	switch format {
	case "csv":
		tables := res.Tables()
		i := 0
		if s := strings.TrimSpace(c.Query("table")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > len(tables) {
				h.error(c, &query.InputError{Field: "table", Message: fmt.Sprintf("参数 table 应为 1 至 %d 之间的整数（第几张表），收到 %q", len(tables), s)})
				return
			}
			i = n - 1
		}
		if len(tables) > 1 {
			name += "_" + tables[i].Title
		}
		c.Header("Content-Disposition", disposition(name+".csv"))
		h.write(c, "text/csv; charset=utf-8", CSV(tables[i:i+1]))
	case "xlsx":
		body, err := XLSX(res.Tables())
		h.file(c, name+".xlsx", body, err)
	default:
		h.answer(c, res)
	}
}

// statNames are the Chinese names of the downloads.
var statNames = map[string]string{
	"reports": "年度报告", "cells": "单元格汇总", "applications": "申请情况", "outcomes": "办理结果",
	"reviews": "复议诉讼", "proactive": "主动公开", "compare": "横向比较", "findings": "报告问题",
	"audit": "操作记录",
}

// statFileName names a download after what it holds: the place, the year
// and the statistic, e.g. 乐至县_2023_办理结果 (全部 without a place).
func statFileName(p params, stat string) string {
	var parts []string
	for _, place := range []string{p.f.Province, p.f.City, p.f.County, p.f.Agency} {
		if place != "" {
			parts = append(parts, place)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "全部")
	}
	if p.f.Year != 0 {
		parts = append(parts, strconv.Itoa(p.f.Year))
	}
	name := stat
	if zh, ok := statNames[stat]; ok {
		name = zh
	}
	return strings.Join(append(parts, name), "_")
}

// disposition is an attachment header with the Chinese file name as RFC
// 5987 filename* and an ASCII stand-in as filename for old clients
// (RFC 6266: filename= carries no raw UTF-8).
func disposition(file string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, file)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, rfc5987(file))
}

// rfc5987 percent-encodes every byte outside RFC 5987's attr-char.
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x80 && (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(attr, ch) >= 0) {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return cellsafe.Text(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// CSV renders tables as UTF-8 CSV with a byte-order mark, so Excel opens
// the Chinese headers right: the header on the first line, then the rows.
// Callers pass one table (export picks it); several would be written one
// after the other without titles, which no spreadsheet reads as one.
func CSV(tables []query.Table) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for _, t := range tables {
		w.Write(cellsafe.Strings(t.Columns))
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for j, v := range row {
				rec[j] = cellText(v)
			}
			w.Write(rec)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// XLSX renders tables as a workbook an office can work in at once: one
// sheet per table, a bold header row that stays frozen while scrolling,
// an autofilter on it, columns as wide as their text, numbers stored as
// numbers with thousands separators, and shares (query.Table.Percent) as
// percentages (62.1 % rather than 0.6210526).
func XLSX(tables []query.Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF1F5"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	pctFmt := "0.0%"
	percent, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pctFmt})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t.Title, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("xlsx sheet: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("xlsx sheet: %w", err)
		}
		if err := writeSheet(f, name, t, head, percent, whole); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, sheet string, t query.Table, head, percent, whole int) error {
	if len(t.Columns) == 0 {
		return nil
	}
	widths := make([]float64, len(t.Columns))
	wholeCol := make([]bool, len(t.Columns))
	for j, col := range t.Columns {
		widths[j] = textWidth(col)
		wholeCol[j] = true
	}
	header := cellsafe.Strings(t.Columns)
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return fmt.Errorf("xlsx header: %w", err)
	}
	for r, row := range t.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
			if j >= len(widths) {
				continue
			}
			switch x := v.(type) {
			case float64:
				if x != float64(int64(x)) {
					wholeCol[j] = false
				}
				widths[j] = max(widths[j], textWidth(strconv.FormatFloat(x, 'f', -1, 64))+2)
			case string:
				vals[j] = cellsafe.Text(x) // text an agency chose is never a formula
				wholeCol[j] = false
				widths[j] = max(widths[j], textWidth(x))
			case nil:
			default:
				wholeCol[j] = false
				widths[j] = max(widths[j], textWidth(fmt.Sprint(x)))
			}
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("xlsx row %d: %w", r+2, err)
		}
	}
	last, _ := excelize.ColumnNumberToName(len(t.Columns))
	for j := range t.Columns {
		col, _ := excelize.ColumnNumberToName(j + 1)
		w := min(max(widths[j]+2, 6), 60)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return fmt.Errorf("xlsx width: %w", err)
		}
		style := 0
		switch {
		case t.IsPercent(j):
			style = percent
		case wholeCol[j] && numericCol(t, j):
			style = whole
		}
		if style != 0 && len(t.Rows) > 0 {
			end, _ := excelize.CoordinatesToCellName(j+1, len(t.Rows)+1)
			if err := f.SetCellStyle(sheet, col+"2", end, style); err != nil {
				return fmt.Errorf("xlsx style: %w", err)
			}
		}
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx panes: %w", err)
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, len(t.Rows)+1), nil); err != nil {
		return fmt.Errorf("xlsx filter: %w", err)
	}
	return nil
}

// numericCol tells whether column j holds float64 figures (counts), not
// ids or years, which stay without a thousands separator.
func numericCol(t query.Table, j int) bool {
	for _, row := range t.Rows {
		if j < len(row) {
			if _, ok := row[j].(float64); ok {
				return true
			}
		}
	}
	return false
}

// textWidth is the width of s in Excel's character units: a Chinese
// character takes two.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r > 0x2e7f {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// sheetName makes a valid, unique sheet name (31 characters, none of
// []:*?/\).
func sheetName(title string, i int, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(title))
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	if name == "" || used[name] {
		name = fmt.Sprintf("%s%d", name, i+1)
	}
	used[name] = true
	return name
}
