package ocr

import (
	"fmt"
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
// (unread) with a finding; a cell no rule checks read under
// CheckThreshold, and a cell whose word had a letter taken for a digit
// (O→0, l→1 …), stay but are flagged for a person to check. The report gets an info finding saying it was read from
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
	for _, code := range codes {
		src := r.Sources[code]
		if !r.Has(code) || src.Line < 1 || src.Line > len(words) {
			continue
		}
		w, ok := wordOf(words[src.Line-1], src.Raw)
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
		where := fmt.Sprintf("%s（第 %d 页“%s”，置信度 %.0f%%）", report.Label(code), w.Page, src.Raw, w.Conf)
		switch {
		case w.Conf < Threshold:
			delete(r.Cells, code)
			unread = append(unread, code)
			unreadWhy = append(unreadWhy, where)
		case w.Fixed != "":
			fixed = append(fixed, code)
			fixedWhy = append(fixedWhy, fmt.Sprintf("%s 原识别为“%s”", where, w.Fixed))
		case w.Conf < CheckThreshold && !ruled(code):
			unsure = append(unsure, code)
			unsureWhy = append(unsureWhy, where)
		}
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

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func join(note, s string) string {
	if note == "" {
		return s
	}
	return note + "；" + s
}
