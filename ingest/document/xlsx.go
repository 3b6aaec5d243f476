package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"nianbao/report"
)

// readXLSX reads a workbook. A sheet with a summary header row (agency,
// year and cell-code columns) gives one report per row; otherwise every
// sheet is rendered as a grid laid out like the official tables.
//
// The fast reader (xlsxfast.go) reads the workbook if it can give exactly
// what excelize gives; otherwise excelize reads it.
func readXLSX(rc *readCtx, data []byte, scan *xlsxScan) (*Document, error) {
	defer scan.release()
	material := partBuffers.Get().(*bytes.Buffer)
	defer putPartBuffer(material)
	material.Reset()
	doc, err := readXLSXFast(rc, scan, material)
	if !errors.Is(err, errSlow) {
		return doc, err
	}
	// Every part is inflated in memory (the XML limit equals the total):
	// a part over excelize's XML limit would otherwise go to a temporary
	// file, which a killed parse leaves behind. checkZipSizes has already
	// held the package to the same totals.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    rc.lim.ZipTotalBytes,
		UnzipXMLSizeLimit: rc.lim.ZipTotalBytes,
	})
	if err != nil {
		return nil, fmt.Errorf("excelize: %w (%w)", err, ErrCorruptZip)
	}
	defer f.Close()
	var sheets []sheetRows
	rowsRead := true
	for _, name := range f.GetSheetList() {
		rows, err := sheetRowsOf(rc, f, name)
		if err != nil {
			return nil, err
		}
		sheets = append(sheets, sheetRows{name, rows})
		rowsRead = rowsRead && len(rows) > 0
	}
	if rowsRead && scan != nil {
		learnBook(scan, material.Bytes(), f)
	}
	return xlsxDocument(rc.lim, sheets, scan, func(name string) ([]excelize.MergeCell, error) {
		return f.GetMergeCells(name, true)
	})
}

// readXLSXFast is the fast reader: errSlow where it declines. material is
// filled with bookMaterial when the workbook is unlike any known, for
// readXLSX to learn it once excelize has read it.
func readXLSXFast(rc *readCtx, scan *xlsxScan, material *bytes.Buffer) (*Document, error) {
	if scan == nil || scan.zr == nil || rc.lim.ZipTotalBytes <= 0 || fastOff.Load() {
		return nil, errSlow
	}
	if err := bookMaterial(scan, material); err != nil {
		material.Reset()
		return nil, err
	}
	known := knownBook(material.Bytes())
	if known == nil {
		return nil, errSlow
	}
	material.Reset()
	sst := scan.sst
	if !scan.sstRead {
		// No shared strings, or strings fastSST declined.
		if scan.part(sharedStringsPart) != nil {
			return nil, errSlow
		}
	}
	sheets := make([]sheetRows, 0, len(known))
	for _, s := range known {
		part := scan.part(s.path)
		if part == nil {
			return nil, errSlow
		}
		rows, err := fastRowsOf(rc, s.name, part, sst)
		if err != nil {
			return nil, err
		}
		sheets = append(sheets, sheetRows{s.name, rows})
	}
	doc, err := xlsxDocument(rc.lim, sheets, scan, nil)
	if err == nil {
		fastReads.Add(1)
	}
	return doc, err
}

var (
	// fastReads counts the workbooks the fast reader has read (for tests).
	fastReads atomic.Int64
	// fastOff turns the fast reader off (for benchmarks: excelize's reading
	// beside it in one process).
	fastOff atomic.Bool
)

type sheetRows struct {
	name string
	rows [][]string
}

// xlsxDocument makes the document of a workbook's sheets: the reports of
// its summary sheets if it has any, else every sheet as grids. merges
// gives a sheet's merged cells where the text check's pass does not
// (scannedMerges); nil, and the fast reader declines.
func xlsxDocument(lim Limits, sheets []sheetRows, scan *xlsxScan, merges func(name string) ([]excelize.MergeCell, error)) (*Document, error) {
	var reports []*report.Report
	for _, s := range sheets {
		if hdr, at, ok := findSummaryHeader(s.rows); ok {
			reports = append(reports, summaryReports(s.name, s.rows, hdr, at)...)
		}
	}
	if len(reports) > 0 {
		return &Document{Format: FormatXLSX, Reports: reports}, nil
	}
	var b builder
	table := 0
	for _, s := range sheets {
		ms, ok := scannedMerges(scan, len(sheets))
		if !ok {
			if merges == nil {
				return nil, errSlow
			}
			var err error
			if ms, err = merges(s.name); err != nil {
				return nil, fmt.Errorf("sheet %s merges: %w", s.name, err)
			}
		}
		blocks, err := sheetGrid(s.rows, ms, lim)
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				le.Where = "工作表“" + s.name + "”" + le.Where
			}
			return nil, err
		}
		for _, cells := range blocks {
			table++
			b.addGrid(cells, table, 0)
		}
	}
	return &Document{Format: FormatXLSX, Text: b.text(), Origins: b.origins}, nil
}

// scannedMerges gives the merged cells of a workbook's only sheet from
// checkCellText's pass, as excelize's GetMergeCells would give them,
// without the second reading of the whole sheet into structs that
// GetMergeCells costs (a third of reading a report's workbook). Only when
// that is certain: one sheet, one part holding cells, read whole; every
// ref one excelize reads; at most maxScannedMerges ranges and no two of
// them overlapping (GetMergeCells joins overlapping ranges into one).
// Otherwise ok is false and the caller asks excelize.
func scannedMerges(scan *xlsxScan, sheets int) (merges []excelize.MergeCell, ok bool) {
	if scan == nil || sheets != 1 || scan.sheets != 1 || !scan.complete || len(scan.merges) > maxScannedMerges {
		return nil, false
	}
	// Each range as excelize reads it (rangeRefToCoordinates: "$"
	// dropped, the first two cells of the range, in the order written)
	// and as a rectangle, its corners sorted, for the overlap check.
	coords := make([][4]int, 0, len(scan.merges))
	rects := make([][4]int, 0, len(scan.merges))
	for _, ref := range scan.merges {
		rng := strings.Split(strings.ReplaceAll(ref, "$", ""), ":")
		if len(rng) < 2 {
			return nil, false
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(rng[0])
		c2, r2, err2 := excelize.CellNameToCoordinates(rng[1])
		if err1 != nil || err2 != nil {
			return nil, false
		}
		coords = append(coords, [4]int{c1, r1, c2, r2})
		rects = append(rects, [4]int{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)})
	}
	for i, a := range rects {
		for _, b := range rects[i+1:] {
			if a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3] {
				return nil, false
			}
		}
	}
	merges = make([]excelize.MergeCell, len(coords))
	for i, r := range coords {
		first, _ := excelize.CoordinatesToCellName(r[0], r[1])
		last, _ := excelize.CoordinatesToCellName(r[2], r[3])
		merges[i] = excelize.MergeCell{first + ":" + last, ""}
	}
	return merges, true
}

// maxScannedMerges bounds the pairwise overlap check of scannedMerges; a
// sheet with more merged ranges is left to excelize.
const maxScannedMerges = 1000

// sheetRowsOf reads a worksheet's cell values row by row, refusing a sheet
// of more than SheetRows rows, GridCells cells or TextBytes of text before
// they are all held (checkCellText has refused the workbook already if
// its cells hold more text; this is the same bound as the rows come).
func sheetRowsOf(rc *readCtx, f *excelize.File, name string) ([][]string, error) {
	it, err := f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %w", name, err)
	}
	defer it.Close()
	var (
		rows  [][]string
		cells int64
		text  int64
	)
	for it.Next() {
		if int64(len(rows)) >= rc.lim.SheetRows {
			return nil, over(rc.lim, "sheet_rows", "工作表“"+name+"”")
		}
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("sheet %s row %d: %w", name, len(rows)+1, err)
		}
		if cells += int64(len(row)); cells > rc.lim.GridCells {
			return nil, over(rc.lim, "grid_cells", "工作表“"+name+"”")
		}
		for _, v := range row {
			text += int64(len(v))
		}
		if text > rc.lim.TextBytes {
			return nil, over(rc.lim, "text_bytes", "工作表“"+name+"”")
		}
		rows = append(rows, row)
		if len(rows)%1024 == 0 {
			if err := rc.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", name, err)
	}
	// GetRows drops trailing empty rows; so does this.
	for len(rows) > 0 && allEmpty(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

func allEmpty(row []string) bool {
	for _, v := range row {
		if v != "" {
			return false
		}
	}
	return true
}

// sheetGrid places a sheet's used range on grids: a merged range keeps
// its value in the top-left cell only. Rows with no value and no merged
// cell split the sheet into blocks, each its own table as wide as its
// widest row (a sheet holding tables 2, 3 and 4 would otherwise pad every
// row of table 2 to the width of table 4). Rows whose cells are all empty
// give no line.
//
// Merged ranges are clamped to the used range (the rows read and the
// widest of them): a range over the whole sheet adds no row or column
// that holds nothing, and the cells it covers are never more than the
// cells read.
func sheetGrid(rows [][]string, merges []excelize.MergeCell, lim Limits) ([][]gridCell, error) {
	var area int64 // cells covered by merges, overlapping ones counted again
	usedCols := 0
	for _, row := range rows {
		usedCols = max(usedCols, len(row))
	}
	// Merged ranges are clamped to the used range, so rows and columns
	// index slices (they were maps: a fifth of laying out a workbook).
	var covered cellSet
	if len(merges) > 0 {
		covered = newCellSet(len(rows), usedCols)
	}
	inMerge := make([]bool, len(rows)+1) // rows touched by a merged range
	mergeEnd := make([]int, len(rows)+1) // top row of a merge -> its last column
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		if c1 > c2 {
			c1, c2 = c2, c1
		}
		if r1 > r2 {
			r1, r2 = r2, r1
		}
		r2, c2 = min(r2, len(rows)), min(c2, usedCols)
		if r1 > r2 || c1 > c2 {
			continue
		}
		if area += int64(r2-r1+1) * int64(c2-c1+1); area > lim.GridCells {
			return nil, over(lim, "grid_cells", "合并单元格")
		}
		for r := r1; r <= r2; r++ {
			inMerge[r] = true
			for c := c1; c <= c2; c++ {
				if r != r1 || c != c1 {
					covered.add(r, c)
				}
			}
		}
		mergeEnd[r1] = max(mergeEnd[r1], c2)
	}
	// Each cell's text joined once, each row's last column holding text
	// found once (they were asked for again for every row of a block).
	joined := make([][]string, len(rows))
	lasts := make([]int, len(rows))
	for i, row := range rows {
		j := make([]string, len(row))
		for c, v := range row {
			if strings.IndexFunc(v, isSpace) >= 0 || !utf8.ValidString(v) {
				v = joinText(v) // (valid and without white space, it is v itself)
			}
			if j[c] = v; v != "" {
				lasts[i] = c + 1
			}
		}
		joined[i] = j
	}
	value := func(r, c int) string {
		if r <= len(rows) && c <= len(rows[r-1]) {
			return joined[r-1][c-1]
		}
		return ""
	}
	lastValue := func(r int) int {
		if r <= len(rows) {
			return lasts[r-1]
		}
		return 0
	}
	var blocks [][]gridCell
	var row []gridCell // one row's cells, copied into its block
	maxRow := len(rows)
	for r := 1; r <= maxRow; {
		if lastValue(r) == 0 && !inMerge[r] {
			r++
			continue
		}
		end, width := r, 0
		for end <= maxRow && (lastValue(end) > 0 || inMerge[end]) {
			width = max(width, lastValue(end), mergeEnd[end])
			end++
		}
		var block []gridCell
		for i := r; i < end; i++ {
			row = row[:0]
			empty := true
			for c := 1; c <= width; c++ {
				if covered.has(i, c) {
					continue
				}
				v := value(i, c)
				empty = empty && v == ""
				row = append(row, gridCell{Row: i, Col: c, Text: v})
			}
			if !empty {
				block = append(block, row...)
			}
		}
		if len(block) > 0 {
			blocks = append(blocks, block)
		}
		r = end
	}
	return blocks, nil
}

// cellSet is a set of cells (row, column from 1) of a sheet's used
// range: a bitmap where the range is small, a map where it is not (a
// sheet of two thousand rows reaching column XFD).
type cellSet struct {
	cols   int
	dense  []bool
	sparse map[[2]int]bool
}

func newCellSet(rows, cols int) cellSet {
	if int64(rows)*int64(cols) <= 1<<16 {
		return cellSet{cols: cols, dense: make([]bool, rows*cols)}
	}
	return cellSet{sparse: map[[2]int]bool{}}
}

func (s *cellSet) add(r, c int) {
	if s.dense != nil {
		s.dense[(r-1)*s.cols+c-1] = true
	} else {
		s.sparse[[2]int{r, c}] = true
	}
}

func (s *cellSet) has(r, c int) bool {
	if s.dense != nil {
		return c <= s.cols && s.dense[(r-1)*s.cols+c-1]
	}
	return s.sparse[[2]int{r, c}]
}

// Summary workbook columns other than cell codes.
const (
	colAgency    = "agency"
	colCounty    = "county"
	colYear      = "year"
	colEdition   = "edition"
	colPublished = "published_on"
)

var summaryMetaHeaders = map[string]string{
	"机关": colAgency, "机关名称": colAgency, "agency": colAgency, "单位": colAgency, "单位名称": colAgency, "行政机关": colAgency,
	"县": colCounty, "区县": colCounty, "县（区）": colCounty, "县(区)": colCounty, "县区": colCounty, "county": colCounty, "县（市、区）": colCounty,
	"年度": colYear, "年份": colYear, "year": colYear, "报告年度": colYear,
	"版本": colEdition, "edition": colEdition, "模板版本": colEdition,
	"发布日期": colPublished, "published_on": colPublished,
}

// Template headers for the meta columns, in order.
var summaryMetaTitles = []struct{ key, title string }{
	{colAgency, "机关"}, {colCounty, "县（区）"}, {colYear, "年度"}, {colEdition, "版本"},
}

var labelToCode = func() map[string]string {
	m := map[string]string{}
	for _, d := range report.Cells() {
		m[headerKey(d.Label)] = d.Code
		m[headerKey(d.Code)] = d.Code
	}
	return m
}()

func headerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var sb strings.Builder
	for _, r := range s {
		if isSpace(r) || r == '·' {
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// summaryHeader maps a column index (0-based) to a meta key or a cell code.
type summaryHeader struct {
	meta  map[int]string
	codes map[int]string
}

// findSummaryHeader looks in a sheet's first rows for a header naming the
// agency and at least one cell code.
func findSummaryHeader(rows [][]string) (summaryHeader, int, bool) {
	for i, row := range rows[:min(len(rows), 10)] {
		h := summaryHeader{meta: map[int]string{}, codes: map[int]string{}}
		for j, v := range row {
			k := headerKey(v)
			if k == "" {
				continue
			}
			if m, ok := summaryMetaHeaders[k]; ok {
				h.meta[j] = m
			} else if code, ok := labelToCode[k]; ok {
				h.codes[j] = code
			}
		}
		hasAgency := false
		for _, m := range h.meta {
			hasAgency = hasAgency || m == colAgency
		}
		if hasAgency && len(h.codes) > 0 {
			return h, i, true
		}
	}
	return summaryHeader{}, 0, false
}

var (
	fourDigits = regexp.MustCompile(`\d{4}`)
	zeroWords  = map[string]bool{"—": true, "-": true, "－": true, "/": true, "／": true, "无": true, "——": true}
)

// summaryReports reads the rows below the header: one report per row that
// names an agency.
func summaryReports(sheet string, rows [][]string, h summaryHeader, at int) []*report.Report {
	var out []*report.Report
	for i := at + 1; i < len(rows); i++ {
		row := rows[i]
		get := func(j int) string {
			if j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		r := report.New("")
		r.Format = FormatXLSX
		edition := ""
		for j, m := range h.meta {
			v := get(j)
			switch m {
			case colAgency:
				r.Agency = v
			case colCounty:
				r.County = v
			case colYear:
				if y := fourDigits.FindString(v); y != "" {
					r.Year, _ = strconv.Atoi(y)
				}
			case colEdition:
				edition = fourDigits.FindString(v)
			case colPublished:
				r.PublishedOn = report.FindDate(v)
			}
		}
		if r.Agency == "" {
			continue
		}
		switch {
		case edition == report.Edition2019 || edition == report.Edition2021:
			r.Edition = edition
		case r.Year > 0 && r.Year < 2021:
			r.Edition = report.Edition2019
		default:
			r.Edition = report.Edition2021
		}
		for j := 0; j < len(row); j++ {
			code, ok := h.codes[j]
			if !ok {
				continue
			}
			raw := get(j)
			if raw == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			src := report.Source{Row: i + 1, Col: j + 1, Raw: raw}
			if zeroWords[raw] {
				src.Note = "“" + raw + "”按 0 计"
				r.Set(code, 0, src)
				continue
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", ""), 64)
			if err != nil {
				r.AddFinding(report.RuleAmbiguous, report.SeverityError,
					fmt.Sprintf("工作表“%s”单元格 %s 的值“%s”不是数字，未读取", sheet, cell, raw), code)
				continue
			}
			r.Set(code, v, src)
		}
		report.Derive(r)
		report.Check(r)
		out = append(out, r)
	}
	return out
}

// SummaryCodes lists the cell codes of a summary workbook for an edition
// ("2021", "2019", or "all" for both): every printed cell, in catalogue
// order. The 2021 subtotal t3.other.* is derived, so it is left out there.
func SummaryCodes(edition string) ([]string, error) {
	if edition != report.Edition2019 && edition != report.Edition2021 && edition != "all" {
		return nil, fmt.Errorf("summary template: unknown edition %q (want 2021, 2019 or all)", edition)
	}
	var codes []string
	for _, d := range report.Cells() {
		in := edition == "all"
		for _, e := range d.Editions {
			in = in || e == edition
		}
		if !in || (d.Derived && edition == report.Edition2021) {
			continue
		}
		codes = append(codes, d.Code)
	}
	return codes, nil
}

// WriteSummaryTemplate writes an empty county summary workbook: sheet 汇总
// with Chinese headers (机关, 县（区）, 年度, 版本, then one column per cell)
// and sheet 说明 giving each column's code and label.
func WriteSummaryTemplate(w io.Writer, edition string) error {
	codes, err := SummaryCodes(edition)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const data, help = "汇总", "说明"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return fmt.Errorf("summary template: %w", err)
	}
	if _, err := f.NewSheet(help); err != nil {
		return fmt.Errorf("summary template: %w", err)
	}
	header := make([]any, 0, len(codes)+len(summaryMetaTitles))
	for _, m := range summaryMetaTitles {
		header = append(header, m.title)
	}
	for _, c := range codes {
		header = append(header, report.Label(c))
	}
	if err := f.SetSheetRow(data, "A1", &header); err != nil {
		return fmt.Errorf("summary template header: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("summary template style: %w", err)
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(data, "A1", last, bold); err != nil {
		return fmt.Errorf("summary template style: %w", err)
	}
	lastCol, _ := excelize.ColumnNumberToName(len(header))
	if err := f.SetColWidth(data, "A", lastCol, 16); err != nil {
		return fmt.Errorf("summary template width: %w", err)
	}
	if err := f.SetColWidth(data, "A", "A", 28); err != nil {
		return fmt.Errorf("summary template width: %w", err)
	}
	if err := f.SetPanes(data, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return fmt.Errorf("summary template panes: %w", err)
	}
	rows := [][]any{
		{"列", "代码", "名称", "说明"},
		{"A", "agency", "机关", "机关全称，如：劳动镇人民政府（必填，每个机关每个年度一行）"},
		{"B", "county", "县（区）", "所属县（区），如：乐至县"},
		{"C", "year", "年度", "报告年度，如：2023"},
		{"D", "edition", "版本", "表格模板版本：2021（2021年及以后）或 2019（2019、2020年）；留空按年度判断"},
	}
	for i, c := range codes {
		col, _ := excelize.ColumnNumberToName(len(summaryMetaTitles) + i + 1)
		d, _ := report.Lookup(c)
		note := "填数字；空白表示未填报，不按 0 计"
		if len(d.Editions) == 1 {
			note = d.Editions[0] + " 版专有。" + note
		}
		rows = append(rows, []any{col, c, d.Label, note})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(help, cell, &r); err != nil {
			return fmt.Errorf("summary template help: %w", err)
		}
	}
	if err := f.SetColWidth(help, "C", "C", 60); err != nil {
		return fmt.Errorf("summary template width: %w", err)
	}
	if err := f.SetColWidth(help, "B", "B", 40); err != nil {
		return fmt.Errorf("summary template width: %w", err)
	}
	if err := f.SetColWidth(help, "D", "D", 50); err != nil {
		return fmt.Errorf("summary template width: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("summary template write: %w", err)
	}
	return nil
}
