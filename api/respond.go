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
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

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
	body, err := json.Marshal(v)
	if err != nil {
		h.error(c, fmt.Errorf("encode answer: %w", err))
		return
	}
	h.write(c, "application/json; charset=utf-8", body)
}

func (h *handler) write(c *gin.Context, contentType string, body []byte) {
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

// export answers res as JSON, CSV or XLSX.
func (h *handler) export(c *gin.Context, format, name string, res tabler) {
	switch format {
	case "csv":
		c.Header("Content-Disposition", disposition(name+".csv"))
		h.write(c, "text/csv; charset=utf-8", CSV(res.Tables()))
	case "xlsx":
		body, err := XLSX(res.Tables())
		if err != nil {
			h.error(c, err)
			return
		}
		c.Header("Content-Disposition", disposition(name+".xlsx"))
		h.write(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
	default:
		h.answer(c, res)
	}
}

func disposition(file string) string {
	return fmt.Sprintf(`attachment; filename=%q; filename*=UTF-8''%s`, file, url.PathEscape(file))
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return csvSafe(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// csvSafe keeps Excel from reading a text cell as a formula: a value
// starting with =, +, -, @, a tab or a carriage return (an agency named
// "=HYPERLINK(…)" in an uploaded report) gets a leading apostrophe, which
// Excel shows as text and hides. Numbers are not strings here, so a
// negative number is never touched.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSV renders tables as UTF-8 CSV with a byte-order mark, so Excel opens
// the Chinese headers right. Several tables follow each other, each after
// a line with its title and separated by a blank line.
func CSV(tables []query.Table) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for i, t := range tables {
		if len(tables) > 1 {
			if i > 0 {
				w.Write(nil)
			}
			w.Write([]string{t.Title})
		}
		w.Write(t.Columns)
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

// XLSX renders tables as a workbook, one sheet per table, headers in bold.
func XLSX(tables []query.Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
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
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return nil, fmt.Errorf("xlsx sheet: %w", err)
		}
		head := make([]any, len(t.Columns))
		for j, col := range t.Columns {
			head[j] = excelize.Cell{StyleID: bold, Value: col}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return nil, fmt.Errorf("xlsx header: %w", err)
		}
		for r, row := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, row); err != nil {
				return nil, fmt.Errorf("xlsx row %d: %w", r+2, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, fmt.Errorf("xlsx flush: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
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
