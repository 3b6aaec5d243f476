package parse

import (
	"fmt"
	"strings"

	"nianbao/report"
)

// Grid documents (HTML, DOCX, XLSX) know each cell's true column: their
// readers print a grid row a line, each cell closed by "|", and say for
// every line which grid column each cell starts in. A row shortened by a
// rowspan or colspan is then placed by those columns instead of being
// refused as "merged cells" — 48_lzq-township-2019-mergedcells shows the
// shape in text, where no grid is known and the row stays unread.

// GridLine tells, for one line of the text, the grid table it belongs to
// (0 for prose) and the grid column (from 1) each "|"-closed cell starts in.
type GridLine struct {
	Table int
	Cols  []int
}

// gridWidth is the number of columns of a grid table's rows: the last
// column most of its fullest lines start a cell in. A header cell spanning
// too far (colspan 6 over five columns, as real pages have) does not
// move the value columns.
func (p *parser) gridWidth(table int) int {
	if w, ok := p.widths[table]; ok {
		return w
	}
	most := 0
	for _, g := range p.grid {
		if g.Table == table {
			most = max(most, len(g.Cols))
		}
	}
	votes := map[int]int{}
	for _, g := range p.grid {
		if g.Table == table && len(g.Cols) > 0 && len(g.Cols) >= most-1 {
			votes[g.Cols[len(g.Cols)-1]]++
		}
	}
	w, best := 0, 0
	for col, n := range votes {
		if n > best || (n == best && col > w) {
			w, best = col, n
		}
	}
	if p.widths == nil {
		p.widths = map[int]int{}
	}
	p.widths[table] = w
	return w
}

// gridPlace is one value column's reading from the grid.
type gridPlace struct {
	c    *cell
	note string
}

// placeByGrid puts the cells of a row under the value columns their grid
// columns fix; the value columns are the last width columns of the grid
// table. A cell spanning several columns is read as 0 in each when it is
// 0 (counts are never negative, so a 0 sum means 0 parts) and refused
// otherwise (those columns stay unread, with why); a column no cell starts in (covered by a rowspan from the row
// above) stays unread. It fails when the row is not one grid line.
func (p *parser) placeByGrid(vals []cell, rowCols []string, labelEnd int) (placed []gridPlace, why string, ok bool) {
	width := len(rowCols)
	if len(p.grid) == 0 || len(vals) == 0 {
		return nil, "", false
	}
	line := p.t.lineOf(vals[0].a)
	if line < 1 || line > len(p.grid) || p.grid[line-1].Table == 0 {
		return nil, "", false
	}
	g := p.grid[line-1]
	w := p.gridWidth(g.Table)
	var index map[int]int
	if width >= 7 {
		index = p.valueIndex(g.Table, rowCols, w)
	} else {
		// Table 2: its small tables differ in width (三列、一列、两列), so
		// a row's numbers are the cells right after its label's cell.
		li := p.cellIndex(max(labelEnd-1, 0))
		if p.t.lineOf(max(labelEnd-1, 0)) != line || li+1 >= len(g.Cols) {
			return nil, "", false
		}
		index = map[int]int{}
		for k := range width {
			index[g.Cols[li+1]+k] = k
		}
	}
	placed = make([]gridPlace, width)
	for i := range vals {
		c := &vals[i]
		if p.t.lineOf(c.a) != line {
			if c.kind == kindEmpty {
				continue // the padding cell that opens the next row's line
			}
			return nil, "", false
		}
		idx := p.cellIndex(c.a)
		if idx >= len(g.Cols) {
			if c.kind == kindEmpty {
				continue // nothing after the row's last cell
			}
			return nil, "", false
		}
		col := g.Cols[idx]
		span := 1
		if idx+1 < len(g.Cols) {
			span = g.Cols[idx+1] - col
		} else if col < w {
			span = w + 1 - col
		}
		var ks []int
		for gc := col; gc < col+span; gc++ {
			if k, in := index[gc]; in {
				ks = append(ks, k)
			}
		}
		switch {
		case len(ks) == 0 && c.kind == kindEmpty:
			continue // an empty label column (a merged label's padding)
		case len(ks) == 0:
			return nil, "", false // a number outside the value columns
		case len(ks) == 1:
			placed[ks[0]] = gridPlace{c: c}
		case c.kind == kindValue && c.val != 0:
			// The columns under a merged number stay unread (flagged);
			// the row's other columns are still known.
			why = fmt.Sprintf("数字%s所在的合并单元格跨%d列，无法分到各列", num(c.val), len(ks))
		default:
			for _, k := range ks {
				placed[k] = gridPlace{c: c, note: fmt.Sprintf("合并单元格跨%d列，值为0，各列按0计", len(ks))}
			}
		}
	}
	return placed, why, true
}

// valueIndex says which value column each grid column of a grid table is.
// Two readings are tried: the header's own cells (自然人 … 总计, for table
// 3) and the table's last columns; the one under which more of the table's
// numbers fall in a value column wins — a header cell spanning too far
// and rows whose trailing empty cells were dropped each mislead one of
// them.
//
// The answer is the same for every row of a table read with the same
// columns, so it is kept (the callers only read it): scoring both
// readings over the table's number cells for each row was a tenth of
// reading a grid report.
func (p *parser) valueIndex(table int, rowCols []string, w int) map[int]int {
	key := valueIndexKey{table: table, w: w, n: len(rowCols)}
	if len(rowCols) > 0 {
		// The columns are a template's or the table's order, never
		// changed once made; the key holds them, so their address is not
		// reused while the parse lasts.
		key.cols = &rowCols[0]
	}
	if index, ok := p.indexes[key]; ok {
		return index
	}
	index := p.valueIndexOf(table, rowCols, w)
	if p.indexes == nil {
		p.indexes = map[valueIndexKey]map[int]int{}
	}
	p.indexes[key] = index
	return index
}

// valueIndexKey names a table read with some columns (valueIndex).
type valueIndexKey struct {
	table, w, n int
	cols        *string
}

func (p *parser) valueIndexOf(table int, rowCols []string, w int) map[int]int {
	width := len(rowCols)
	last := map[int]int{}
	for k := range width {
		last[w-width+1+k] = k
	}
	hc := p.headerCols(table)
	if hc == nil || width < 7 {
		return last
	}
	byHeader := map[int]int{}
	for k, col := range rowCols {
		gc, found := hc[col]
		if !found {
			return last
		}
		byHeader[gc] = k
	}
	score := func(index map[int]int) int {
		n := 0
		for _, col := range p.numberCols(table) {
			if _, in := index[col]; in {
				n++
			} else {
				n--
			}
		}
		return n
	}
	if score(byHeader) > score(last) {
		return byHeader
	}
	return last
}

// numberCols gives the grid column of every number cell of a grid table,
// line by line. It is the same for every row of the table, so it is found
// once per table rather than once per row (splitting and classifying the
// whole table for each of its rows was an eighth of reading a report).
func (p *parser) numberCols(table int) []int {
	if cols, ok := p.valueCols[table]; ok {
		return cols
	}
	cols := []int{}
	for i, g := range p.grid {
		if g.Table != table {
			continue
		}
		for k, text := range p.lineCells(i + 1) {
			if k < len(g.Cols) {
				if kind, _, _ := classify(text); kind == kindValue {
					cols = append(cols, g.Cols[k])
				}
			}
		}
	}
	if p.valueCols == nil {
		p.valueCols = map[int][]int{}
	}
	p.valueCols[table] = cols
	return cols
}

// headerWords name table 3's columns as its header cells print them.
var headerWords = map[string]string{
	"自然人": "natural", "商业企业": "commercial", "科研机构": "research", "社会公益组织": "social",
	"法律服务机构": "legal", "其他": "other_org", "小计": subtotalCol, "总计": "total",
}

// dropSpacesAndBreaks takes spaces and line breaks out of a header cell
// (built once: a replacer is made on its first use).
var dropSpacesAndBreaks = strings.NewReplacer(" ", "", "\n", "")

// headerCols finds table 3's header cells in a grid table: the grid column
// of each applicant column by its own words. It returns nil when the grid
// table holds no such header.
func (p *parser) headerCols(table int) map[string]int {
	if hc, ok := p.headers[table]; ok {
		return hc
	}
	hc := map[string]int{}
	for i, g := range p.grid {
		if g.Table != table {
			continue
		}
		for k, text := range p.lineCells(i + 1) {
			if k >= len(g.Cols) {
				break
			}
			word := dropSpacesAndBreaks.Replace(text)
			if col, ok := headerWords[word]; ok {
				if _, seen := hc[col]; !seen {
					hc[col] = g.Cols[k]
				}
			}
		}
	}
	if len(hc) < 7 {
		hc = nil
	}
	if p.headers == nil {
		p.headers = map[int]map[string]int{}
	}
	p.headers[table] = hc
	return hc
}

// lineCells gives the texts of the "|"-closed cells of a line (1-based,
// numbered as in the raw text) of the folded text.
func (p *parser) lineCells(line int) []string {
	if p.normLines == nil {
		p.normLines = map[int]int{}
		for o := 0; o <= len(p.t.norm); {
			p.normLines[p.t.lineOf(o)] = o
			nl := strings.IndexByte(p.t.norm[o:], '\n')
			if nl < 0 {
				break
			}
			o += nl + 1
		}
	}
	o, ok := p.normLines[line]
	if !ok {
		return nil
	}
	end := strings.IndexByte(p.t.norm[o:], '\n')
	if end < 0 {
		end = len(p.t.norm) - o
	}
	return strings.Split(p.t.norm[o:o+end], "|")
}

// cellIndex is the index of the "|"-closed cell that holds offset off.
func (p *parser) cellIndex(off int) int {
	return p.t.barsBefore(off)
}

// setGridRow records a row placed by its grid columns; columns no cell
// starts in are listed in a finding.
func (p *parser) setGridRow(placed []gridPlace, why string, table, row int, def rowDef, rowCols []string, line int, name string) {
	var uncovered []string
	for ci, pl := range placed {
		code := cellCode(table, def.code, rowCols[ci])
		if pl.c == nil {
			uncovered = append(uncovered, code)
			continue
		}
		src := p.source(*pl.c, table, row, ci+1)
		switch {
		case pl.note != "":
			src.Note = pl.note
		case pl.c.kind == kindEmpty:
			src.Note = "空白单元格按0计"
		case pl.c.zero != "":
			src.Note = "“" + pl.c.zero + "”按0计"
		default:
			src.Note = "本行有合并单元格，按表格中的真实列位置归列"
		}
		p.put(code, pl.c.val, src)
	}
	if len(uncovered) > 0 {
		if why == "" {
			why = "被上一行的合并单元格覆盖"
		}
		p.flag(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行“%s”：%s，这%d列未读取", line, name, why, len(uncovered)), uncovered...)
	}
}

// tabGrid reads the grid of text pasted from a spreadsheet: a tab between
// cells, empty cells kept, so the n-th cell of a line stands in column n.
// Lines with tabs in a run make one table. The label columns a merged
// label leaves empty (数量\t\t\t7…) then no longer shift the numbers.
func tabGrid(raw string) []GridLine {
	lines := strings.Split(raw, "\n")
	out := make([]GridLine, len(lines))
	table, inTable := 0, false
	for i, l := range lines {
		if !strings.Contains(l, "\t") {
			inTable = false
			continue
		}
		if !inTable {
			table++
			inTable = true
		}
		n := strings.Count(l, "\t") + 1
		cols := make([]int, n)
		for k := range cols {
			cols[k] = k + 1
		}
		out[i] = GridLine{Table: table, Cols: cols}
	}
	return out
}
