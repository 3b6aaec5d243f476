package perturb

// The classes of issue 23: numbers a reader must settle by solving the
// table — zero marks inside glued runs (规章—210, —1————1), rows whose
// boundaries are spaced or glued at random (…申请数量 512000053), signed
// changes written with "+", amounts glued with their unit. Each case says
// which cells its text still determines (determined.go), counted on the
// text as printed, never assumed.

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"nianbao/generate"
	"nianbao/report"
)

// gluedMarkTokens are the marks a zero is printed as inside glued text.
var gluedMarkTokens = []string{"—", "——", "无", "〇", "/"}

// gluedMarks prints every row a line, its label and numbers glued with no
// separator, each zero written as one mark (one choice per report).
func gluedMarks(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	mark := gluedMarkTokens[rng.IntN(len(gluedMarkTokens))]
	rows := generate.Grid(truth)
	c := &Case{Truth: truth, Base: "glued-zero-marks", File: truth.File, Grid: rows, Steps: []string{fmt.Sprintf("zero=%q", mark)}}
	format := func(v float64) string {
		if v == 0 {
			return mark
		}
		return num(v)
	}
	c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
		if g.Head {
			return []string{strings.Join(g.Labels, " ")}
		}
		var b strings.Builder
		for _, v := range g.Values {
			b.WriteString(format(v))
		}
		return []string{strings.Join(g.Labels, "") + b.String()}
	})
	for code, why := range GluedUndetermined(rows, truth.Edition, format) {
		c.undetermine(code, why)
	}
	return c, true
}
