package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/store"
)

// The score-sheet page (评分表): an admin stores a sheet, pasted or as a
// file, and chooses it for a county or a city. Writes go through package
// change like every other page's (change.SaveSheet, change.AssignSheet);
// the list is api.Sheets, the answer of GET /api/v1/sheets.

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
	list, err := api.Sheets(c.Request.Context(), h.st)
	if err != nil {
		h.log.Error("sheets page", "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: "评分表", Error: "读取评分表出错"})
		return
	}
	p.SheetsAnswer = list
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
	ns, _, err := h.ch.SaveSheet(c.Request.Context(), current(c).user, file, "", []byte(body))
	h.afterSheetWrite(c, err, fmt.Sprintf("已存入评分表“%s”", ns.Name), sheetsPage{Body: body})
}

// assignSheet chooses a stored sheet for a county or city; an empty
// choice takes the place's sheet away.
func (h *handler) assignSheet(c *gin.Context) {
	place, sheet := strings.TrimSpace(c.PostForm("place")), c.PostForm("sheet")
	if place == "" {
		h.showSheets(c, http.StatusBadRequest, "请填写县（市、区）或市的名称或区划代码。", sheetsPage{})
		return
	}
	cur, done := "", fmt.Sprintf("%s今后使用评分表“%s”", place, sheet)
	if sheet == "" {
		cur, done = c.PostForm("current"), fmt.Sprintf("已取消为%s指定的评分表", place)
	}
	_, err := h.ch.AssignSheet(c.Request.Context(), current(c).user, place, sheet, cur)
	h.afterSheetWrite(c, err, done, sheetsPage{Place: place})
}

func (h *handler) afterSheetWrite(c *gin.Context, err error, done string, p sheetsPage) {
	if err != nil {
		status, _, msg := change.Explain(err)
		if errors.Is(err, store.ErrNotFound) {
			status, msg = http.StatusNotFound, err.Error()
		}
		if status == http.StatusInternalServerError {
			h.log.Error("sheets page write", "err", err)
		}
		h.showSheets(c, status, msg, p)
		return
	}
	if ss := current(c); ss != nil {
		h.sessions.setFlash(ss, done)
	}
	c.Redirect(http.StatusSeeOther, "/web/sheets")
}
