package parse

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"nianbao/report"
)

// Trace says how a report was read: per table, the splitter that cut its
// text into cells and the repair passes that ran, with how many rows each
// touched. `analytics parse --trace` prints it; it is how a misread
// document is diagnosed without reading the parser.
type Trace struct {
	Steps []Step `json:"steps"`
	// Settled lists, per cell of a glued run that had several readings,
	// the value read and the constraint that left that reading alone.
	Settled []Settled `json:"settled,omitempty"`
}

// Settled is one cell read from a glued run and what settled it.
type Settled struct {
	Code  string  `json:"code"`
	Value float64 `json:"value"`
	By    string  `json:"by"`
}

// Step is one splitter or pass applied to a table (0: the whole text).
type Step struct {
	Table  int    `json:"table"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
	Count  int    `json:"count,omitempty"`
}

// TextTrace is Text, also returning how the report was read.
func TextTrace(name, content string, meta Meta) (*Trace, error) {
	tr := &Trace{}
	meta.trace = tr
	if _, err := Text(name, content, meta); err != nil {
		return nil, err
	}
	tr.merge()
	return tr, nil
}

// step records a splitter or pass on a table; repeated passes are counted.
func (p *parser) step(table int, name, detail string) {
	if p.tr == nil {
		return
	}
	p.tr.Steps = append(p.tr.Steps, Step{Table: table, Name: name, Detail: detail, Count: 1})
}

// settled records the cells of a glued run read as vals, and by what
// (see settledBy); a 小计 column is a check, not a cell, and is left out.
func (p *parser) settled(cellCodes []string, vals []float64, by string) {
	if p.tr == nil {
		return
	}
	for i, code := range cellCodes {
		if i < len(vals) && report.Code(code).Column() != subtotalCol {
			p.tr.Settled = append(p.tr.Settled, Settled{Code: code, Value: vals[i], By: by})
		}
	}
}

// settledBy names what left a glued row one reading: the row's own rules
// (or the narrative's figures, keepWhy), the neighbouring year, or both.
func settledBy(byRules bool, keepWhy, yearWhy string) string {
	var by []string
	if byRules {
		if keepWhy == "" {
			keepWhy = "本行勾稽关系"
		}
		by = append(by, keepWhy)
	}
	if yearWhy != "" {
		by = append(by, yearWhy)
	}
	if len(by) == 0 {
		return "只有一种拆分"
	}
	return "由" + strings.Join(by, "和") + "确定"
}

// zeroSteps records, per table, the cells read as 0 from a blank or from
// a word or dash (无, /, —): the blank-as-zero pass, visible in the trace.
func (p *parser) zeroSteps() {
	if p.tr == nil {
		return
	}
	// In code order, so that two traces of one document are the same.
	for _, code := range slices.Sorted(maps.Keys(p.r.Sources)) {
		src := p.r.Sources[code]
		switch {
		case strings.HasPrefix(src.Note, "空白单元格按0计"):
			p.step(int(code[1]-'0'), "blank-as-zero", "")
		case strings.HasPrefix(src.Note, "“") && strings.HasSuffix(src.Note, "”按0计"):
			p.step(int(code[1]-'0'), "zero-words", "")
		}
	}
}

// merge folds repeated steps of a table into one with their count.
func (tr *Trace) merge() {
	type key struct {
		table        int
		name, detail string
	}
	idx := map[key]int{}
	var out []Step
	for _, s := range tr.Steps {
		k := key{s.Table, s.Name, s.Detail}
		if i, ok := idx[k]; ok {
			out[i].Count += s.Count
			continue
		}
		idx[k] = len(out)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	tr.Steps = out
}

// String prints the trace a table a line.
func (tr *Trace) String() string {
	var b strings.Builder
	last := -1
	for _, s := range tr.Steps {
		if s.Table != last {
			if last >= 0 {
				b.WriteString("\n")
			}
			if s.Table == 0 {
				b.WriteString("全文：")
			} else {
				fmt.Fprintf(&b, "表%s：", "〇一二三四"[3*s.Table:3*s.Table+3])
			}
			last = s.Table
		} else {
			b.WriteString("，")
		}
		b.WriteString(s.Name)
		if s.Detail != "" {
			b.WriteString("(" + s.Detail + ")")
		}
		if s.Count > 1 {
			fmt.Fprintf(&b, "×%d", s.Count)
		}
	}
	for _, c := range tr.Settled {
		fmt.Fprintf(&b, "\n%s＝%s：%s", c.Code, strconv.FormatFloat(c.Value, 'f', -1, 64), c.By)
	}
	return b.String()
}

// String names a splitter as the trace and the generator's layouts do.
func (l layout) String() string {
	switch l {
	case layoutPipes:
		return "pipes"
	case layoutBlank:
		return "blank-lines"
	case layoutLines:
		return "cell-a-line"
	}
	return "spaces"
}
