package ocr

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"nianbao/report"
)

// Rules of the findings OCR adds (report/rulebook.go describes them).
const (
	RuleRead      = "ocr_read"      // info: the report was read from images
	RuleUncertain = "ocr_uncertain" // warning: a cell left unread or to be checked
)

// Threshold is the lowest confidence (Tesseract's 0–100) at which a
// number is read at all, and CheckThreshold the lowest at which a number
// no accounting rule checks (表二's counts and fees) is taken without a
// finding. Tesseract is unsure of lone digits even when right: on the
// scanned 洪泽区 2024 report at 200 DPI, right cells ranged 30–99 % and
// the one wrong cell was 54 % (docs/benchmarks.md, "OCR (issue 24)"), so
// a confidence alone cannot tell them apart; the rules of 表三 and 表四
// (every cell is in a row sum and a column sum) can, and where no rule
// checks a cell, a person does.
var (
	Threshold      = 30.0
	CheckThreshold = 85.0
)

// ruled tells whether the accounting rules check a cell: every cell of
// 表三 is in a row sum (rule 3) and a column sum (rules 1, 2), every cell
// of 表四 in its group's total (rule 4).
func ruled(code string) bool {
	return strings.HasPrefix(code, "t3.") || strings.HasPrefix(code, "t4.")
}

// ReadMark is the words every page shows next to a report's numbers when
// they were read from images.
const ReadMark = "由图片识别"

// Mark applies what OCR knows to a report parsed from OCR'd text; words[i]
// are the words of line i+1. Each cell's source gets its page box (and
// the page's size) and confidence in Note. In order:
//
//   - a cell read from a word Columns put in for an unreadable column
//     stays 0 only where its row and column sums hold with it, else it is
//     unread (settleMissing);
//   - a digit read that is not printed ("929" for 9) is mended where the
//     row and the column both give the value (repairInserted);
//   - a cell read from a word under Threshold is unread with a finding,
//     unless a sum that can catch its misreading ran (checkedOnce) —
//     both its row's and its column's where two readings of the cell
//     disagree (a lattice cell, ReadLattices): 表四's one sum is not
//     enough, a printed total may be wrong itself;
//   - a cell no such sum checks (表二, or a short row and column) read
//     under CheckThreshold, or with a letter taken for a digit (O→0 …),
//     stays but is flagged for a person to check.
//
// The report gets an info finding saying it was read from images.
func Mark(r *report.Report, words [][]Placed) {
	if r == nil {
		return
	}
	var unread, fixed, unsure, blank []string
	var unreadWhy, fixedWhy, unsureWhy, blankWhy []string
	codes := make([]string, 0, len(r.Sources))
	for code := range r.Sources {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	byWord := wordsOfCells(r, words)
	wordFor := func(code string) (Word, bool) {
		src := r.Sources[code]
		if w, ok := byWord[code]; ok {
			return w, true
		}
		return wordOf(words[src.Line-1], src.Raw)
	}
	missing, missingWhy := settleMissing(r, codes, words, wordFor)
	repaired := repairInserted(r, codes)
	// Whether the rules ran is a fact of the report as parsed (less the
	// cells no word was read for), before any cell is set aside here.
	ran, twice := map[string]bool{}, map[string]bool{}
	for _, code := range codes {
		ran[code] = checkedOnce(r, code)
		row, col := t3Checked(r, code)
		twice[code] = strings.HasPrefix(code, "t3.") && row && col
	}
	for _, code := range codes {
		src := r.Sources[code]
		if !r.Has(code) || src.Line < 1 || src.Line > len(words) {
			continue
		}
		w, ok := wordFor(code)
		if !ok {
			src.Note = join(src.Note, ReadMark)
			r.Sources[code] = src
			// No word was read where the parser found the cell: it took
			// the gap for a blank column and counted 0. On a scan a gap
			// is as likely a digit Tesseract did not see (a JPEG-blurred
			// 2 under 表二's 行政处罚 read as nothing, kept as 0 with no
			// finding): only a sum that catches it may keep it unflagged.
			if !ruled(code) || !ran[code] {
				blank = append(blank, code)
				blankWhy = append(blankWhy, fmt.Sprintf("%s（第 %d 行）", report.Label(code), src.Line))
			}
			continue
		}
		src.Page = w.Page
		src.Note = join(src.Note, fmt.Sprintf("%s：第 %d 页 区域(%d,%d,%d,%d) 置信度 %.0f%%", ReadMark, w.Page, w.Left, w.Top, w.Width, w.Height, w.Conf))
		if w.PageWidth > 0 && w.PageHeight > 0 {
			src.Note += fmt.Sprintf("，页面 %d×%d 像素", w.PageWidth, w.PageHeight)
		}
		if w.Fixed != "" {
			src.Note += fmt.Sprintf("，原识别为“%s”", w.Fixed)
		}
		r.Sources[code] = src
		if w.missing != "" {
			// Kept by settleMissing: the rules fix it.
			src.Note = join(src.Note, fmt.Sprintf("该格未识别出数字（%s），本行与本列的勾稽关系按0计时成立，故按0计", w.missing))
			r.Sources[code] = src
			continue
		}
		where := fmt.Sprintf("%s（第 %d 页“%s”，置信度 %.0f%%）", report.Label(code), w.Page, src.Raw, w.Conf)
		switch {
		case w.Conf < Threshold && ran[code] && (!w.disputed || twice[code]):
			// The rules ran over its row and its column: if the reading
			// is wrong, their finding names it.
			src.Note += "，置信度低，由勾稽关系核对"
			r.Sources[code] = src
		case w.Conf < Threshold:
			delete(r.Cells, code)
			unread = append(unread, code)
			unreadWhy = append(unreadWhy, where)
		case w.Fixed != "" && !ruled(code):
			fixed = append(fixed, code)
			fixedWhy = append(fixedWhy, fmt.Sprintf("%s 原识别为“%s”", where, w.Fixed))
		case w.Conf < CheckThreshold && !ruled(code):
			unsure = append(unsure, code)
			unsureWhy = append(unsureWhy, where)
		}
	}
	// A cell of 表三 or 表四 is left to the rules only where a sum that
	// can catch its misreading still runs now that the cells above are set
	// aside (checkedOnce); otherwise it is treated like a cell of 表二. (A
	// JPEG-compressed scan read a 0 as 8 in a row and column both short.)
	for _, code := range codes {
		src := r.Sources[code]
		if !ruled(code) || !r.Has(code) || src.Line < 1 || src.Line > len(words) || checkedOnce(r, code) {
			continue
		}
		w, ok := wordFor(code)
		if !ok || w.missing != "" {
			continue
		}
		where := fmt.Sprintf("%s（第 %d 页“%s”，置信度 %.0f%%）", report.Label(code), w.Page, r.Sources[code].Raw, w.Conf)
		switch {
		case w.Fixed != "":
			fixed = append(fixed, code)
			fixedWhy = append(fixedWhy, fmt.Sprintf("%s 原识别为“%s”", where, w.Fixed))
		case w.Conf < CheckThreshold:
			unsure = append(unsure, code)
			unsureWhy = append(unsureWhy, where)
		}
	}
	if len(repaired) > 0 {
		r.AddFinding(RuleRead, report.SeverityInfo,
			fmt.Sprintf("%s的表三中有数字多识别出数字，已按本行与本列的勾稽关系更正：%s", ReadMark, strings.Join(repaired, "；")))
	}
	if len(missing) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的%s中有单元格未识别出数字，未读取，请对照原件填写：%s", ReadMark, tablesOf(missing), strings.Join(missingWhy, "；")), missing...)
	}
	if len(unread) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的数字识别置信度低于 %.0f%%，未读取，请对照原件填写：%s", ReadMark, Threshold, strings.Join(unreadWhy, "；")), unread...)
	}
	if len(fixed) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的数字中有字母被当作数字读取（如 O 读作 0、l 读作 1），请对照原件核对：%s", ReadMark, strings.Join(fixedWhy, "；")), fixed...)
	}
	if len(blank) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的%s中有单元格没有识别出文字，按空白计为 0，且没有勾稽关系可以核对，请对照原件核对：%s", ReadMark, tablesOf(blank), strings.Join(blankWhy, "；")), blank...)
	}
	if len(unsure) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的数字识别置信度低于 %.0f%%，且没有勾稽关系可以核对，请对照原件核对：%s", ReadMark, CheckThreshold, strings.Join(unsureWhy, "；")), unsure...)
	}
	pages, sum, n := map[int]bool{}, 0.0, 0
	for _, line := range words {
		for _, w := range line {
			pages[w.Page] = true
			sum += w.Conf
			n++
		}
	}
	mean := 0.0
	if n > 0 {
		mean = sum / float64(n)
	}
	r.AddFinding(RuleRead, report.SeverityInfo,
		fmt.Sprintf("%s：本报告没有文字层，由 %d 页图片经文字识别（OCR）读取，文字平均置信度 %.0f%%；数字请以原件为准", ReadMark, len(pages), mean))
}

// checked tells whether the accounting rules ran over a cell: all the
// cells of its row and of its column in 表三 (rules 1–3), of its group in
// 表四 (rule 4), were read.
func checked(r *report.Report, code string) bool {
	row, col := t3Checked(r, code)
	return strings.HasPrefix(code, "t3.") && row && col || t4Checked(r, code)
}

// checkedOnce tells whether a sum that would catch a misreading of the
// cell ran: its row (rule 3) or its column (rules 1, 2) of 表三 complete,
// its group of 表四. A sum whose nonzero cells all hold one value does
// not count for a nonzero cell: the same glyphs read the same wrong way
// keep it (at 150 DPI, 洪泽区 2024's 部分公开 row read 9 as 3 in both
// 自然人 and 总计, and 9 = 9 became 3 = 3); a zero misread breaks it.
func checkedOnce(r *report.Report, code string) bool {
	if !strings.HasPrefix(code, "t3.") {
		return t4Checked(r, code)
	}
	row, col := t3Checked(r, code)
	if r.Cells[code] == 0 {
		return row || col
	}
	i := strings.LastIndexByte(code, '.')
	rw, cl := code[len("t3."):i], code[i+1:]
	var rowCells, colCells []string
	for _, c := range report.T3Columns {
		rowCells = append(rowCells, string(report.T3(rw, c)))
	}
	for _, x := range report.T3Rows {
		if x.Code != "other" && !strings.HasPrefix(x.Code, "other.") {
			colCells = append(colCells, string(report.T3(x.Code, cl)))
		}
	}
	return row && distinctNonzero(r, rowCells) || col && distinctNonzero(r, colCells)
}

// distinctNonzero tells whether the nonzero cells among codes hold at
// least two values.
func distinctNonzero(r *report.Report, codes []string) bool {
	first := 0.0
	for _, c := range codes {
		switch v := r.Cells[c]; {
		case v == 0:
		case first == 0:
			first = v
		case v != first:
			return true
		}
	}
	return false
}

// t3Checked tells whether the cells of a 表三 cell's row, and of its
// column, were all read.
func t3Checked(r *report.Report, code string) (row, col bool) {
	if !strings.HasPrefix(code, "t3.") {
		return false, false
	}
	i := strings.LastIndexByte(code, '.')
	rw, cl := code[len("t3."):i], code[i+1:]
	row, col = true, true
	for _, c := range report.T3Columns {
		row = row && r.Has(string(report.T3(rw, c)))
	}
	for _, x := range report.T3Rows {
		// 其他处理 is printed as one row or as three, by template.
		if x.Code == "other" || strings.HasPrefix(x.Code, "other.") {
			continue
		}
		col = col && r.Has(string(report.T3(x.Code, cl)))
	}
	return row, col
}

func t4Checked(r *report.Report, code string) bool {
	if !strings.HasPrefix(code, "t4.") {
		return false
	}
	group := strings.Split(code, ".")[1]
	for _, o := range report.T4Outcomes {
		if !r.Has(string(report.T4(group, o))) {
			return false
		}
	}
	return true
}

// wordsOfCells maps cells to the words they were read from, line by
// line: when a line's cells (in row and column order) are as many as its
// numbers (row numbers of labels aside) and each number's text is the
// cell's, the k-th cell is the k-th number. Other lines are left to
// wordOf.
func wordsOfCells(r *report.Report, words [][]Placed) map[string]Word {
	byLine := map[int][]string{}
	for code, src := range r.Sources {
		if r.Has(code) && src.Line >= 1 && src.Line <= len(words) {
			byLine[src.Line] = append(byLine[src.Line], code)
		}
	}
	out := map[string]Word{}
	for line, codes := range byLine {
		sort.Slice(codes, func(i, j int) bool {
			a, b := r.Sources[codes[i]], r.Sources[codes[j]]
			if a.Row != b.Row {
				return a.Row < b.Row
			}
			if a.Col != b.Col {
				return a.Col < b.Col
			}
			return codes[i] < codes[j]
		})
		var nums []Word
		for _, p := range words[line-1] {
			if isNumber(p.Text) && !p.Numbering {
				nums = append(nums, p.Word)
			}
		}
		if len(nums) != len(codes) {
			continue
		}
		match := true
		for i, c := range codes {
			match = match && nums[i].Text == strings.TrimSpace(r.Sources[c].Raw)
		}
		if !match {
			continue
		}
		for i, c := range codes {
			out[c] = nums[i]
		}
	}
	return out
}

// wordOf finds the word a cell was read from on its line: the words whose
// text is the cell's raw text, and of those the least confident (a line
// of zeros may hold a sure 0 and an unsure one; the cell is taken as the
// unsure one rather than be silently wrong).
func wordOf(line []Placed, raw string) (Word, bool) {
	raw = strings.TrimSpace(raw)
	var best Word
	found := false
	for _, p := range line {
		if p.Text == raw && (!found || p.Conf < best.Conf) {
			best, found = p.Word, true
		}
	}
	if !found {
		// A cell whose raw text spans words (a number with a unit): the
		// least confident word inside it.
		for _, p := range line {
			if strings.Contains(raw, p.Text) && hasDigit(p.Text) && (!found || p.Conf < best.Conf) {
				best, found = p.Word, true
			}
		}
	}
	return best, found
}

func join(note, s string) string {
	if note == "" {
		return s
	}
	return note + "；" + s
}

// tablesOf names the tables (表三, 表四) cells are in, for a finding.
func tablesOf(codes []string) string {
	var names []string
	for _, t := range []struct{ prefix, name string }{{"t2.", "表二"}, {"t3.", "表三"}, {"t4.", "表四"}} {
		if slices.ContainsFunc(codes, func(c string) bool { return strings.HasPrefix(c, t.prefix) }) {
			names = append(names, t.name)
		}
	}
	return strings.Join(names, "、")
}

// settleMissing decides the cells of tables 3 and 4 read from a word Columns
// put in for a column it could not read ("0", no confidence): such a cell
// stays 0 only where the rules ran over its row and its column and none
// of them names it — row sum (rule 3) and column sums (rules 1, 2) both
// hold with 0, so 0 is the one value they leave, as the parser's joint
// rules read a glued row (a cell of 表四, under one sum only, is always
// unread). Otherwise the cell is removed (unread), and
// rules 1–4 are computed again without it: their findings were about a
// 0 that was never read. It returns the removed cells and why.
func settleMissing(r *report.Report, codes []string, words [][]Placed, wordFor func(string) (Word, bool)) (removed, why []string) {
	named := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity == report.SeverityInfo {
			continue
		}
		for _, c := range f.Cells {
			named[c] = true
		}
	}
	var stand []string // cells read from a missing word
	for _, code := range codes {
		src := r.Sources[code]
		if !r.Has(code) || src.Line < 1 || src.Line > len(words) {
			continue
		}
		if w, ok := wordFor(code); ok && w.missing != "" {
			stand = append(stand, code)
		}
	}
	// Whether the rules ran is asked before any is removed: they ran with
	// these zeros in place, and held or not.
	// A cell of 表四 is never kept: its group's total is its one sum, and
	// a printed total that is itself wrong holds with the 0 (洪泽区 2023
	// prints 复议后起诉 5 0 0 0 总计 0; blurred, its 5 was not read, and
	// 0 = 0 kept a silently wrong 0).
	keep := map[string]bool{}
	for _, code := range stand {
		keep[code] = strings.HasPrefix(code, "t3.") && checked(r, code) && !named[code]
	}
	for _, code := range stand {
		if keep[code] {
			continue
		}
		w, _ := wordFor(code)
		delete(r.Cells, code)
		removed = append(removed, code)
		why = append(why, fmt.Sprintf("%s（第 %d 页，%s）", report.Label(code), w.Page, w.missing))
	}
	if len(removed) > 0 {
		identity := map[string]bool{}
		for _, rule := range report.IdentityRules {
			identity[rule] = true
		}
		r.Findings = slices.DeleteFunc(r.Findings, func(f report.Finding) bool { return identity[f.Rule] })
		report.CheckIdentities(r)
	}
	return removed, why
}

// repairInserted mends a cell of 表三 where Tesseract read a digit that
// is not printed ("929" for 9, "211" for 21; seen on the 洪泽区 scans): the
// cell's row sum (rule 3) is broken and names it; the value v its row
// implies is tried, and kept only when (a) a sum of its column (rule 1
// or 2) ran and, with v, none names the cell, (b) no rule 1–3 finding names
// the cell any more, and (c) v's digits are the read text's with digits
// left out — the confusion seen, never a digit changed. Two independent
// sums and the print agree on v, so it is read, not guessed. Rules 1–4
// and 6 are computed again afterwards. It returns what was mended.
func repairInserted(r *report.Report, codes []string) []string {
	rowBroken := map[string]bool{}
	for _, f := range r.Findings {
		if f.Rule == report.RuleApplicants {
			for _, c := range f.Cells {
				rowBroken[c] = true
			}
		}
	}
	var done []string
	for _, code := range codes {
		if !rowBroken[code] || !r.Has(code) {
			continue
		}
		if row, _ := t3Checked(r, code); !row || !columnRuleRan(r, code) {
			continue
		}
		v, ok := rowImplied(r, code)
		src := r.Sources[code]
		read := strings.TrimSpace(src.Raw)
		if !ok || v < 0 || v != float64(int64(v)) || v == r.Cells[code] || !subsequence(strconv.FormatInt(int64(v), 10), read) {
			continue
		}
		trial := *r
		trial.Cells = maps.Clone(r.Cells)
		trial.Cells[code] = v
		trial.Findings = nil
		report.CheckIdentities(&trial)
		if names(trial.Findings, code) {
			continue
		}
		r.Cells[code] = v
		src.Note = join(src.Note, fmt.Sprintf("原识别为“%s”，本行与本列之和均为%s，按%s读取", read, fmtInt(v), fmtInt(v)))
		r.Sources[code] = src
		done = append(done, fmt.Sprintf("%s“%s”→%s", report.Label(code), read, fmtInt(v)))
	}
	if len(done) > 0 {
		redo := map[string]bool{report.RuleNarrative: true}
		for _, rule := range report.IdentityRules {
			redo[rule] = true
		}
		r.Findings = slices.DeleteFunc(r.Findings, func(f report.Finding) bool { return redo[f.Rule] })
		report.Check(r)
	}
	return done
}

// rowImplied is the value rule 3 gives a cell of 表三 from the rest of
// its row: the applicants' sum for 总计, 总计 less the other applicants
// for an applicant's column.
func rowImplied(r *report.Report, code string) (float64, bool) {
	i := strings.LastIndexByte(code, '.')
	row, col := code[len("t3."):i], code[i+1:]
	total, sum := 0.0, 0.0
	for _, c := range report.T3Columns {
		v := r.Cells[string(report.T3(row, c))]
		switch {
		case c == "total":
			total = v
		case c != col:
			sum += v
		}
	}
	if col == "total" {
		return sum, true
	}
	return total - sum, true
}

// subsequence tells whether short is long with characters left out.
func subsequence(short, long string) bool {
	if len(short) >= len(long) {
		return false
	}
	i := 0
	for j := 0; j < len(long) && i < len(short); j++ {
		if long[j] == short[i] {
			i++
		}
	}
	return i == len(short)
}

func names(fs []report.Finding, code string) bool {
	for _, f := range fs {
		if slices.Contains(f.Cells, code) {
			return true
		}
	}
	return false
}

func fmtInt(v float64) string { return strconv.FormatInt(int64(v), 10) }

// columnRuleRan tells whether a rule over a 表三 cell's column can run:
// rule 1 (新收 + 上年结转 = 总计 + 结转下年) for those four rows, rule 2
// (办理结果之和 = 总计) for the result rows and 总计.
func columnRuleRan(r *report.Report, code string) bool {
	i := strings.LastIndexByte(code, '.')
	row, col := code[len("t3."):i], code[i+1:]
	has := func(rows ...string) bool {
		for _, rw := range rows {
			if !r.Has(string(report.T3(rw, col))) {
				return false
			}
		}
		return true
	}
	balance := []string{"new", "carried_over", "total", "carry_forward"}
	if slices.Contains(balance, row) && has(balance...) {
		return true
	}
	if row == "new" || row == "carried_over" || row == "carry_forward" {
		return false
	}
	results := report.T3ResultRows(r.Edition)
	if r.Edition == report.Edition2021 && !r.Has("t3.other.overdue_correction.total") && r.Has("t3.other.total") {
		results = report.T3ResultRows(report.Edition2019) // as CheckIdentities reads it
	}
	return has(append(results, "total")...)
}
