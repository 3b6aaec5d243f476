package perturb

import (
	"fmt"
	"strings"

	"nianbao/accuracy"
)

// FormatTable prints the per-perturbation tallies as an aligned table.
func FormatTable(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-30s %6s %8s %8s %8s %8s %8s %8s %8s %8s %7s %7s %7s\n",
		"perturbation", "cases", "cells", "exact", "miss+f", "miss-f", "wrong+f", "silent", "undeterm", "failing", "agency", "year", "edition")
	row := func(t Tally) {
		fmt.Fprintf(&b, "%-30s %6d %8d %8d %8d %8d %8d %8d %8d %8d %7s %7s %7s\n",
			t.Name, t.Cases, t.Counts.Cells, t.Exact, t.MissingFlagged, t.MissingUnflagged, t.Wrong, t.Silent, t.Undetermined, t.Failing,
			ratio(t.AgencyRight, t.AgencyScored), ratio(t.YearRight, t.YearScored), ratio(t.EditionRight, t.EditionScored))
	}
	for _, t := range rep.Tallies {
		row(t)
	}
	row(rep.Total)
	return b.String()
}

func ratio(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", a*100/b)
}

// FormatExample describes a failing result: what was read wrong, with the
// findings and notes, at most max cells.
func FormatExample(r Result, max int) string {
	var b strings.Builder
	c := r.Case
	fmt.Fprintf(&b, "  perturbation %s, base %s, steps %v; truth %s %s %d edition %s\n", c.Perturbation, c.Base, c.Steps, c.Truth.County, c.Truth.Agency, c.Truth.Year, c.Truth.Edition)
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "  read: %s %s %d edition %s; exact %d, missing %d+%d, wrong %d, silent %d of %d\n",
		r.Report.County, r.Report.Agency, r.Report.Year, r.Report.Edition, r.Score.Exact, r.Score.MissingFlagged, r.Score.MissingUnflagged, r.Score.Wrong, r.Score.Silent, r.Score.Counts.Cells)
	for i, f := range r.Failures {
		if i == max {
			fmt.Fprintf(&b, "  … %d more\n", len(r.Failures)-max)
			break
		}
		b.WriteString("  " + describe(f, c) + "\n")
	}
	return b.String()
}

func describe(f accuracy.Cell, c *Case) string {
	s := fmt.Sprintf("%s %s: want %v", f.Code, f.Class, *f.Want)
	if f.Got != nil {
		s += fmt.Sprintf(", got %v", *f.Got)
	}
	if why, ok := c.Undetermined[f.Code]; ok {
		s += " [undetermined: " + why + "]"
	}
	if f.Note != "" {
		s += " [note: " + f.Note + "]"
	}
	if len(f.Flags) > 0 {
		s += " [finding: " + f.Flags[0] + "]"
	}
	return s
}
