package web

import (
	"bytes"
	"container/list"
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
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/ingest/document"
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
	title := fmt.Sprintf("原文：%s %d 年度报告", report.BodyName(d.County, d.Agency), d.Year)
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
	picture := isPicture(doc.Bytes)
	page := src.Page
	if picture && hasSrc {
		page = 1 // an uploaded picture is its one page
	}
	body := gin.H{"R": d, "Doc": doc, "Lines": lines, "Line": line, "Code": code, "Label": report.Label(code),
		"Place": place(src, hasSrc), "Raw": src.Raw, "PDF": bytes.HasPrefix(doc.Bytes, []byte("%PDF")) || picture, "Page": page}
	if box, ok := ocrBox(src.Note); ok {
		body["Box"] = box
		if isZip(doc.Bytes) {
			// A Word file's picture read by OCR: its page is the
			// picture, served as a page image (pdfPage).
			body["PDF"], body["Picture"] = true, true
		}
	}
	h.page(c, http.StatusOK, "source", pageData{Title: title, Body: body})
}

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// box is where on its page image a number read by OCR stands, in per
// cent of the page, and how sure the reading was.
type box struct {
	Left, Top, Width, Height float64
	Conf                     string
}

// ocrBoxRe reads the page box ocr.Mark notes on a cell read from an image:
// "区域(l,t,w,h) 置信度 c%，页面 W×H 像素".
var ocrBoxRe = regexp.MustCompile(`区域\((\d+),(\d+),(\d+),(\d+)\) 置信度 (\d+)%，页面 (\d+)×(\d+) 像素`)

// ocrBox gives the box of a cell read by OCR from its note, or false for a
// cell read from text. The box is a share of the page, so it stands where
// the number is on the page image whatever resolution that is drawn at.
func ocrBox(note string) (box, bool) {
	m := ocrBoxRe.FindStringSubmatch(note)
	if m == nil {
		return box{}, false
	}
	var n [7]float64
	for i := range n {
		n[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	if n[5] <= 0 || n[6] <= 0 {
		return box{}, false
	}
	return box{Left: 100 * n[0] / n[5], Top: 100 * n[1] / n[6], Width: 100 * n[2] / n[5], Height: 100 * n[3] / n[6], Conf: m[5]}, true
}

// isPicture tells a report uploaded as a picture (PNG, JPEG).
func isPicture(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF})
}

// isZip tells a stored Office file (.docx, .xlsx).
func isZip(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }

// Bounds of the page images of the source viewer (issue 20: a 14 400 pt
// page took 1.7 GB per render, 4 at once went over 5 GB, and the renders
// outlived the server that started them).
const (
	// pageMaxPixels is the longest side of a page image: the DPI is
	// lowered for a page that would be larger at pageDPI, and pdftoppm
	// crops at it whatever the page claims.
	pageMaxPixels = 2000
	// pageDPI is the resolution of a page of ordinary size (A4: 827×1169).
	pageDPI = 100
	// pageRenders is how many renders run at once in the server.
	pageRenders = 2
	// pageRenderWait is how long a render waits for a free one, then 503.
	pageRenderWait = 5 * time.Second
	// pageRenderTimeout bounds one render (and pdfinfo before it).
	pageRenderTimeout = 20 * time.Second
	// pageRenderMemory is the address space of pdftoppm and pdfinfo.
	pageRenderMemory = 512 << 20
	// pageCacheBytes bounds the cache of rendered pages.
	pageCacheBytes = 32 << 20
)

var (
	renderSlots = make(chan struct{}, pageRenders)
	pageImages  = newPageCache(pageCacheBytes)
)

// pdfPage renders one page of a stored PDF as PNG with pdftoppm, bounded
// in size, memory, time and concurrency, and keeps the image in a cache.
func (h *handler) pdfPage(c *gin.Context) {
	sha := c.Param("sha")
	n, err := strconv.Atoi(strings.TrimSuffix(c.Param("page"), ".png"))
	if !shaRe.MatchString(sha) || err != nil || n < 1 || n > 10000 {
		c.String(http.StatusBadRequest, "页码不对")
		return
	}
	key := pageKey{sha, n}
	if png, ok := pageImages.get(key); ok {
		c.Header("Cache-Control", "private, max-age=3600")
		c.Data(http.StatusOK, "image/png", png)
		return
	}
	doc, err := h.st.Source(c.Request.Context(), sha)
	if err == nil && n == 1 && isPicture(doc.Bytes) {
		// A report uploaded as a picture is its own page image.
		c.Header("Cache-Control", "private, max-age=3600")
		c.Data(http.StatusOK, http.DetectContentType(doc.Bytes), doc.Bytes)
		return
	}
	if err == nil && isZip(doc.Bytes) {
		// A Word file whose tables are pictures: page n of its cells
		// read by OCR is its picture n, served as stored.
		pic, err := document.DocxPicture(doc.Bytes, n)
		if err != nil || !isPicture(pic) {
			c.String(http.StatusNotFound, "这份 Word 原件中没有这张图片")
			return
		}
		c.Header("Cache-Control", "private, max-age=3600")
		c.Data(http.StatusOK, http.DetectContentType(pic), pic)
		return
	}
	if err != nil || !bytes.HasPrefix(doc.Bytes, []byte("%PDF")) {
		c.String(http.StatusNotFound, "没有这份 PDF 原件")
		return
	}
	wait := time.NewTimer(pageRenderWait)
	defer wait.Stop()
	select {
	case renderSlots <- struct{}{}:
		defer func() { <-renderSlots }()
	case <-wait.C:
		c.Header("Retry-After", "10")
		c.String(http.StatusServiceUnavailable, "服务器正在生成其他页面的图片，请稍后刷新")
		return
	case <-c.Request.Context().Done():
		return
	}
	png, err := renderPage(c.Request.Context(), doc.Bytes, n)
	if err != nil {
		h.log.Warn("pdftoppm", "sha", sha, "page", n, "err", err)
		c.String(http.StatusUnprocessableEntity, "无法显示这一页（可能超出页数、页面过于复杂，或服务器未安装 poppler-utils）")
		return
	}
	pageImages.put(key, png)
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
}

// renderPage renders page n of a PDF at pageDPI, or lower when the page
// is larger than pageMaxPixels at that resolution.
func renderPage(ctx context.Context, pdf []byte, n int) ([]byte, error) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", document.TempPrefix+"page-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, pageRenderTimeout)
	defer cancel()
	dpi := pageDPI
	if side, err := pageSide(ctx, in, n); err == nil && side > 0 {
		dpi = pageDPIFor(side)
	}
	out := filepath.Join(dir, "page")
	// -W/-H crop the image at pageMaxPixels whatever the page size says
	// (a UserUnit, a pdfinfo that failed): pdftoppm renders only the crop.
	cmd := document.BoundedCommand(ctx, bin, pageRenderMemory, pageRenderTimeout,
		"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-r", strconv.Itoa(dpi),
		"-x", "0", "-y", "0", "-W", strconv.Itoa(pageMaxPixels), "-H", strconv.Itoa(pageMaxPixels),
		"-png", "-singlefile", in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: %s", err, bytes.TrimSpace(msg))
	}
	return os.ReadFile(out + ".png")
}

// pageDPIFor is the resolution at which a page whose longest side is side
// points is at most pageMaxPixels wide and high, never above pageDPI.
func pageDPIFor(side float64) int {
	return max(1, min(pageDPI, int(float64(pageMaxPixels)*72/side)))
}

var pageSizeRe = regexp.MustCompile(`(?m)^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts`)

// pageSide is the longest side, in points, of page n as pdfinfo gives it.
func pageSide(ctx context.Context, in string, n int) (float64, error) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return 0, err
	}
	out, err := document.BoundedCommand(ctx, bin, pageRenderMemory, pageRenderTimeout, "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), in).Output()
	if err != nil {
		return 0, err
	}
	m := pageSizeRe.FindSubmatch(out)
	if m == nil {
		return 0, errors.New("pdfinfo gave no page size")
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	return max(w, h), nil
}

type pageKey struct {
	sha  string
	page int
}

// pageCache keeps rendered pages, the least recently used dropped first
// once they hold more than max bytes.
type pageCache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // of *pageEntry, most recent first
	items map[pageKey]*list.Element
}

type pageEntry struct {
	key pageKey
	png []byte
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, order: list.New(), items: map[pageKey]*list.Element{}}
}

func (p *pageCache) get(k pageKey) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.items[k]
	if !ok {
		return nil, false
	}
	p.order.MoveToFront(e)
	return e.Value.(*pageEntry).png, true
}

func (p *pageCache) put(k pageKey, png []byte) {
	if len(png) > p.max {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.items[k]; ok {
		p.bytes -= len(e.Value.(*pageEntry).png)
		p.order.Remove(e)
	}
	p.items[k] = p.order.PushFront(&pageEntry{k, png})
	p.bytes += len(png)
	for p.bytes > p.max {
		last := p.order.Back()
		old := last.Value.(*pageEntry)
		p.order.Remove(last)
		delete(p.items, old.key)
		p.bytes -= len(old.png)
	}
}
