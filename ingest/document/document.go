// Package document turns the bytes of a report file (plain text, an HTML
// page, a .docx, an .xlsx workbook or a PDF) into UTF-8 text that the
// report parser reads, keeping for every line where it came from.
//
// Tables are rendered one grid row per line, each cell followed by " |".
// A cell covered by another cell's rowspan/colspan is not repeated, but the
// grid is expanded so that Origin.Cols gives the true grid columns.
package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"nianbao/ingest/ocr"
	"nianbao/report"
)

// Document is a report's source after its format has been read.
type Document struct {
	Name        string   // file name as given
	Format      string   // "text", "html", "docx", "xlsx", "pdf"
	Text        string   // UTF-8 text; tables rendered one grid row per line, each cell followed by " |"
	PublishedOn string   // "YYYY-MM-DD" when the document shows a publication date (发布日期/发布时间/成文日期), else ""
	Origins     []Origin // Origins[i] describes line i+1 of Text (may be nil for plain text)
	// Reports is set only for county summary workbooks: ready reports (Text empty).
	Reports []*report.Report
	// OCR is set for a document read from images (a scanned PDF, a
	// picture): OCR[i] holds the words of line i+1 of Text, each with its
	// page box and recognition confidence.
	OCR [][]ocr.Placed
}

// Origin says where a line of Text came from.
type Origin struct {
	Page  int   // PDF page (1-based), 0 if not paged
	Table int   // index of the table in the document (1-based), 0 for prose
	Row   int   // grid row in that table (1-based)
	Cols  []int // grid column (1-based) of each " |"-closed cell on the line, in order
}

// Formats a Document can have.
const (
	FormatText = "text"
	FormatHTML = "html"
	FormatDOCX = "docx"
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// Errors for inputs that cannot be read. Each names what to do about it.
var (
	ErrLegacyOffice = errors.New("旧版 Office 二进制文件（.doc/.xls/.wps）无法直接读取：请用 Word/WPS/Excel “另存为” .docx/.xlsx，或运行 libreoffice --headless --convert-to docx 文件名（表格用 --convert-to xlsx）")
	ErrCorruptZip   = errors.New("文件不是完整的 zip 压缩包（.docx/.xlsx 已损坏或下载不完整），请重新下载或用 Word/WPS 打开后另存")
	ErrNoTextLayer  = errors.New("PDF 没有文字层（多为扫描图片），请先做 OCR 文字识别（如 ocrmypdf --language chi_sim）再导入")
	ErrNoPdftotext  = errors.New("找不到 pdftotext，无法读取 PDF：请安装 poppler-utils（apt-get install poppler-utils）")
	ErrUnsupported  = errors.New("不支持的文件格式（可读取 .txt/.md、.html、.docx、.xlsx、.pdf，以及扫描图片 .png/.jpg）")
	ErrEncrypted    = errors.New("PDF 已加密，请先解除密码保护再导入")
	ErrPDFFailed    = errors.New("PDF 文字提取失败：文件可能已损坏，请用 PDF 阅读器打开后另存再试")
	ErrTimeout      = errors.New("读取此文件用时过长，已停止")
)

// ReadError is the error of Read: the file name and the cause. The cause
// may carry library details meant for the log; PublicMessage says what a
// person may be shown.
type ReadError struct {
	File string
	Err  error
}

func (e *ReadError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// Public is PublicMessage of the cause.
func (e *ReadError) Public() string { return PublicMessage(e.Err) }

// PublicMessage returns a Chinese sentence about err that can be shown to
// anyone: the sentence of a known problem (a limit, a legacy format, a
// scanned PDF …) or a general one, never a library's internals.
func PublicMessage(err error) string {
	var le *LimitError
	if errors.As(err, &le) {
		return le.message()
	}
	// The OCR sentences first: each is also an ErrNoTextLayer.
	for _, known := range []error{ErrOCRUnavailable, ErrOCREmpty, ErrImageUnreadable, ocr.ErrNoTesseract, ErrLegacyOffice, ErrCorruptZip, ErrNoTextLayer, ErrNoPdftotext, ErrUnsupported, ErrEncrypted, ErrPDFFailed, ErrTimeout} {
		if errors.Is(err, known) {
			return known.Error()
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return ErrTimeout.Error()
	}
	return "文件内容无法读取（可能已损坏，或不是政府信息公开年度报告的文本、网页、Word、Excel 或 PDF 文件）"
}

var (
	magicPDF = []byte("%PDF-")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip = []byte("PK\x03\x04")
)

// Read reads a report file with DefaultLimits and no deadline but the
// limits' own.
func Read(name string, data []byte) (*Document, error) {
	return ReadContext(context.Background(), name, data, DefaultLimits())
}

// ReadContext reads a report file. The format is chosen from the magic
// bytes first and the file extension second. The work is bounded by lim
// (an input over a limit gives a *LimitError) and stops when ctx ends.
func ReadContext(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	doc, err := readAny(&readCtx{ctx: ctx, lim: lim}, name, data)
	if err == nil {
		err = checkText(doc.Text, lim)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			le.File = filepath.Base(name)
		}
		return nil, &ReadError{File: name, Err: err}
	}
	doc.Name = name
	for _, r := range doc.Reports {
		r.File = name
	}
	if doc.PublishedOn == "" && doc.Text != "" {
		doc.PublishedOn = FindPublishedOn(doc.Text)
	}
	return doc, nil
}

// readCtx carries what every reader needs: the deadline and the limits.
type readCtx struct {
	ctx context.Context
	lim Limits
}

// checkText applies the text and line limits to a reader's output, so a
// format that inflates (a zip member, a table of spans) is held to the
// same bounds as a text file.
func checkText(text string, lim Limits) error {
	if int64(len(text)) > lim.TextBytes {
		return over(lim, "text_bytes", "")
	}
	for n := 1; text != ""; n++ {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		if int64(i) > lim.LineBytes {
			return over(lim, "line_bytes", fmt.Sprintf("第 %d 行", n))
		}
		text = text[min(i+1, len(text)):]
	}
	return nil
}

func readAny(rc *readCtx, name string, data []byte) (*Document, error) {
	ext := strings.ToLower(filepath.Ext(name))
	var (
		doc *Document
		err error
	)
	switch {
	case bytes.HasPrefix(data, magicPDF) || (ext == ".pdf" && bytes.Contains(headOf(data, 1024), magicPDF)):
		doc, err = readPDF(rc, data)
	case isImage(data, ext):
		doc, err = readImage(rc, data)
	case bytes.HasPrefix(data, magicOLE):
		err = ErrLegacyOffice
	case bytes.HasPrefix(data, magicZip) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		doc, err = readZip(rc, data, ext)
	case ext == ".docx" || ext == ".xlsx" || ext == ".xlsm":
		err = ErrCorruptZip
	case ext == ".doc" || ext == ".xls" || ext == ".wps" || ext == ".et":
		err = ErrLegacyOffice
	case ext == ".pdf":
		err = fmt.Errorf("文件扩展名为 .pdf 但内容不是 PDF: %w", ErrUnsupported)
	default:
		doc, err = readTextual(rc, data, ext)
	}
	return doc, err
}

func headOf(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// readTextual decodes text and decides between a plain text and an HTML page.
func readTextual(rc *readCtx, data []byte, ext string) (*Document, error) {
	text, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if int64(len(text)) > rc.lim.TextBytes {
		return nil, over(rc.lim, "text_bytes", "")
	}
	switch ext {
	case ".html", ".htm", ".shtml", ".xhtml", ".mht", ".jsp", ".php", ".asp", ".aspx":
		return readHTML(rc, text)
	case ".txt", ".md", ".csv", ".text", "":
	default:
		if strings.ContainsRune(text, 0) {
			return nil, ErrUnsupported
		}
	}
	if looksLikeHTML(text) {
		return readHTML(rc, text)
	}
	if strings.ContainsRune(text, 0) {
		return nil, ErrUnsupported
	}
	return &Document{Format: FormatText, Text: text}, nil
}

func looksLikeHTML(text string) bool {
	head := strings.TrimSpace(text[:min(len(text), 2048)])
	if !strings.HasPrefix(head, "<") {
		// Every test below needs a "<" first: a text report is told
		// without lowering 2 KB of Chinese (a copy, rune by rune).
		return false
	}
	head = strings.ToLower(head)
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		(strings.HasPrefix(head, "<") && (strings.Contains(head, "<body") || strings.Contains(head, "<table") || strings.Contains(head, "<head")))
}

// pubDateRe is a publication date after its keyword; the date itself is
// report.DatePattern, read by report.ParseDate like every other date.
var pubDateRe = regexp.MustCompile(`(发布日期|发布时间|成文日期|发文日期|印发日期|公开日期)\s*[：:]?\s*(` + report.DatePattern + `)`)

// FindPublishedOn returns the first publication date the text states
// (发布日期：2023-01-15, 发布时间:2023年01月15日, 成文日期 …) as YYYY-MM-DD, or "".
func FindPublishedOn(text string) string {
	// The regexp runs only near a 日期/时间 keyword: over a whole report it
	// would cost more than reading the report.
	best := ""
	bestAt := len(text)
	for _, kw := range []string{"日期", "时间"} {
		for from := 0; from < bestAt; {
			i := strings.Index(text[from:], kw)
			if i < 0 {
				break
			}
			i += from
			lo := max(0, i-len("发布"))
			hi := min(len(text), i+80)
			if m := pubDateRe.FindStringSubmatchIndex(text[lo:hi]); m != nil && lo+m[0] < bestAt {
				if d, ok := report.ParseDate(text[lo+m[4] : lo+m[5]]); ok {
					best, bestAt = d, lo+m[0]
					break
				}
			}
			from = i + len(kw)
		}
	}
	return best
}

// builder accumulates lines of text with their origins.
type builder struct {
	lines   []string
	origins []Origin
}

func (b *builder) add(line string, o Origin) {
	b.lines = append(b.lines, line)
	b.origins = append(b.origins, o)
}

// text is the lines, each ended by a line break, written once (a join
// and then the last break copied the whole text twice).
func (b *builder) text() string {
	if len(b.lines) == 0 {
		return ""
	}
	n := len(b.lines)
	for _, l := range b.lines {
		n += len(l)
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, l := range b.lines {
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// gridCell is a cell placed on the expanded grid of a table.
type gridCell struct {
	Row, Col int // 1-based position of the cell's top-left corner
	Text     string
}

// addGrid renders placed cells one grid row per line: the cells starting in
// a row, in column order, each followed by " |". Rows without a starting
// cell give no line.
//
// The cells are ordered in place, by row and then by column, stable (as
// grouping them by row in their order and then sorting each row by column
// was, without a map and a slice per row); the caller does not use them
// after.
func (b *builder) addGrid(cells []gridCell, table, page int) {
	slices.SortStableFunc(cells, func(a, b gridCell) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Col - b.Col
	})
	var sb strings.Builder
	for len(cells) > 0 {
		n := 1
		for n < len(cells) && cells[n].Row == cells[0].Row {
			n++
		}
		row, r := cells[:n], cells[0].Row
		cells = cells[n:]
		if r < 1 {
			continue // no line: rows are counted from 1
		}
		sb.Reset()
		cols := make([]int, 0, len(row))
		for i, c := range row {
			if i > 0 {
				sb.WriteByte(' ')
			}
			if c.Text != "" {
				// A bar inside a cell would read as a cell boundary.
				sb.WriteString(strings.ReplaceAll(c.Text, "|", "｜"))
				sb.WriteString(" |")
			} else {
				sb.WriteByte('|')
			}
			cols = append(cols, c.Col)
		}
		b.add(sb.String(), Origin{Page: page, Table: table, Row: r, Cols: cols})
	}
}

// placer expands rowspans and colspans into grid positions, the way a
// browser lays out an HTML table. Rows must be placed in order. For each
// grid column it keeps the last row a cell above still covers, and for
// the current row the first column not yet looked at, so placing a row
// costs its width and not its width squared; the area a span covers is
// never stored cell by cell.
type placer struct {
	busyUntil []int // busyUntil[c-1]: last row covered by a cell placed above in column c
	row, next int   // current row and its first column not yet taken
}

// place puts a cell of the given span at the first free column of row r
// and returns that column.
func (p *placer) place(r, span, rowspan int) int {
	if r != p.row {
		p.row, p.next = r, 1
	}
	c := p.next
	for c <= len(p.busyUntil) && p.busyUntil[c-1] >= r {
		c++
	}
	span, rowspan = max(span, 1), max(rowspan, 1)
	for len(p.busyUntil) < c+span-1 {
		p.busyUntil = append(p.busyUntil, 0)
	}
	for dc := 0; dc < span; dc++ {
		p.busyUntil[c-1+dc] = r + rowspan - 1
	}
	p.next = c + span
	return c
}

// width is the number of grid columns placed so far.
func (p *placer) width() int { return len(p.busyUntil) }

// joinText collapses whitespace and joins pieces of one cell or paragraph.
// A whitespace run between two CJK characters is dropped (a label split by
// a line break or a layout space is one label); elsewhere it becomes one
// space.
func joinText(s string) string {
	var sb strings.Builder
	pendingSpace := false
	var last rune
	for _, r := range s {
		if isSpace(r) {
			if sb.Len() > 0 {
				pendingSpace = true
			}
			continue
		}
		if pendingSpace {
			if !(isCJK(last) && isCJK(r)) {
				sb.WriteByte(' ')
			}
			pendingSpace = false
		}
		sb.WriteRune(r)
		last = r
	}
	return sb.String()
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', 0x85, 0xA0, 0x3000, 0x200B, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// isCJK reports Han characters and full-width CJK punctuation.
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF0F) ||
		(r >= 0xFF1A && r <= 0xFF20) || r == 0x201C || r == 0x201D
}
