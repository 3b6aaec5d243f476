package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/report"
	"nianbao/store"
)

type sourceLine struct {
	N    int
	Text string
	Hit  bool
}

// sourcePage shows the stored document of a report with the line a cell
// was read from highlighted; for a PDF, the cited page as an image beside
// the text.
func (h *handler) sourcePage(c *gin.Context) {
	id, d, ok := h.reportOf(c, "source page")
	if !ok {
		return
	}
	title := fmt.Sprintf("原文：%s%s %d 年度报告", d.County, d.Agency, d.Year)
	doc, err := h.st.Source(c.Request.Context(), d.SHA256)
	if errors.Is(err, store.ErrNotFound) {
		h.page(c, http.StatusNotFound, "message", pageData{Title: title, Error: "这份报告入库时没有保存原件（保存原件之前入库，或由命令行导入）。重新上传一次即可查看原文。"})
		return
	}
	if err != nil {
		h.log.Error("source page", "id", id, "err", err)
		h.page(c, http.StatusInternalServerError, "message", pageData{Title: title, Error: "读取原件出错"})
		return
	}
	code := c.Query("code")
	src, hasSrc := d.Sources[code]
	line := src.Line
	if n, err := strconv.Atoi(c.Query("line")); err == nil && n > 0 {
		line = n
	}
	var lines []sourceLine
	for i, t := range strings.Split(strings.ReplaceAll(doc.Text, "\f", "\n"), "\n") {
		lines = append(lines, sourceLine{N: i + 1, Text: t, Hit: i+1 == line})
	}
	body := gin.H{"R": d, "Doc": doc, "Lines": lines, "Line": line, "Code": code, "Label": report.Label(code),
		"Place": place(src, hasSrc), "Raw": src.Raw, "PDF": bytes.HasPrefix(doc.Bytes, []byte("%PDF")), "Page": src.Page}
	h.page(c, http.StatusOK, "source", pageData{Title: title, Body: body})
}

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// pdfPage renders one page of a stored PDF as PNG with pdftoppm.
func (h *handler) pdfPage(c *gin.Context) {
	sha := c.Param("sha")
	n, err := strconv.Atoi(strings.TrimSuffix(c.Param("page"), ".png"))
	if !shaRe.MatchString(sha) || err != nil || n < 1 || n > 10000 {
		c.String(http.StatusBadRequest, "页码不对")
		return
	}
	doc, err := h.st.Source(c.Request.Context(), sha)
	if err != nil || !bytes.HasPrefix(doc.Bytes, []byte("%PDF")) {
		c.String(http.StatusNotFound, "没有这份 PDF 原件")
		return
	}
	dir, err := os.MkdirTemp("", "nianbao-page-")
	if err != nil {
		c.String(http.StatusInternalServerError, "出错了")
		return
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, doc.Bytes, 0o600); err != nil {
		c.String(http.StatusInternalServerError, "出错了")
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 20*time.Second)
	defer cancel()
	out := filepath.Join(dir, "page")
	cmd := exec.CommandContext(ctx, "pdftoppm", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-r", "100", "-png", "-singlefile", in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		h.log.Warn("pdftoppm", "sha", sha, "page", n, "err", err, "out", string(msg))
		c.String(http.StatusUnprocessableEntity, "无法显示这一页（可能超出页数，或服务器未安装 poppler-utils）")
		return
	}
	png, err := os.ReadFile(out + ".png")
	if err != nil {
		c.String(http.StatusInternalServerError, "出错了")
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
}
