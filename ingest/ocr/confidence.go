package ocr

import (
	"fmt"
	"slices"
	"sort"
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
// are the words of line i+1. Each cell's source gets its page box and
// confidence in Note. A cell read from a word under Threshold is removed
// (unread) with a finding, unless the accounting rules ran over its row
// and column (a wrong reading then breaks a sum, and that rule's finding
// names the cell); a cell no rule checks read under
// CheckThreshold, and such a cell whose word had a letter taken for a
// digit (O→0, l→1 …), stay but are flagged for a person to check. A
// corrected cell of 表三 or 表四 is left to the rules: a wrong correction
// breaks its row's and its column's sums, and the rule's finding names it. The report gets an info finding saying it was read from
// images.
func Mark(r *report.Report, words [][]Placed) {
	if r == nil {
		return
	}
	var unread, fixed, unsure []string
	var unreadWhy, fixedWhy, unsureWhy []string
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
	// Whether the rules ran is a fact of the report as parsed (less the
	// cells no word was read for), before any cell is set aside here.
	ran := map[string]bool{}
	for _, code := range codes {
		ran[code] = checked(r, code)
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
			continue
		}
		src.Page = w.Page
		src.Note = join(src.Note, fmt.Sprintf("%s：第 %d 页 区域(%d,%d,%d,%d) 置信度 %.0f%%", ReadMark, w.Page, w.Left, w.Top, w.Width, w.Height, w.Conf))
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
		case w.Conf < Threshold && ran[code]:
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
	if len(missing) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的表三中有单元格未识别出数字，未读取，请对照原件填写：%s", ReadMark, strings.Join(missingWhy, "；")), missing...)
	}
	if len(unread) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的数字识别置信度低于 %.0f%%，未读取，请对照原件填写：%s", ReadMark, Threshold, strings.Join(unreadWhy, "；")), unread...)
	}
	if len(fixed) > 0 {
		r.AddFinding(RuleUncertain, report.SeverityWarning,
			fmt.Sprintf("%s的数字中有字母被当作数字读取（如 O 读作 0、l 读作 1），请对照原件核对：%s", ReadMark, strings.Join(fixedWhy, "；")), fixed...)
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
	switch {
	case strings.HasPrefix(code, "t3."):
		i := strings.LastIndexByte(code, '.')
		row, col := code[len("t3."):i], code[i+1:]
		for _, c := range report.T3Columns {
			if !r.Has(string(report.T3(row, c))) {
				return false
			}
		}
		for _, rw := range report.T3Rows {
			// 其他处理 is printed as one row or as three, by template.
			if rw.Code == "other" || strings.HasPrefix(rw.Code, "other.") {
				continue
			}
			if !r.Has(string(report.T3(rw.Code, col))) {
				return false
			}
		}
		return true
	case strings.HasPrefix(code, "t4."):
		group := strings.Split(code, ".")[1]
		for _, o := range report.T4Outcomes {
			if !r.Has(string(report.T4(group, o))) {
				return false
			}
		}
		return true
	}
	return false
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

// settleMissing decides the cells of table 3 read from a word Columns
// put in for a column it could not read ("0", no confidence): such a cell
// stays 0 only where the rules ran over its row and its column and none
// of them names it — row sum (rule 3) and column sums (rules 1, 2) both
// hold with 0, so 0 is the one value they leave, as the parser's joint
// rules read a glued row. Otherwise the cell is removed (unread), and
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
	keep := map[string]bool{}
	for _, code := range stand {
		keep[code] = checked(r, code) && !named[code]
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
