package generate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"nianbao/report"
)

// What the assessment checks look for, put into the corpus on purpose so
// the assessment page of the sample data is not empty: a few reports
// published late, a few whose carried-over applications do not match last
// year's carry forward (rule 5), and a few whose prose copies last year's
// report or another town's of the same year (雷同). Drawn from their own
// random stream, so the rest of the corpus is unchanged.

// copies records, for a report whose prose is copied, the report copied.
// carried records the reports broken across years.
var copies = struct {
	sync.Mutex
	of      map[*report.Report]*report.Report
	carried map[*report.Report]bool
}{of: map[*report.Report]*report.Report{}, carried: map[*report.Report]bool{}}

// AssessmentCase names what was done to a report for the assessment
// checks: "late", "cross_year", "copy_previous_year", "copy_peer" or "".
func AssessmentCase(r *report.Report) string {
	copies.Lock()
	src, carried := copies.of[r], copies.carried[r]
	copies.Unlock()
	switch {
	case carried:
		return "cross_year"
	case src != nil && src.Agency == r.Agency:
		return "copy_previous_year"
	case src != nil:
		return "copy_peer"
	case r.PublishedOn > fmt.Sprintf("%d-01-31", r.Year+1):
		return "late"
	}
	return ""
}

// CopiedFrom is the report whose prose a copied report took (nil for a
// report that copies none).
func CopiedFrom(r *report.Report) *report.Report {
	copies.Lock()
	defer copies.Unlock()
	return copies.of[r]
}

// perturbForAssessment runs after the corpus is drawn (reports ordered by
// county, town and year) and before the rules are checked.
func perturbForAssessment(out []*report.Report, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x6173736573)) // "asses"
	for i, r := range out {
		if i == 0 || out[i-1].Agency != r.Agency || out[i-1].County != r.County {
			continue // a town's first year: no last year to break or copy
		}
		prev := out[i-1]
		switch k := rng.IntN(40); {
		case k < 2:
			// Published in February or March, after the 31 January deadline.
			r.PublishedOn = fmt.Sprintf("%d-%02d-%02d", r.Year+1, 2+rng.IntN(2), 1+rng.IntN(28))
		case k < 4 && r.Cells["t3.new.natural"] > 0:
			// One new application booked as carried over: rules 1–4 still
			// hold, last year's carry forward no longer matches.
			for _, col := range []string{"natural", "total"} {
				r.Cells["t3.new."+col]--
				r.Cells["t3.carried_over."+col]++
			}
			copies.Lock()
			copies.carried[r] = true
			copies.Unlock()
			for j := range r.Narrative {
				r.Narrative[j].Value = r.Cells["t3.new.total"]
				r.Narrative[j].Text = fmt.Sprintf("全年共收到政府信息公开申请%s件", fmtNum(r.Narrative[j].Value))
			}
		case k < 9 && sameShape(r, prev):
			markCopy(r, prev)
		case k >= 9 && k < 13:
			// Another town of the county, same year, earlier in the corpus.
			for j := i - 1; j >= 0 && out[j].County == r.County; j-- {
				if out[j].Year == r.Year && out[j].Agency != r.Agency && copies.of[out[j]] == nil && sameShape(r, out[j]) {
					markCopy(r, out[j])
					break
				}
			}
		}
	}
}

// sameShape tells whether two reports' sentence on applications reads
// alike (both state received, carried-over and carried-forward figures):
// the copy keeps its own sentence so its figures match its tables, and a
// copier would leave the sentence's wording as copied.
func sameShape(a, b *report.Report) bool {
	for _, c := range []string{"t3.new.total", "t3.carried_over.total", "t3.carry_forward.total"} {
		if (a.Cells[c] > 0) != (b.Cells[c] > 0) {
			return false
		}
	}
	return a.Cells["t3.new.total"] > 0
}

func markCopy(r, src *report.Report) {
	copies.Lock()
	copies.of[r] = src
	copies.Unlock()
}

// proseOf is the narrative a report prints: its own, or for a copying
// report the copied report's with the names and the year changed, as a
// clerk copying a report does. The intro and the sentence on applications
// stay the report's own, so the figures the prose states still match its
// tables (only the copying is to be found).
func proseOf(r *report.Report) prose {
	copies.Lock()
	src := copies.of[r]
	copies.Unlock()
	own := narrative(r)
	if src == nil {
		return own
	}
	p := narrative(src)
	swap := strings.NewReplacer(src.County+src.Agency, r.County+r.Agency, body(src.Agency), body(r.Agency),
		src.Agency, r.Agency, self(src.Agency), self(r.Agency), fmt.Sprint(src.Year), fmt.Sprint(r.Year))
	for _, part := range []*[]string{&p.general, &p.problems, &p.other} {
		for i, s := range *part {
			(*part)[i] = swap.Replace(s)
		}
	}
	p.intro = own.intro
	for i, s := range own.general {
		if strings.Contains(s, "政府信息公开申请") {
			p.general[i] = s
		}
	}
	return p
}
