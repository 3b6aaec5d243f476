package parse

// Table 2 settled by the narrative (rule 6): a glued table-2 row has no
// rule of its own (规章86231 is 8/62/31, 86/2/31, 8/6/231 …), but the
// report's overview often states the same figures in words — 本年度制发
// 行政规范性文件8件、废止6件、现行有效231件. The readings that disagree
// with a figure so stated are dropped; a row is read only when one reading
// is left. A sentence naming both 规章 and 规范性文件 says nothing here:
// which figure is whose is not known.

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	// t2Sentence ends a sentence of the overview.
	t2Sentence = regexp.MustCompile(`[。；;\n]`)
	// t2Measure is a measure, at most twelve characters of words, then its
	// number of documents: 制发8件, 制发行政规范性文件8件, 现行有效的231件.
	t2Measure    = regexp.MustCompile(`(制发|废止|现行有效)[^0-9。；;，,、]{0,12}?([0-9]+)\s*件`)
	t2MeasureCol = map[string]string{"制发": "issued", "废止": "abolished", "现行有效": "in_force"}
)

// narrativeT2 gives the figures the text before table 2 states for
// 规章 (regulations) and 规范性文件 (normative_docs), by column, read once.
func (p *parser) narrativeT2() map[string]map[string]float64 {
	if p.t2Stated != nil {
		return p.t2Stated
	}
	p.t2Stated = map[string]map[string]float64{}
	t2, _, _ := p.sections()
	if t2.a <= 0 {
		return p.t2Stated
	}
	conflict := map[string]bool{}
	for _, sent := range t2Sentence.Split(p.t.norm[:t2.a], -1) {
		sent = strings.ReplaceAll(sent, " ", "")
		docs := strings.Contains(sent, "规范性文件")
		regs := strings.Contains(sent, "规章")
		if docs == regs {
			continue // neither, or both: whose figure it is is not known
		}
		row := "regulations"
		if docs {
			row = "normative_docs"
		}
		for _, m := range t2Measure.FindAllStringSubmatch(sent, -1) {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				continue
			}
			col := t2MeasureCol[m[1]]
			key := row + "." + col
			if old, ok := p.t2Stated[row][col]; ok && old != v {
				conflict[key] = true // stated twice, differently: neither
			}
			if p.t2Stated[row] == nil {
				p.t2Stated[row] = map[string]float64{}
			}
			p.t2Stated[row][col] = v
		}
	}
	for key := range conflict {
		row, col, _ := strings.Cut(key, ".")
		delete(p.t2Stated[row], col)
	}
	return p.t2Stated
}

// t2NarrativeKeep is the filter of a table-2 row's readings by the
// figures the narrative states for it (nil when it states none).
func (p *parser) t2NarrativeKeep(row string, cols []string) func([]float64) bool {
	stated := p.narrativeT2()[row]
	if len(stated) == 0 {
		return nil
	}
	return func(sp []float64) bool {
		for i, col := range cols {
			if v, ok := stated[col]; ok && i < len(sp) && sp[i] != v {
				return false
			}
		}
		return true
	}
}
