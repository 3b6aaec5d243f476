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
func (p *parser) placeByGrid(vals []cell, width int) (placed []gridPlace, why string, ok bool) {
	if len(p.grid) == 0 || len(vals) == 0 {
		return nil, "", false
	}
	line := p.t.lineOf(vals[0].a)
	if line < 1 || line > len(p.grid) || p.grid[line-1].Table == 0 {
		return nil, "", false
	}
	g := p.grid[line-1]
	w := p.gridWidth(g.Table)
	first := w - width + 1 // grid column of the first value column
	placed = make([]gridPlace, width)
	for i := range vals {
		c := &vals[i]
		if p.t.lineOf(c.a) != line {
			return nil, "", false
		}
		idx := p.cellIndex(c.a)
		if idx >= len(g.Cols) {
			return nil, "", false
		}
		col := g.Cols[idx]
		span := w + 1 - col
		if idx+1 < len(g.Cols) {
			span = g.Cols[idx+1] - col
		}
		if col < first || span < 1 || col+span-1 > w {
			return nil, "", false
		}
		if span == 1 {
			placed[col-first] = gridPlace{c: c}
			continue
		}
		if c.kind == kindValue && c.val != 0 {
			// The columns under a merged number stay unread (flagged);
			// the row's other columns are still known.
			why = fmt.Sprintf("数字%s所在的合并单元格跨%d列，无法分到各列", num(c.val), span)
			continue
		}
		for k := 0; k < span; k++ {
			placed[col-first+k] = gridPlace{c: c, note: fmt.Sprintf("合并单元格跨%d列，值为0，各列按0计", span)}
		}
	}
	return placed, why, true
}

// cellIndex is the index of the "|"-closed cell that holds offset off.
func (p *parser) cellIndex(off int) int {
	ls := strings.LastIndexByte(p.t.norm[:off], '\n') + 1
	return strings.Count(p.t.norm[ls:off], "|")
}

// setGridRow records a row placed by its grid columns; columns no cell
// starts in are listed in a finding.
func (p *parser) setGridRow(placed []gridPlace, why string, table, row int, def rowDef, rowCols []string, line int, name string) {
	var uncovered []string
	for ci, pl := range placed {
		code := fmt.Sprintf("t%d.%s.%s", table, def.code, rowCols[ci])
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
