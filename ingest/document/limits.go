package document

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits bound the work one document may cost. A report is a few pages:
// every default is far above any real report in the corpus and far below
// what would hurt a server shared by a county's offices. An input over a
// limit is that file's error (a *LimitError), never a stopped process.
type Limits struct {
	TextBytes      int64         // decoded text of one document
	LineBytes      int64         // one line of decoded text
	ZipMemberBytes int64         // one inflated member of a .docx/.xlsx
	ZipTotalBytes  int64         // all inflated members of a .docx/.xlsx together
	XMLElements    int64         // elements of word/document.xml
	XMLDepth       int64         // nesting of those elements
	GridCells      int64         // rows × columns of one table's grid
	SheetRows      int64         // rows read from one worksheet
	Span           int64         // colspan/gridSpan of one cell (rowspans are clamped to the rows left)
	PDFPages       int64         // pages pdftotext reads
	PDFTimeout     time.Duration // one pdftotext run
	PDFMemory      int64         // address space of one pdftotext run
	OCRPages       int64         // pages of a scanned PDF read by OCR
	OCRTimeout     time.Duration // the whole OCR of one document
	OCRMemory      int64         // address space of one pdftoppm or tesseract run
	ImagePixels    int64         // width × height of one picture or rendered page
}

// LimitSpec is one row of the table of limits: its name, default, the
// environment variable that changes it, and what it bounds, in Chinese.
type LimitSpec struct {
	Name    string // stable key, also used in LimitError
	Env     string // environment variable overriding the default
	Default int64  // in Unit
	Unit    string // 字节, 行, 个, 页, 秒
	What    string // what is bounded, in Chinese, for messages
	field   func(*Limits) *int64
	seconds bool // the field is a time.Duration given in seconds
}

// LimitTable lists every limit once; docs/reliability.md repeats it and
// TestLimitTableDocumented keeps the two equal.
var LimitTable = []LimitSpec{
	{Name: "text_bytes", Env: "NIANBAO_MAX_TEXT_BYTES", Default: 4 << 20, Unit: "字节", What: "解码后的文本大小",
		field: func(l *Limits) *int64 { return &l.TextBytes }},
	{Name: "line_bytes", Env: "NIANBAO_MAX_LINE_BYTES", Default: 64 << 10, Unit: "字节", What: "单行长度",
		field: func(l *Limits) *int64 { return &l.LineBytes }},
	{Name: "zip_member_bytes", Env: "NIANBAO_MAX_ZIP_MEMBER_BYTES", Default: 32 << 20, Unit: "字节", What: "压缩包内单个文件解压后的大小",
		field: func(l *Limits) *int64 { return &l.ZipMemberBytes }},
	{Name: "zip_total_bytes", Env: "NIANBAO_MAX_ZIP_TOTAL_BYTES", Default: 64 << 20, Unit: "字节", What: "压缩包解压后的总大小",
		field: func(l *Limits) *int64 { return &l.ZipTotalBytes }},
	{Name: "xml_elements", Env: "NIANBAO_MAX_XML_ELEMENTS", Default: 1_000_000, Unit: "个", What: "Word 正文的 XML 元素数",
		field: func(l *Limits) *int64 { return &l.XMLElements }},
	{Name: "xml_depth", Env: "NIANBAO_MAX_XML_DEPTH", Default: 1000, Unit: "层", What: "Word 正文的 XML 嵌套层数",
		field: func(l *Limits) *int64 { return &l.XMLDepth }},
	{Name: "grid_cells", Env: "NIANBAO_MAX_GRID_CELLS", Default: 500_000, Unit: "格", What: "单个表格的网格单元数（行×列）",
		field: func(l *Limits) *int64 { return &l.GridCells }},
	{Name: "sheet_rows", Env: "NIANBAO_MAX_SHEET_ROWS", Default: 50_000, Unit: "行", What: "单个工作表的行数",
		field: func(l *Limits) *int64 { return &l.SheetRows }},
	{Name: "span", Env: "NIANBAO_MAX_SPAN", Default: 1000, Unit: "列", What: "单元格合并的列数（colspan/gridSpan，超出按上限计）",
		field: func(l *Limits) *int64 { return &l.Span }},
	{Name: "pdf_pages", Env: "NIANBAO_MAX_PDF_PAGES", Default: 200, Unit: "页", What: "PDF 读取的页数（超出部分不读）",
		field: func(l *Limits) *int64 { return &l.PDFPages }},
	{Name: "pdf_timeout", Env: "NIANBAO_PDF_TIMEOUT_SECONDS", Default: 15, Unit: "秒", What: "PDF 文字提取（pdftotext）的用时", seconds: true,
		field: func(l *Limits) *int64 { return (*int64)(&l.PDFTimeout) }},
	{Name: "pdf_memory", Env: "NIANBAO_PDF_MEMORY_BYTES", Default: 512 << 20, Unit: "字节", What: "PDF 文字提取（pdftotext）的内存",
		field: func(l *Limits) *int64 { return &l.PDFMemory }},
	{Name: "ocr_pages", Env: "NIANBAO_MAX_OCR_PAGES", Default: 30, Unit: "页", What: "扫描 PDF 文字识别（OCR）的页数（超出部分不读）",
		field: func(l *Limits) *int64 { return &l.OCRPages }},
	{Name: "ocr_timeout", Env: "NIANBAO_OCR_TIMEOUT_SECONDS", Default: 300, Unit: "秒", What: "一份文件文字识别（OCR）的用时", seconds: true,
		field: func(l *Limits) *int64 { return (*int64)(&l.OCRTimeout) }},
	{Name: "ocr_memory", Env: "NIANBAO_OCR_MEMORY_BYTES", Default: 1 << 30, Unit: "字节", What: "文字识别（pdftoppm、tesseract）的内存",
		field: func(l *Limits) *int64 { return &l.OCRMemory }},
	{Name: "image_pixels", Env: "NIANBAO_MAX_IMAGE_PIXELS", Default: 60_000_000, Unit: "像素", What: "单张图片或页面图像的像素数（宽×高）",
		field: func(l *Limits) *int64 { return &l.ImagePixels }},
}

// DefaultLimits returns the defaults of LimitTable, each overridden by its
// environment variable when that holds a positive integer. The environment
// is read once per process.
func DefaultLimits() Limits { return envLimits() }

var envLimits = sync.OnceValue(func() Limits {
	l := BuiltinLimits()
	for _, s := range LimitTable {
		v, err := strconv.ParseInt(strings.TrimSpace(os.Getenv(s.Env)), 10, 64)
		if err != nil || v <= 0 {
			continue
		}
		s.set(&l, v)
	}
	return l
})

// BuiltinLimits returns the defaults of LimitTable, ignoring the environment.
func BuiltinLimits() Limits {
	var l Limits
	for _, s := range LimitTable {
		s.set(&l, s.Default)
	}
	return l
}

func (s LimitSpec) set(l *Limits, v int64) {
	if s.seconds {
		v *= int64(time.Second)
	}
	*s.field(l) = v
}

// Value returns the limit's value in l, in the spec's unit.
func (s LimitSpec) Value(l Limits) int64 {
	v := *s.field(&l)
	if s.seconds {
		v /= int64(time.Second)
	}
	return v
}

func specOf(name string) LimitSpec {
	for _, s := range LimitTable {
		if s.Name == name {
			return s
		}
	}
	panic("document: no limit named " + name)
}

// LimitError tells that a document went over one of its limits.
type LimitError struct {
	File  string // file name, no folder
	Limit string // LimitSpec.Name
	Max   int64  // the limit, in the spec's unit
	Where string // optional place: "第 12 行", "工作表 Sheet1" …
}

func (e *LimitError) Error() string {
	if e.File == "" {
		return e.message()
	}
	return "文件 " + e.File + "：" + e.message()
}

// message is the sentence without the file name, for answers that name
// the file themselves.
func (e *LimitError) message() string {
	s := specOf(e.Limit)
	where := ""
	if e.Where != "" {
		where = e.Where + "："
	}
	return fmt.Sprintf("%s%s超过上限 %d %s（可由环境变量 %s 调整），已停止读取此文件", where, s.What, e.Max, s.Unit, s.Env)
}

// over builds the LimitError of limit name in l.
func over(l Limits, name, where string) *LimitError {
	return &LimitError{Limit: name, Max: specOf(name).Value(l), Where: where}
}
