package parse

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	var rows, groups []rowCells
	anyValue := false
	for i, l := range labels {
		def := tmpl[l.row]
		end := sp.b
		if i+1 < len(labels) {
			end = labels[i+1].a
		}
		var vals []cell
		lb := extendLabel(s, l.b, end)
		afterText, broken := false, ""
		for _, c := range p.cells(lay, lb, end, lb) {
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
		if n := len(vals); n > 0 && vals[n-1].a == -1 {
			// A token that opens like a number but is none (7-, 1-2-):
			// the row's numbers cannot be told apart safely.
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”中有无法识别的数字“%s”，未读取", line, name, vals[n-1].text), codes(table, def.code, rowCols)...)
			continue
		}
		if len(vals) > 0 && vals[0].glued && (len(vals) < width || vals[0].kind == kindText) {
			if joined := p.joinStraySpaces(vals); len(joined) < len(vals) {
				p.step(table, "stray-space", "粘连数字中的空格")
				vals = joined
			}
			p.step(table, "glued-split", "")
			var keep func([]float64) bool
			if table == 3 {
				keep = rowSums
				if eight {
					keep = eightSums
				}
			}
			cellCodes := codes(table, def.code, rowCols)
			if nums, note, ok := p.splitGlued(vals[0], width, keep, name, line, cellCodes); ok {
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
		if len(vals) > width && restIsOtherRow(vals[width:]) {
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
			// where each column ends.
			if placed, ok := p.placeByColumns(vals, columnEnds(p, rows2cells(rows), width)); ok {
				p.step(table, "place-by-columns", "PDF空白单元格按列位置")
				for ci, c := range placed {
					code := fmt.Sprintf("t%d.%s.%s", table, def.code, rowCols[ci])
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
			p.flag(report.RuleAmbiguous, report.SeverityWarning,
				fmt.Sprintf("第%d行“%s”只有%d个数字，应有%d个，无法确定各数字所在列，未读取", line, name, len(vals), width), codes(table, def.code, rowCols)...)
			continue
		}
		for ci, c := range vals {
			if c.kind == kindText {
				// Glued digits that are no number (7-3-2 in a full row):
				// the cell stays unread, and says so.
				p.flag(report.RuleAmbiguous, report.SeverityWarning,
					fmt.Sprintf("第%d行“%s”的“%s”不是一个数字，该格未读取", line, name, c.text), fmt.Sprintf("t%d.%s.%s", table, def.code, rowCols[ci]))
				continue
			}
			code := fmt.Sprintf("t%d.%s.%s", table, def.code, rowCols[ci])
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
		p.resolveJointly(rows2map(p, tmpl, rows), table)
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

// joinStraySpaces joins a glued row's digit runs that a stray space cut
// (一、本年新收…19200012 2): the digits are one run to split, since a space
// inside glued digits may or may not be a cell boundary and every split of
// the whole run covers both. It keeps the first cell alone when a later one
// is not plain digits or follows words.
func (p *parser) joinStraySpaces(vals []cell) []cell {
	if len(vals) < 2 {
		return vals
	}
	for i, c := range vals {
		if c.afterText || c.kind == kindEmpty || c.zero != "" || (i > 0 && !allDigits(strings.TrimPrefix(p.t.norm[c.a:c.b], "-"))) {
			return vals
		}
	}
	first := vals[0]
	first.b = vals[len(vals)-1].b
	first.joined = true
	return []cell{first}
}

// startsNumeric tells whether a word opens with a digit or a sign, as a
// number torn by a stray space does (7- of 7- 12).
func startsNumeric(w string) bool {
	digit := func(i int) bool { return i < len(w) && w[i] >= '0' && w[i] <= '9' }
	return digit(0) || ((w != "" && (w[0] == '-' || w[0] == '+' || w[0] == '.')) && digit(1))
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
		out[i] = fmt.Sprintf("t%d.%s.%s", table, row, c)
	}
	return out
}

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
	ls := strings.LastIndexByte(p.t.norm[:c.a], '\n') + 1
	src.Cell = strings.Count(p.t.norm[ls:c.a], "|")
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

// shiftEarlyNumbers mends PDF text that prints a tall row's numbers on the
// line above its label (vertically centred): the row before then holds two
// rows of numbers and this one none. The second full line of numbers moves
// down, noted on each cell.
func shiftEarlyNumbers(p *parser, rows []rowCells, tmpl []rowDef) (n int) {
	for i := 0; i+1 < len(rows); i++ {
		width := len(tmpl[rows[i].l.row].cols)
		next := rows[i+1]
		if width < 2 || len(rows[i].vals) != 2*width || len(next.vals) != 0 || len(tmpl[next.l.row].cols) != width {
			continue
		}
		moved := rows[i].vals[width:]
		if p.t.lineOf(moved[0].a) != p.t.lineOf(moved[width-1].a) || p.t.lineOf(moved[0].a) == p.t.lineOf(rows[i].vals[0].a) {
			continue // the second set is not one line of its own
		}
		for k := range moved {
			moved[k].shifted = true
		}
		rows[i+1].vals = moved
		rows[i].vals = rows[i].vals[:width]
		n++
	}
	return n
}

func rows2cells(rows []rowCells) [][]cell {
	out := make([][]cell, len(rows))
	for i, r := range rows {
		out[i] = r.vals
	}
	return out
}

// columnEnds finds where each of a table's width columns ends on its line
// (in characters from the line start), from the rows that print all their
// numbers on one line. It returns nil when no such row exists.
func columnEnds(p *parser, rows [][]cell, width int) []int {
	var samples [][]int
	var starts []int
	wide := 0
	lines := map[int]bool{}
	for _, vals := range rows {
		if len(vals) > 0 {
			// Two rows on one line (a page saved as one line) say nothing
			// about where a column stands.
			l := p.t.lineOf(vals[0].a)
			if lines[l] {
				return nil
			}
			lines[l] = true
		}
	}
	for _, vals := range rows {
		if len(vals) != width {
			continue
		}
		ends := make([]int, width)
		line := p.t.lineOf(vals[0].a)
		for i, c := range vals {
			if c.kind != kindValue || p.t.lineOf(c.a) != line {
				ends = nil
				break
			}
			ends[i] = p.column(c.b)
		}
		if ends != nil {
			samples = append(samples, ends)
			// What stands before the first number: wide gaps (pdftotext
			// pads columns) or words of different lengths that the
			// numbers still line up after.
			ls := strings.LastIndexByte(p.t.norm[:vals[0].a], '\n') + 1
			before := strings.TrimRight(p.t.norm[ls:vals[0].a], " \t")
			starts = append(starts, utf8.RuneCountInString(before))
			if vals[0].a-(ls+len(before)) >= 2 {
				wide++
			}
		}
	}
	if len(samples) >= 2 && wide < len(samples) && slices.Max(starts)-slices.Min(starts) < 2 {
		// Single spaces after labels of one length: the numbers' places
		// follow the text, not columns (a row "行政许可 13 12" with a blank
		// would line up with "行政许可 16 2 20" by chance).
		return nil
	}
	if len(samples) < 2 {
		return nil // one row is no evidence of columns
	}
	for i := 0; i < width; i++ {
		lo, hi := samples[0][i], samples[0][i]
		for _, sm := range samples {
			lo, hi = min(lo, sm[i]), max(hi, sm[i])
		}
		if hi-lo > 4 {
			return nil // the rows do not line up: no columns in this text
		}
	}
	out := make([]int, width)
	for i := range out {
		col := make([]int, len(samples))
		for j, s := range samples {
			col[j] = s[i]
		}
		sort.Ints(col)
		out[i] = col[len(col)/2]
	}
	return out
}

// column is the character position of offset off on its line.
func (p *parser) column(off int) int {
	ls := strings.LastIndexByte(p.t.norm[:off], '\n') + 1
	return utf8.RuneCountInString(p.t.norm[ls:off])
}

// placeByColumns puts the numbers of a row with blank cells under the
// columns whose ends they line up with (within two characters). It fails
// when the numbers are not on one line or one does not line up.
func (p *parser) placeByColumns(vals []cell, ends []int) ([]*cell, bool) {
	if ends == nil {
		return nil, false
	}
	placed := make([]*cell, len(ends))
	line := p.t.lineOf(vals[0].a)
	next := 0
	for i := range vals {
		c := vals[i]
		if c.kind != kindValue || p.t.lineOf(c.a) != line {
			return nil, false
		}
		end := p.column(c.b)
		found := false
		for k := next; k < len(ends); k++ {
			if d := end - ends[k]; d >= -2 && d <= 2 {
				placed[k], next, found = &vals[i], k+1, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return placed, true
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

// splits lists every way to cut a run of digits into width numbers (no
// number but 0 itself starts with 0).
func splits(digits string, width int) [][]float64 {
	var out [][]float64
	if strings.IndexFunc(digits, func(r rune) bool { return (r < '0' || r > '9') && r != '-' && r != '.' }) >= 0 {
		return nil
	}
	// A cell holds at most eight digits (and a sign): longer runs are not
	// a row of numbers, and the bound keeps the search small.
	const maxDigits = 9
	if len(digits) > width*maxDigits {
		return nil
	}
	var walk func(rest string, acc []float64)
	walk = func(rest string, acc []float64) {
		if len(out) > 5000 || len(rest) > (width-len(acc))*maxDigits {
			return
		}
		if len(acc) == width {
			if rest == "" {
				out = append(out, append([]float64(nil), acc...))
			}
			return
		}
		for n := 1; n <= min(len(rest)-(width-len(acc)-1), maxDigits); n++ {
			part := rest[:n]
			// A 2019 本年增/减 may be negative: a part may open with "-";
			// an amount in 万元 may hold one decimal point inside it.
			num := strings.TrimPrefix(part, "-")
			if num == "" || strings.Contains(num, "-") {
				if strings.Contains(num, "-") {
					break
				}
				continue
			}
			if num[0] == '.' || strings.Count(num, ".") > 1 {
				break
			}
			if strings.HasSuffix(num, ".") {
				continue
			}
			if len(num) > 1 && num[0] == '0' && num[1] != '.' {
				break
			}
			v, _ := strconv.ParseFloat(part, 64)
			walk(rest[n:], append(acc, v))
		}
	}
	walk(digits, nil)
	return out
}

// rowSums keeps the splits of a table-3 row whose total equals the sum of
// its applicant columns (rule 3).
func rowSums(sp []float64) bool {
	sum := 0.0
	for _, v := range sp[:len(sp)-1] {
		sum += v
	}
	return sum == sp[len(sp)-1]
}

// groupSums keeps the splits of table 4 whose every group total equals
// the sum of its outcomes (rule 4).
func groupSums(sp []float64) bool {
	for g := 0; g+5 <= len(sp); g += 5 {
		if !rowSums(sp[g : g+5]) {
			return false
		}
	}
	return true
}

// splitGlued reads numbers printed with no separator (规章000): every split
// into the row's width is tried, and the accounting rules narrow them down
// where they apply. When more than one split remains, nothing is read and a
// finding lists the readings. It returns the chosen numbers and the note
// that explains the choice.
func (p *parser) splitGlued(c cell, width int, keep func([]float64) bool, name string, line int, cellCodes []string) ([]float64, string, bool) {
	digits := strings.NewReplacer(" ", "", "\t", "").Replace(p.t.norm[c.a:c.b])
	all := splits(digits, width)
	cands := all
	if keep != nil {
		var ok [][]float64
		for _, sp := range all {
			if keep(sp) {
				ok = append(ok, sp)
			}
		}
		if len(ok) > 0 {
			cands = ok
		}
	}
	if len(cands) > 1 && p.deferGlued {
		// Table 3: the row's readings may be settled by the columns'
		// rules across the rows (resolveJointly).
		p.pending = append(p.pending, pendingRow{cands: cands, all: len(all), digits: digits, name: name, line: line, codes: cellCodes, c: c})
		return nil, "", false
	}
	if len(cands) != 1 {
		var alts []string
		for i, sp := range cands {
			if i == 6 {
				alts = append(alts, "…")
				break
			}
			alts = append(alts, fmtSplit(sp))
		}
		p.r.AddFinding(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行“%s”的数字粘连为“%s”，有%d种拆分（%s），未读取", line, name, digits, len(cands), strings.Join(alts, "；")), cellCodes...)
		return nil, "", false
	}
	note := ""
	if len(all) > 1 || len(digits) > width {
		note = fmt.Sprintf("数字粘连“%s”按%d列拆分为%s", digits, width, fmtSplit(cands[0]))
		if len(all) > 1 {
			var rejected []string
			for _, sp := range all {
				if fmtSplit(sp) == fmtSplit(cands[0]) {
					continue
				}
				if len(rejected) == 5 {
					rejected = append(rejected, "…")
					break
				}
				rejected = append(rejected, fmtSplit(sp))
			}
			note += fmt.Sprintf("（共%d种拆分，按勾稽关系排除：%s）", len(all), strings.Join(rejected, "；"))
		}
	}
	return cands[0], note, true
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
	for _, seg := range strings.Split(line, "|") {
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

func fmtSplit(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(parts, "/")
}

// readTable4 reads the fifteen numbers of table 4 in printed order: they
// follow the header (or, in a transposed table, the group labels), so the
// numbers of the section are read in order and the padding of empty header
// cells before the first number is skipped.
func (p *parser) readTable4(sp span) bool {
	s := p.t.norm
	// Skip the heading line itself.
	start := sp.a
	if nl := strings.IndexByte(s[sp.a:sp.b], '\n'); nl >= 0 {
		start = sp.a + nl
	}
	lay := detectLayout(s[start:sp.b])
	p.step(4, lay.String(), "")
	if lay == layoutPipes {
		if vals := p.table4Row(start, sp.b); vals != nil {
			p.setTable4(vals)
			return true
		}
	}
	all := p.cells(lay, start, sp.b, start)
	if run, ok := p.table4Run(all); ok {
		p.step(4, "one-line-table-4", "表头后的15个数")
		return run
	}
	var vals []cell
	for _, c := range all {
		if lay != layoutPipes && c.kind == kindValue && proseLine(p.lineText(c.a)) {
			// Without bars, table 4's numbers stand on lines of their own;
			// a number in a sentence (收到行政复议申请2件) is prose.
			continue
		}
		switch c.kind {
		case kindValue:
			vals = append(vals, c)
		case kindEmpty:
			if len(vals) > 0 && lay == layoutPipes {
				vals = append(vals, c)
			}
		}
		if len(vals) == 15 {
			break
		}
	}
	// Short of fifteen, trailing empties are padding, not zeros.
	for len(vals) > 0 && len(vals) < 15 && vals[len(vals)-1].kind == kindEmpty {
		vals = vals[:len(vals)-1]
	}
	if len(vals) == 0 {
		return false
	}
	var t4codes []string
	for _, g := range report.T4Groups {
		for _, o := range report.T4Outcomes {
			t4codes = append(t4codes, "t4."+g+"."+o)
		}
	}
	if len(vals) == 1 && len(p.t.norm[vals[0].a:vals[0].b]) >= 15 {
		// The fifteen numbers glued together.
		if nums, note, ok := p.splitGlued(vals[0], 15, groupSums, "表四", p.t.lineOf(vals[0].a), t4codes); ok {
			for i, v := range nums {
				src := p.source(vals[0], 4, i/5+1, i%5+1)
				src.Note = note
				p.r.Set(t4codes[i], v, src)
			}
		}
		return true
	}
	if len(vals) < 15 && strings.TrimSpace(s[sp.b:]) != "" {
		p.r.AddFinding(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("表四（第%d行起）只有%d个数字，应有15个，无法确定各数字所在位置，未读取", p.t.lineOf(sp.a), len(vals)), t4Codes()...)
		return true
	}
	p.setTable4(vals)
	return true
}

// table4Run reads table 4 from text whose lines say nothing (a page saved
// as one line): after the header's last word stand fifteen numbers in a
// row, or one run of digits glued to the header (…尚未审结总计000000000000000
// 五、…) that the rule of table 4 splits. Numbers inside words
// (收到行政复议申请2件) never belong to such a run.
func (p *parser) table4Run(cells []cell) (bool, bool) {
	if strings.Contains(strings.TrimSpace(p.t.norm), "\n") && p.lineCount(cells) > 1 {
		return false, false
	}
	var cs []cell
	for _, c := range cells {
		if c.kind != kindText {
			cs = append(cs, c)
			continue
		}
		cs = append(cs, p.splitDigitRuns(c)...)
	}
	for i := 0; i < len(cs); i++ {
		if cs[i].kind != kindValue || (i > 0 && cs[i-1].kind == kindValue) {
			continue
		}
		j := i
		for j < len(cs) && cs[j].kind == kindValue {
			j++
		}
		switch {
		case j-i == 15:
			p.setTable4(cs[i:j])
			return true, true
		case j-i == 1 && cs[i].b-cs[i].a >= 15 && allDigits(p.t.norm[cs[i].a:cs[i].b]):
			var t4codes []string
			for c := range report.T4Codes() {
				t4codes = append(t4codes, string(c))
			}
			if nums, note, ok := p.splitGlued(cs[i], 15, groupSums, "表四", p.t.lineOf(cs[i].a), t4codes); ok {
				for k, v := range nums {
					src := p.source(cs[i], 4, k/5+1, k%5+1)
					src.Note = note
					p.r.Set(t4codes[k], v, src)
				}
			}
			return true, true
		}
	}
	return false, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func t4Codes() []string {
	var out []string
	for c := range report.T4Codes() {
		out = append(out, string(c))
	}
	return out
}

// lineCount is the number of lines the cells stand on.
func (p *parser) lineCount(cells []cell) int {
	seen := map[int]bool{}
	for _, c := range cells {
		seen[p.t.lineOf(c.a)] = true
	}
	return len(seen)
}

// splitDigitRuns cuts a word with digits run into it (总计000000000000000五)
// into its words and its numbers; a number followed by a unit or a date
// word (2件, 2022年) stays part of the words.
func (p *parser) splitDigitRuns(c cell) []cell {
	s := p.t.norm
	var out []cell
	i, textStart := c.a, c.a
	for i < c.b {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < c.b && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		r, _ := utf8.DecodeRuneInString(s[j:c.b])
		unit := j < c.b && (strings.ContainsRune("年月日号件个条项次宗家元万亿人余多.、", r) || r == ')')
		if unit {
			i = j
			continue
		}
		if i > textStart {
			out = append(out, cell{a: textStart, b: i, kind: kindText, text: s[textStart:i]})
		}
		v, _ := strconv.ParseFloat(s[i:j], 64)
		out = append(out, cell{a: i, b: j, kind: kindValue, val: v, glued: true})
		i, textStart = j, j
	}
	if textStart < c.b {
		out = append(out, cell{a: textStart, b: c.b, kind: kindText, text: s[textStart:c.b]})
	}
	return out
}

// table4Row finds table 4 printed as one line of fifteen cells, numbers or
// blanks, so that blank cells keep their places even at the start.
func (p *parser) table4Row(a, b int) []cell {
	s := p.t.norm
	for ls := a; ls < b; {
		le := strings.IndexByte(s[ls:b], '\n')
		if le < 0 {
			le = b
		} else {
			le += ls
		}
		if strings.Count(s[ls:le], "|") >= 14 && !hasText(s[ls:le]) {
			var vals []cell
			seg := ls
			for i := ls; i <= le; i++ {
				if i < le && s[i] != '|' {
					continue
				}
				k, v, z := classify(s[seg:i])
				if !(i == le && k == kindEmpty) {
					vals = append(vals, cell{a: seg, b: i, kind: k, val: v, zero: z})
				}
				seg = i + 1
			}
			for len(vals) > 15 && vals[len(vals)-1].kind == kindEmpty {
				vals = vals[:len(vals)-1]
			}
			if len(vals) == 15 {
				for i := range vals {
					if vals[i].kind == kindValue {
						// Point at the number itself, not the cell's spaces.
						raw := s[vals[i].a:vals[i].b]
						off := strings.Index(raw, strings.TrimSpace(raw))
						vals[i].a, vals[i].b = vals[i].a+off, vals[i].a+off+len(strings.TrimSpace(raw))
					}
				}
				return vals
			}
		}
		ls = le + 1
	}
	return nil
}

// setTable4 records table 4's numbers in printed order.
func (p *parser) setTable4(vals []cell) {
	i := 0
	for gi, g := range report.T4Groups {
		for oi, o := range report.T4Outcomes {
			if i >= len(vals) {
				break
			}
			src := p.source(vals[i], 4, gi+1, oi+1)
			if vals[i].kind == kindEmpty {
				src.Note = "空白单元格按0计"
			}
			p.r.Set("t4."+g+"."+o, vals[i].val, src)
			i++
		}
	}
	if len(vals) < 15 {
		var miss []string
		for k := len(vals); k < 15; k++ {
			miss = append(miss, "t4."+report.T4Groups[k/5]+"."+report.T4Outcomes[k%5])
		}
		p.r.AddFinding(report.RuleMissing, report.SeverityWarning,
			fmt.Sprintf("表四只读到%d个数字，应有15个", len(vals)), miss...)
	}
}
