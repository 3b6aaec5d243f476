package assess

import (
	"fmt"
	"slices"
	"strings"

	"nianbao/internal/stats"
	"nianbao/report"
)

// Peers are the other reports of a body's peer group: the same county,
// year and level (the documents Check holds), the body itself left out,
// and of its own kind: a real report is never judged against 示例数据 (the
// sample sits on real places, so a county can hold both), nor a generated
// one against real ones.
func Peers(d *Doc, docs []*Doc) []*Doc {
	var out []*Doc
	level := d.Level()
	for _, o := range docs {
		if o.ID != d.ID && o.Year == d.Year && o.County == d.County && o.Agency != d.Agency && o.Level() == level && o.Synthetic == d.Synthetic {
			out = append(out, o)
		}
	}
	return out
}

// peerGroups files docs by year and level once, so that Check finds a
// report's peers among its own group and not among every report of the
// county's years: the peers of d are Peers(d, groups(d)).
func peerGroups(docs []*Doc) func(d *Doc) []*Doc {
	type key struct {
		year  int
		level string
	}
	m := map[key][]*Doc{}
	for _, d := range docs {
		k := key{d.Year, d.Level()}
		m[k] = append(m[k], d)
	}
	return func(d *Doc) []*Doc { return m[key{d.Year, d.Level()}] }
}

// PeerFindings compares a report with its peers (Peers) the way an
// assessor reading a county's reports side by side does:
//
//   - peer_zero: a town's volume (the sheet's jump_codes) is 0 where the
//     median of at least peer_min peers reporting it is at least
//     peer_zero_median. Departments differ in what they do (档案局 has no
//     行政处罚), so only towns are compared.
//   - peer_blank: cells printed blank or "/" where at least peer_min peers
//     print the cell, every one of them gives a number and their median is
//     above 0, in a report that writes its other zeros as 0; one finding
//     per report naming the cells. A report printing every zero blank, or
//     peers writing mostly 0, make the blank read as a zero written the
//     body's way, which form_blank already counts; otherwise it is a
//     figure left out.
func PeerFindings(d *Doc, peers []*Doc, sheet *Sheet) []report.Finding {
	var out []report.Finding
	add := func(rule, msg string, cells []string) {
		rl, _ := report.RuleByCode(rule)
		out = append(out, report.Finding{Rule: rule, Severity: rl.Severity, Cells: cells, Message: msg})
	}
	if d.Level() == LevelTown {
		for _, code := range sheet.JumpCodes {
			v, ok := d.Cells[code]
			if !ok || v != 0 || isBlank(d, code) {
				continue // a blank is peer_blank's, not a zero written
			}
			var vals []float64
			high := 0 // a median at the threshold needs half the values there
			for _, p := range peers {
				if pv, ok := p.Cells[code]; ok && !isBlank(p, code) {
					vals = append(vals, pv)
					if pv >= sheet.PeerZeroMedian {
						high++
					}
				}
			}
			if len(vals) < sheet.PeerMin || 2*high < len(vals) {
				continue
			}
			if med := median(vals); med >= sheet.PeerZeroMedian {
				u := unit(code)
				add(report.RulePeerZero, fmt.Sprintf("%s为0%s，而同县同年%d个%s该项的中位数为%s%s（最少%s%s、最多%s%s），请核实是否漏填或填错栏目。",
					report.Label(code), u, len(vals), LevelLabels[LevelTown], num(med), u, num(slices.Min(vals)), u, num(slices.Max(vals)), u), []string{code})
			}
		}
	}
	var blank []string
	medians := map[string]float64{}
	least := 0
	var candidates []string
	for c := range d.Raw {
		if report.Code(c).Known() && isBlank(d, c) {
			candidates = append(candidates, c)
		}
	}
	if len(candidates) > 0 && !writesZero(d) {
		candidates = nil
	}
	for _, c := range candidates {
		var vals []float64
		for _, p := range peers {
			v, ok := p.Cells[c]
			if !ok && p.Raw[c] == "" {
				continue // the peer does not print the cell (another edition, a table unread)
			}
			if isBlank(p, c) {
				vals = nil
				break
			}
			vals = append(vals, v)
		}
		n := len(vals)
		if n < sheet.PeerMin {
			continue
		}
		if med := median(vals); med > 0 {
			blank = append(blank, c)
			medians[c] = med
			if least == 0 || n < least {
				least = n
			}
		}
	}
	if len(blank) > 0 {
		slices.Sort(blank)
		shown := make([]string, 0, maxCellsShown)
		for _, c := range blank[:min(len(blank), maxCellsShown)] {
			shown = append(shown, fmt.Sprintf("%s（同级中位数%s%s）", report.Label(c), num(medians[c]), unit(c)))
		}
		more := ""
		if len(blank) > maxCellsShown {
			more = fmt.Sprintf("等%d处", len(blank))
		}
		add(report.RulePeerBlank, fmt.Sprintf("%s%s留空或填“/”，而同县同年同级印有这些单元格的其他机关（至少%d个）全部填了数字且多数不为0，空白不能当作0；应填写实际数字。",
			strings.Join(shown, "、"), more, least), blank)
	}
	return out
}

// writesZero: the report prints some zero as "0", so a blank of it is
// not its way of writing a zero. (A stored document keeps the printed
// text only of cells printed without a digit.)
func writesZero(d *Doc) bool {
	for code := range report.PrintedCodes(d.Edition) {
		c := string(code)
		if v, ok := d.Cells[c]; ok && v == 0 && !isBlank(d, c) {
			return true
		}
	}
	return false
}

// isBlank: the cell is printed without a number (—, /, 无 or nothing).
func isBlank(d *Doc, code string) bool {
	raw, ok := d.Raw[code]
	return ok && blankRaw[strings.TrimSpace(raw)]
}

// median of values: stats.Median, the median the API and pages give.
func median(vals []float64) float64 {
	m, _ := stats.Median(vals)
	return m
}
