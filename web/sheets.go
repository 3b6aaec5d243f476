package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/assess"
)

// The score-sheet page (评分表): an admin stores a sheet, pasted or as a
// file, and chooses it for a county or a city. Writes go through the
// API's /api/v1/sheets routes like every other page's.

func init() {
	actionLabels["sheet"] = "存入评分表"
	actionLabels["sheet-assign"] = "指定评分表"
}

// maxSheetForm bounds the sheet form: a sheet is a few KB; the API holds
// the text itself to api.DefaultMaxBody.
const maxSheetForm = 1 << 20

// pastedName names pasted text in the sheet's error messages.
const pastedName = "粘贴的评分表"

type sheetsPage struct {
	api.SheetsAnswer
	Body  string // the text to show again after a refusal
	Place string
}

func (h *handler) sheetsPage(c *gin.Context) {
	h.showSheets(c, http.StatusOK, "", sheetsPage{})
}

// showSheets renders the page with the API's list, and msg as the error.
func (h *handler) showSheets(c *gin.Context, status int, msg string, p sheetsPage) {
	rep := h.callAPI(c, http.MethodGet, "/api/v1/sheets", "", nil)
	if rep.status != http.StatusOK || json.Unmarshal(rep.body.Bytes(), &p.SheetsAnswer) != nil {
		h.log.Error("sheets page", "status", rep.status)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "评分表", Error: "读取评分表出错"})
		return
	}
	h.page(c, status, "sheets", pageData{Title: "评分表", Error: msg, Body: p})
}

// saveSheet stores the pasted text, or the chosen file when there is one.
// The text is read here only to find its name for the API's address; the
// API checks it and its answer's error, with line and column, is shown.
func (h *handler) saveSheet(c *gin.Context) {
	body, file := c.PostForm("body"), pastedName
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err == nil {
			b, rerr := io.ReadAll(io.LimitReader(f, maxSheetForm))
			f.Close()
			body, file, err = string(b), fh.Filename, rerr
		}
		if err != nil {
			h.showSheets(c, http.StatusBadRequest, "读不了上传的文件："+err.Error(), sheetsPage{})
			return
		}
	}
	if strings.TrimSpace(body) == "" {
		h.showSheets(c, http.StatusBadRequest, "请粘贴评分表的 YAML 或 JSON 文本，或选择一个文件。", sheetsPage{})
		return
	}
	sheet, err := assess.ParseSheet(file, []byte(body), nil)
	if err != nil {
		h.showSheets(c, http.StatusBadRequest, err.Error(), sheetsPage{Body: body})
		return
	}
	rep := h.callAPI(c, http.MethodPut, "/api/v1/sheets/"+url.PathEscape(sheet.Name), "application/yaml", strings.NewReader(body))
	h.afterSheetWrite(c, rep, fmt.Sprintf("已存入评分表“%s”", sheet.Name), sheetsPage{Body: body})
}

// assignSheet chooses a stored sheet for a county or city; an empty
// choice takes the place's sheet away.
func (h *handler) assignSheet(c *gin.Context) {
	place, sheet := strings.TrimSpace(c.PostForm("place")), c.PostForm("sheet")
	if place == "" {
		h.showSheets(c, http.StatusBadRequest, "请填写县（市、区）或市的名称或区划代码。", sheetsPage{})
		return
	}
	method, done := http.MethodPut, fmt.Sprintf("%s今后使用评分表“%s”", place, sheet)
	if sheet == "" {
		sheet = c.PostForm("current")
		method, done = http.MethodDelete, fmt.Sprintf("已取消为%s指定的评分表", place)
	}
	rep := h.callAPI(c, method, "/api/v1/sheets/"+url.PathEscape(sheet)+"/places/"+url.PathEscape(place), "", nil)
	h.afterSheetWrite(c, rep, done, sheetsPage{Place: place})
}

func (h *handler) afterSheetWrite(c *gin.Context, rep *apiReply, done string, p sheetsPage) {
	if rep.status >= 300 {
		h.showSheets(c, rep.status, rep.message(), p)
		return
	}
	if ss := current(c); ss != nil {
		h.sessions.setFlash(ss, done)
	}
	c.Redirect(http.StatusSeeOther, "/web/sheets")
}
