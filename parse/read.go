package parse

import (
	"fmt"
	"strings"
	"unicode"

	"nianbao/report"
)

// readTables finds tables 2–4 and records their cells.
func (p *parser) readTables() {
	t2, t3, t4 := p.sections()
	s := p.t.norm
	ed := ""
	if t2.a >= 0 {
		n19 := len(edition2019Words.FindAllStringIndex(s[t2.a:t2.b], -1))
		n21 := len(edition2021Words.FindAllStringIndex(s[t2.a:t2.b], -1))
		switch {
		case n19 > n21:
			ed = report.Edition2019
		case n21 > 0:
			ed = report.Edition2021
		}
	}
	if ed == "" && t3.a >= 0 && t3SubRowKey.MatchString(s[t3.a:t3.b]) {
		ed = report.Edition2021
	}
	if ed == "" {
		ed = report.Edition2021
		if p.r.Year != 0 && p.r.Year < 2021 {
			ed = report.Edition2019
		}
	}
	p.r.Edition = ed

	found := map[int]bool{}
	if t2.a >= 0 {
		found[2] = p.readRows(2, t2, t2Template(ed))
		if !found[2] {
			p.readProseTable2(t2)
			p.step(2, "prose-table-2", "表二写成文字")
			found[2] = p.r.Has("t2.regulations.issued") || p.r.Has("t2.normative_docs.issued") || p.r.Has("t2.penalty.decisions")
		}
	}
	if t3.a >= 0 {
		found[3] = p.readRows(3, t3, t3Template)
	}
	if t4.a >= 0 {
		found[4] = p.readTable4(t4)
	}
	var missing, cells []string
	for _, n := range []int{2, 3, 4} {
		if found[n] {
			continue
		}
		missing = append(missing, "表"+"二三四"[3*(n-2):3*(n-1)])
		seq := report.T4Codes()
		switch n {
		case 2:
			seq = report.T2Codes(ed)
		case 3:
			seq = report.T3Codes(ed)
		}
		for c := range seq {
			cells = append(cells, string(c))
		}
	}
	if len(missing) > 0 {
		p.r.AddFinding(report.RuleMissing, report.SeverityWarning,
			fmt.Sprintf("未能读到%s的数字（原文缺少该表、表格为图片或文本被截断）", strings.Join(missing, "、")), cells...)
	}
}

// readRows reads a table laid out as labelled rows (tables 2 and 3). It
// reports whether any number was read.
func (p *parser) readRows(table int, sp span, tmpl []rowDef) bool {
	s := p.t.norm
	labels := findLabels(p.t, sp, tmpl, table == 2)
	if len(labels) == 0 {
		return false
	}
	lay := detectLayout(s[sp.a:sp.b])
	if len(p.grid) > 0 && lay == layoutPipes {
		p.step(table, "grid", "按表格真实列位置")
	} else {
		p.step(table, lay.String(), "")
	}
	p.step(table, "labels", fmt.Sprintf("找到%d个行名", len(labels)))
	hasSubRows := false
	for _, l := range labels {
		if strings.HasPrefix(tmpl[l.row].code, "other.") {
			hasSubRows = true
		}
	}
	cols := t3Cols
	if table == 3 {
		cols = p.t3ColumnOrder(sp, labels[0].a)
		p.deferGlued, p.pending = true, nil
		defer func() { p.deferGlued = false }()
	}
	// A row for each label at most: made once, not grown.
	rows := make([]rowCells, 0, len(labels))
	var groups []rowCells
	anyValue := false
	for i, l := range labels {
		def := tmpl[l.row]
		end := sp.b
		if i+1 < len(labels) {
			end = labels[i+1].a
		}
		lb := extendLabel(s, l.b, end)
		afterText, broken := false, ""
		// The row's values are kept in the cells' own array: each is
		// copied out before its place can be written.
		cs := p.cells(lay, lb, end, lb)
		vals := cs[:0:len(cs)]
		if len(cs) == 0 {
			vals = nil
		}
		for _, c := range cs {
			if c.kind != kindText || c.glued {
				c.afterText = afterText
				vals = append(vals, c)
			}
			afterText = c.kind == kindText && !c.glued
			if afterText && broken == "" && (len(vals) == 0 || !vals[len(vals)-1].afterText) && startsNumeric(c.text) {
				broken = c.text // 7- of 行政处罚7- 12: a number torn apart
			}
		}
		if broken != "" && !def.group {
			vals = append(vals, cell{kind: kindText, text: broken, a: -1})
		}
		if def.group || (def.code == "other" && hasSubRows) {
			// A group's own numbers, when printed, are its 小计 (a check).
			groups = append(groups, rowCells{l, end, vals})
			continue
		}
		for _, c := range vals {
			anyValue = anyValue || c.kind == kindValue || c.glued
		}
		rows = append(rows, rowCells{l, end, vals})
	}
	if !anyValue {
		// Labels without a single number: the table was published empty.
		p.flag(report.RuleNoData, report.SeverityWarning,
			fmt.Sprintf("表%s只有表头和行名，没有任何数字（第%d行起）", "二三四"[3*(table-2):3*(table-1)], p.t.lineOf(labels[0].a)))
		return true
	}
	if lay == layoutSpaces {
		if n := shiftEarlyNumbers(p, rows, tmpl); n > 0 {
			p.step(table, "numbers-above-label", fmt.Sprintf("%d行", n))
		}
	}
	eight := table == 3 && p.eightColumns(sp, labels[0].a, rows)
	if eight {
		cols = t3EightCols
		p.step(table, "eight-column", "小计列与小计行只作核对")
	}
	if table == 3 && !eight {
		// The header suggested an order; the rows' own sums (rule 3) have
		// the last word when they clearly favour the other one.
		var full [][]cell
		for _, rc := range rows {
			if len(rc.vals) >= 7 {
				full = append(full, rc.vals[:7])
			}
		}
		if alt := otherOrder(cols); sumsHold(full, alt) > sumsHold(full, cols)+1 {
			cols = alt
			p.flag(report.RuleAmbiguous, report.SeverityInfo,
				"表三“总计”列的位置按各行数字的勾稽关系确定（表头所示列序与数字不符）", "t3.new.total")
		}
	}
	displaced := p.displacedRows(rows, tmpl, cols, table)
	merged := false // a row of the table had merged cells
	for ri, rc := range rows {
		def := tmpl[rc.l.row]
		rowCols := def.cols
		if table == 3 {
			rowCols = cols
		}
		width := len(rowCols)
		vals := rc.vals
		name := strings.TrimSpace(s[rc.l.a:rc.l.b])
		line := p.t.lineOf(rc.l.a)
		if displaced[ri] {
			continue // flagged by displacedRows
		}
		if n := len(vals); n > 0 && vals[n-1].a == -1 {
			// A token that opens like a number but is none (7-, 1-2-):
			// the row's numbers cannot be told apart safely.
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”中有无法识别的数字“%s”，未读取", line, name, vals[n-1].text), codes(table, def.code, rowCols)...)
			continue
		}
		var keep func([]float64) bool
		if table == 3 {
			keep = rowSums
			if eight {
				keep = eightSums
			}
		}
		if lay == layoutPipes && len(vals) > 1 && vals[0].glued {
			// A row glued to its label among barred lines (规章000 under a
			// header with bars): the bars of the lines after it are not
			// its cells.
			line0 := p.t.lineOf(vals[0].a)
			k := 1
			for k < len(vals) && p.t.lineOf(vals[k].a) == line0 {
				k++
			}
			vals = vals[:k]
		}
		if len(vals) > 0 && vals[0].glued && (len(vals) < width || vals[0].kind == kindText) {
			if joined := p.joinStraySpaces(vals); len(joined) < len(vals) {
				p.step(table, "stray-space", "粘连数字中的空格")
				vals = joined
			}
			p.step(table, "glued-split", "")
			if table == 2 {
				// Table 2 has no rule of its own; the overview may state
				// its figures (looked up only for a glued row).
				keep = p.t2NarrativeKeep(def.code, rowCols)
			}
			if keep != nil && table == 2 {
				p.step(table, "narrative", "表二粘连行按正文所述件数（规则6）")
				p.keepWhy = "正文所述件数（规则6）"
			}
			cellCodes := codes(table, def.code, rowCols)
			nums, note, ok := p.splitGlued(vals[0], width, keep, name, line, cellCodes)
			p.keepWhy = ""
			if ok {
				for i, v := range nums {
					src := p.source(vals[0], table, ri+1, i+1)
					src.Note = note
					p.put(cellCodes[i], v, src)
				}
			}
			continue
		}
		if lay == layoutPipes && len(p.grid) > 0 {
			// A grid document: each cell's true column places it.
			if placed, why, ok := p.placeByGrid(vals, rowCols, rc.l.b); ok {
				if len(vals) != width {
					p.step(table, "grid-merged-cells", "")
				}
				p.setGridRow(placed, why, table, ri+1, def, rowCols, line, name)
				continue
			}
		}
		for len(vals) > width && vals[len(vals)-1].kind == kindEmpty {
			vals = vals[:len(vals)-1] // empty cells padding the row
		}
		if len(vals) > width && (restIsOtherRow(vals[width:]) || p.rowOnItsLine(vals, width, rc.l.a)) {
			// The row's numbers end where words start again: what follows
			// is a row this template does not know (其他主动公开文件).
			vals = vals[:width]
		}
		if len(vals) > width {
			// More numbers than columns: which ones belong is not known.
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”有%d个数字，应有%d个，无法确定各数字所在列，未读取", line, name, len(vals), width), codes(table, def.code, rowCols)...)
			continue
		}
		cut := len(vals) < width
		atEOF := strings.TrimSpace(s[rc.end:]) == ""
		if cut && lay == layoutPipes && len(vals) > 0 && (!atEOF || merged) {
			// Bars fix positions; a row short of cells mid-table has merged
			// cells, and which column its numbers belong to is unknown.
			merged = true
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”只有%d个单元格，应有%d个（单元格合并），无法确定各数字所在列，未读取", line, name, len(vals), width), codes(table, def.code, rowCols)...)
			continue
		}
		if cut && lay == layoutSpaces && len(vals) > 0 && width > 1 {
			// Space-separated text loses blank cells. PDF text keeps the
			// columns' places, though: the full rows of the table tell
			// where each column ends. A row that may as well be glued
			// numbers (digits enough for every column) is placed so only
			// when its own gaps are a PDF's padding: a single space hides
			// no column.
			_, _, maybeRun := p.spacedRun(vals, width)
			if maybeRun && !p.paddedRow(vals, rc.l.b) {
				// left to the solver below
			} else if placed, ok := p.placeByColumns(vals, columnEnds(p, rows2cells(rows), width)); ok {
				p.step(table, "place-by-columns", "PDF空白单元格按列位置")
				for ci, c := range placed {
					code := cellCode(table, def.code, rowCols[ci])
					if c == nil {
						p.put(code, 0, report.Source{Line: line, Page: p.t.pageOf(rc.l.a), Table: table, Row: ri + 1, Col: ci + 1,
							Note: "PDF文本中该列空白，按各列位置推断，按0计"})
						continue
					}
					src := p.source(*c, table, ri+1, ci+1)
					src.Note = "本行有空白单元格，按各列在PDF文本中的位置归列"
					p.put(code, c.val, src)
				}
				continue
			}
			if run, blanks, ok := p.spacedRun(vals, width); ok {
				// Mixed spacing: the row's numbers glued after a space.
				p.step(table, "spaced-run", "行名后空格、数字粘连")
				if table == 2 {
					if keep = p.t2NarrativeKeep(def.code, rowCols); keep != nil {
						p.keepWhy = "正文所述件数（规则6）"
					}
				}
				cellCodes := codes(table, def.code, rowCols)
				nums, note, ok := p.splitGlued(run, width, keep, name, line, cellCodes, blanks...)
				p.keepWhy = ""
				if ok {
					for i, v := range nums {
						src := p.source(run, table, ri+1, i+1)
						src.Note = note
						p.put(cellCodes[i], v, src)
					}
				}
				continue
			}
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”只有%d个数字，应有%d个，无法确定各数字所在列，未读取", line, name, len(vals), width), codes(table, def.code, rowCols)...)
			continue
		}
		for ci, c := range vals {
			if c.kind == kindText {
				// Glued digits that are no number (7-3-2 in a full row):
				// the cell stays unread, and says so.
				p.flag(report.RuleAmbiguous, report.SeverityWarning,
					fmt.Sprintf("第%d行“%s”的“%s”不是一个数字，该格未读取", line, name, c.text), cellCode(table, def.code, rowCols[ci]))
				continue
			}
			code := cellCode(table, def.code, rowCols[ci])
			src := p.source(c, table, ri+1, ci+1)
			switch {
			case c.kind == kindEmpty:
				src.Note = "空白单元格按0计"
			case c.zero != "":
				src.Note = "“" + c.zero + "”按0计"
			case c.shifted:
				src.Note = fmt.Sprintf("数字印在行名（第%d行）的上方，按行名位置归入该行", line)
			case lay == layoutSpaces && src.Line != line:
				src.Note = fmt.Sprintf("数字不在行名所在的第%d行（行名换行），按位置归入该行", line)
			}
			p.put(code, c.val, src)
		}
		switch {
		case cut && len(vals) == 0:
			p.flag(report.RuleMissing, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”后没有读到数字（原文缺数或表格错位）", line, name), codes(table, def.code, rowCols)...)
		case cut:
			p.flag(report.RuleMissing, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”只读到%d个数字，应有%d个（表格被截断）", line, name, len(vals), width), codes(table, def.code, rowCols[len(vals):])...)
		}
	}
	if table == 3 {
		if len(p.pending) > 0 {
			p.resolveJointly(rows2map(p, tmpl, rows), table)
		} else {
			// Nothing to settle jointly (resolveJointly would return at
			// once): the table's rows are not gathered for it.
			p.pending = nil
		}
	}
	if eight {
		p.checkSubtotals(groups, lay)
	}
	p.flagAbsentRows(table, tmpl, labels, hasSubRows, cols)
	return true
}

// flagAbsentRows adds a finding for the rows of the template whose label
// was not found at all, so that their cells are flagged, not silently
// missing (a label the vocabulary does not know, or text cut short).
func (p *parser) flagAbsentRows(table int, tmpl []rowDef, labels []label, hasSubRows bool, cols []string) {
	found := map[int]bool{}
	for _, l := range labels {
		found[l.row] = true
	}
	var names, cells []string
	for i, def := range tmpl {
		if def.group || found[i] {
			continue
		}
		if table == 3 {
			// (六)其他处理 is one row (2019, and 2021 reports that keep it
			// whole) or three sub-rows: either form is complete.
			otherFound := false
			for j, d := range tmpl {
				otherFound = otherFound || (d.code == "other" && found[j])
			}
			if def.code == "other" && (hasSubRows || p.r.Edition == report.Edition2021) {
				continue
			}
			if strings.HasPrefix(def.code, "other.") && !hasSubRows && (otherFound || p.r.Edition != report.Edition2021) {
				continue
			}
		}
		names = append(names, def.code)
		rowCols := def.cols
		if table == 3 {
			rowCols = cols
		}
		for _, c := range codes(table, def.code, rowCols) {
			if !strings.HasSuffix(c, "."+subtotalCol) {
				cells = append(cells, c)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	p.r.AddFinding(report.RuleMissing, report.SeverityWarning,
		fmt.Sprintf("表%s中没有找到%d行的行名（原文缺少这些行、行名写法不同或文本被截断），其数字未读取", "二三四"[3*(table-2):3*(table-1)], len(names)), cells...)
}

// displacedRows finds labels printed in a block with their numbers in a
// block after them (PDF conversions: 4.无正当理由… / 5.要求行政机关确认… /
// 1.申请人逾期不补正… then three rows of numbers, kewei-2024-source.md):
// the row that holds several rows' numbers and the rows before it that hold
// none. Which numbers are whose is a guess, so none of them is read and a
// finding says why.
func (p *parser) displacedRows(rows []rowCells, tmpl []rowDef, cols []string, table int) map[int]bool {
	out := map[int]bool{}
	for i, rc := range rows {
		width := len(tmpl[rc.l.row].cols)
		if table == 3 {
			width = len(cols)
		}
		n := 0
		for _, c := range rc.vals {
			if c.kind == kindValue {
				n++
			}
		}
		if width < 2 || n < 2*width || p.rowOnItsLine(rc.vals, width, rc.l.a) {
			continue
		}
		first := i
		for first > 0 && !out[first-1] && valueCount(rows[first-1].vals) == 0 {
			first--
		}
		if first == i {
			continue
		}
		var names, cells []string
		for k := first; k <= i; k++ {
			out[k] = true
			def := tmpl[rows[k].l.row]
			names = append(names, strings.TrimSpace(p.t.norm[rows[k].l.a:rows[k].l.b]))
			rowCols := def.cols
			if table == 3 {
				rowCols = cols
			}
			cells = append(cells, codes(table, def.code, rowCols)...)
		}
		p.flag(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行起的%d行（%s）行名连排、数字成块排在其后，无法确定各行的数字，未读取", p.t.lineOf(rows[first].l.a), i-first+1, strings.Join(names, "、")), cells...)
	}
	return out
}

func valueCount(vals []cell) int {
	n := 0
	for _, c := range vals {
		if c.kind == kindValue {
			n++
		}
	}
	return n
}

// rowOnItsLine tells whether a row's first width cells stand on its
// label's line and the rest start on a later one: a row a line, followed
// by a row whose label the text lost (| 0 | 0 | … | under | （一）予以公开 |).
func (p *parser) rowOnItsLine(vals []cell, width, labelAt int) bool {
	line := p.t.lineOf(labelAt)
	for _, c := range vals[:width] {
		if c.kind == kindValue && p.t.lineOf(c.a) != line {
			return false
		}
	}
	for _, c := range vals[width:] {
		if c.kind == kindValue {
			return p.t.lineOf(c.a) > line
		}
	}
	return true
}

// startsNumeric tells whether a word opens with a digit or a sign, as a
// number torn by a stray space does (7- of 7- 12).
func startsNumeric(w string) bool {
	digit := func(i int) bool { return i < len(w) && w[i] >= '0' && w[i] <= '9' }
	if !(digit(0) || ((w != "" && (w[0] == '-' || w[0] == '+' || w[0] == '.')) && digit(1))) {
		return false
	}
	// Only signs, digits and points: a numbered label that lost its row
	// (1.属于国家秘密 printed out of order) is words, not a torn number.
	return strings.Trim(w, "0123456789-+.,") == ""
}

// restIsOtherRow tells whether the cells beyond a row's width belong to
// another row: empty cells padding this one, then words before any number.
func restIsOtherRow(rest []cell) bool {
	for _, c := range rest {
		if c.afterText {
			return true
		}
		if c.kind != kindEmpty {
			return false
		}
	}
	return true
}

func codes(table int, row string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cellCode(table, row, c)
	}
	return out
}

// cellCode is the code of a cell of table 2 or 3 (report.T2, report.T3).
// The template's codes are made once (codeTable): a report asks for some
// four hundred of them.
func cellCode(table int, row, col string) string {
	if c, ok := codeTable[cellKey{table, row, col}]; ok {
		return c
	}
	if table == 2 {
		return string(report.T2(row, col))
	}
	return string(report.T3(row, col))
}

type cellKey struct {
	table    int
	row, col string
}

// codeTable holds the code of every cell of tables 2 (both editions) and
// 3 (with the 小计 column of the eight-column table), made by report.T2
// and report.T3; it is only read once built.
var codeTable = func() map[cellKey]string {
	m := map[cellKey]string{}
	for _, rows := range report.T2Rows {
		for _, r := range rows {
			for _, col := range r.Columns {
				m[cellKey{2, r.Code, col}] = string(report.T2(r.Code, col))
			}
		}
	}
	for _, r := range report.T3Rows {
		for _, col := range append(append([]string(nil), report.T3Columns...), subtotalCol) {
			m[cellKey{3, r.Code, col}] = string(report.T3(r.Code, col))
		}
	}
	return m
}()

// flag adds a finding on the cells of codes that are cells (the 小计
// column of the 8-column table is a check, not a cell).
func (p *parser) flag(rule, severity, msg string, codes ...string) {
	var cells []string
	for _, c := range codes {
		if !strings.HasSuffix(c, "."+subtotalCol) {
			cells = append(cells, c)
		}
	}
	p.r.AddFinding(rule, severity, msg, cells...)
}

// put records a cell read from the text; a 小计 column value is kept
// apart for the checks of the 8-column table.
func (p *parser) put(code string, v float64, src report.Source) {
	if row, ok := strings.CutSuffix(code, "."+subtotalCol); ok {
		if p.subtotals == nil {
			p.subtotals = map[string]subtotal{}
		}
		p.subtotals[strings.TrimPrefix(row, "t3.")] = subtotal{v, src}
		return
	}
	p.r.Set(code, v, src)
}

func (p *parser) source(c cell, table, row, col int) report.Source {
	src := report.Source{Line: p.t.lineOf(c.a), Page: p.t.pageOf(c.a), Table: table, Row: row, Col: col}
	src.Cell = p.t.barsBefore(c.a)
	if c.b > c.a {
		src.Raw = p.t.rawOf(c.a, c.b)
	}
	return src
}

// rowCells is a row label with the cells read after it.
type rowCells struct {
	l    label
	end  int
	vals []cell
}

// totalFirst is table 3's columns when 总计 is printed first.
var totalFirst = append([]string{"total"}, t3Cols[:6]...)

func otherOrder(cols []string) []string {
	if cols[0] == "total" {
		return t3Cols
	}
	return totalFirst
}

// sumsHold counts the rows whose total column equals the sum of the
// applicant columns when read in the order cols.
func sumsHold(rows [][]cell, cols []string) int {
	n := 0
	for _, vals := range rows {
		sum, total, nonzero := 0.0, 0.0, false
		for i, c := range vals {
			if cols[i] == "total" {
				total = c.val
			} else {
				sum += c.val
			}
			nonzero = nonzero || c.val != 0
		}
		if nonzero && sum == total {
			n++
		}
	}
	return n
}

// t3ColumnOrder reads the applicant columns' order from table 3's header:
// some reports put 总计 first. The official order is the default.
func (p *parser) t3ColumnOrder(sp span, firstLabel int) []string {
	head := p.t.norm[sp.a:firstLabel]
	tot := strings.Index(head, "总计")
	nat := strings.Index(head, "自然人")
	if tot >= 0 && nat >= 0 && tot < nat {
		return totalFirst
	}
	return t3Cols
}

func (p *parser) lineText(off int) string {
	s := p.t.norm
	a := strings.LastIndexByte(s[:off], '\n') + 1
	b := strings.IndexByte(s[off:], '\n')
	if b < 0 {
		return s[a:]
	}
	return s[a : off+b]
}

// hasText tells whether a bar-separated line holds a cell that is neither
// a number nor a way of writing zero (a header, a label).
func hasText(line string) bool {
	for seg := range strings.SplitSeq(line, "|") {
		if k, _, _ := classify(seg); k == kindText {
			return true
		}
	}
	return false
}

// proseLine tells whether a line holds words other than numbers and the
// ways of writing zero (无, 空, /): a sentence, not a row of cells.
func proseLine(s string) bool {
	for _, f := range strings.Fields(strings.ReplaceAll(s, "|", " ")) {
		if k, _, _ := classify(f); k == kindText && hasHan(f) {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// paddedRow tells whether a row's numbers stand apart by two blanks or
// more somewhere (from the label or from each other): the padding
// pdftotext gives columns, which a row of glued numbers never has.
func (p *parser) paddedRow(vals []cell, labelEnd int) bool {
	prev := labelEnd
	for _, c := range vals {
		if c.a-prev >= 2 && strings.Trim(p.t.norm[prev:c.a], " \t") == "" {
			return true
		}
		prev = c.b
	}
	return false
}
