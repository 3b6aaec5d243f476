// Package assess makes the checks an assessor makes by hand across the
// reports of a county: rule 5 across years, year-on-year jumps, timeliness
// against deadlines.json, copying (雷同) between narratives, aggregates
// against their units, and the form of each report; and it scores a
// county's bodies with a score sheet (scoresheet.json).
//
// Cross-report findings are stored on the report they concern, in the
// findings table under the rule codes of report.Rules, and computed again
// by Recheck whenever a report of the county is saved or corrected, so the
// order reports arrive in does not matter.
package assess

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// OwnRules are the rules whose findings Recheck writes (and replaces).
var OwnRules = []string{
	report.RuleCrossYear, report.RuleInForce, report.RuleJump, report.RuleSections, report.RuleTables,
	report.RuleEdition, report.RuleBlank, report.RuleFeeStatement, report.RuleTownRegs, report.RuleNegative,
	report.RuleFeeUnit, report.RuleLate, report.RuleCopyPrevious, report.RuleCopyPeer, report.RuleAggregateOver,
	report.RulePeerZero, report.RulePeerBlank, report.RulePartOverWhole, report.RuleFeeNarrative,
}

// Saved is called once a report has been stored under id: it keeps the
// report's text sections and re-checks the county around it.
func Saved(ctx context.Context, st *store.Store, id int64, r *report.Report) error {
	if err := KeepText(ctx, st, r); err != nil {
		return err
	}
	return Recheck(ctx, st, id)
}

// KeepText stores the sections of a saved report's text for the checks on
// prose; a batch ingest calls it per report and RecheckCounty once at the end.
func KeepText(ctx context.Context, st *store.Store, r *report.Report) error {
	if err := st.SaveNarrative(ctx, r.Agency, r.County, r.Year, TextSections(r)); err != nil {
		return fmt.Errorf("评估检查 %s: %w", r.File, err)
	}
	return nil
}

// KeepTextStep is KeepText as a step of the report's own transaction
// (store.SaveOptions.With): an upload stores the report and its text
// together, so a kill never leaves one without the other.
func KeepTextStep(r *report.Report) store.Step {
	return store.NarrativeStep(r.Agency, r.County, r.Year, TextSections(r))
}

// TextSections are the sections of a report's text the checks on prose
// read (none for a report without text).
func TextSections(r *report.Report) []store.NarrativeSection {
	var secs []store.NarrativeSection
	if strings.TrimSpace(r.Text) != "" {
		for _, s := range SplitSections(r.Text) {
			secs = append(secs, store.NarrativeSection{Number: s.Number, Body: s.Body})
		}
	}
	return secs
}

// Recheck computes the assessment findings again for the reports a change
// of report id can affect: every report of its county in its year (peers
// for copying, the aggregate) and in the year after (rule 5, copying from
// the previous year). It uses the county's score sheet (SheetFor).
func Recheck(ctx context.Context, st *store.Store, id int64) error {
	_, county, year, err := st.ReportKey(ctx, id)
	if err != nil {
		return fmt.Errorf("评估检查 报告%d: %w", id, err)
	}
	return RecheckCounty(ctx, st, county, year, year+1, nil)
}

// RecheckCounty computes the assessment findings of a county's reports of
// the years from..to with sheet, or, when sheet is nil, with the county's
// own (SheetFor): only `analytics assess --sheet` passes one.
func RecheckCounty(ctx context.Context, st *store.Store, county string, from, to int, sheet *Sheet) error {
	if sheet == nil {
		var err error
		if sheet, err = SheetFor(ctx, st, county); err != nil {
			return fmt.Errorf("评估检查 %s: %w", county, err)
		}
	}
	stored, err := st.CountyDocs(ctx, county, from-1, to)
	if err != nil {
		return fmt.Errorf("评估检查 %s: %w", county, err)
	}
	docs := make([]*Doc, len(stored))
	for i, s := range stored {
		docs[i] = fromStore(s)
	}
	results, err := Check(docs, from, to, sheet)
	if err != nil {
		return fmt.Errorf("评估检查 %s: %w", county, err)
	}
	if err := st.ReplaceAssessment(ctx, OwnRules, results); err != nil {
		return fmt.Errorf("评估检查 %s: %w", county, err)
	}
	return nil
}

// CountySpan is a county and the years of it to check again (From..To).
type CountySpan = store.CountySpan

// recheckChunk is how many counties one round of RecheckCounties reads and
// writes together: a handful of queries and one transaction per round,
// while the round's cells stay a few hundred MB at most.
const recheckChunk = 64

// RecheckCounties is RecheckCounty for many counties at once, the end of a
// bulk ingest: per round of counties, their reports are read with four
// queries in all, checked county by county, and written in one
// transaction. A nil sheet is each county's own (SheetFor). A county whose
// check fails is reported in the error; the others are written all the same.
func RecheckCounties(ctx context.Context, st *store.Store, spans []CountySpan, sheet *Sheet) error {
	return recheckCounties(ctx, st, spans, sheet, func(results map[int64]store.AssessResult) error {
		return st.ReplaceAssessment(ctx, OwnRules, results)
	})
}

// RecheckChanged is the re-check after one change (package change): the
// checks of RecheckCounties with each county's own sheet, leaving exactly
// what RecheckCounties would, but writing only the reports whose stored
// results differ (store.UpdateAssessment) — after an upload, the new
// report and the few whose peers or copies it changed. written are the
// reports the change wrote (a deleted one loses its evidence rows).
func RecheckChanged(ctx context.Context, st *store.Store, spans []CountySpan, written []int64) error {
	if len(spans) == 0 {
		// Nothing to check, but a deleted report's evidence still goes.
		return st.UpdateAssessment(ctx, OwnRules, nil, written)
	}
	return recheckCounties(ctx, st, spans, nil, func(results map[int64]store.AssessResult) error {
		err := st.UpdateAssessment(ctx, OwnRules, results, written)
		written = nil // the first round has removed what was gone
		return err
	})
}

// RecheckIn is RecheckChanged inside the transaction of the report an
// upload is saving (store.SaveOptions.Recheck): the same checks of the
// same spans, leaving the same rows, read and written in the report's
// transaction — the report's cells from memory, one commit for both.
// written are the reports the transaction wrote. It reports false, having
// written nothing, when a county's sheet or checks fail: the caller then
// re-checks after the commit (RecheckChanged), which reports the failure
// as any re-check does, so a check never keeps an upload from being
// stored. A failed read or write is returned: it has spoiled the
// transaction.
func RecheckIn(ctx context.Context, st *store.Store, tx *store.AssessTx, spans []CountySpan, written []int64) (bool, error) {
	if len(spans) == 0 {
		return true, tx.UpdateAssessment(ctx, OwnRules, nil, written)
	}
	byCounty, err := tx.CountiesDocs(ctx, readSpans(spans))
	if err != nil {
		return false, fmt.Errorf("评估检查 %d 个县（区）: %w", len(spans), err)
	}
	results, errs := checkRound(ctx, st, spans, byCounty, nil)
	if len(errs) > 0 {
		return false, nil
	}
	if err := tx.UpdateAssessment(ctx, OwnRules, results, written); err != nil {
		return false, fmt.Errorf("评估检查 %d 个县（区）: %w", len(spans), err)
	}
	return true, nil
}

// recheckCounties reads and checks the spans' counties a round at a time
// and hands each round's results to write.
func recheckCounties(ctx context.Context, st *store.Store, spans []CountySpan, sheet *Sheet, write func(map[int64]store.AssessResult) error) error {
	var errs []error
	for len(spans) > 0 {
		n := min(len(spans), recheckChunk)
		round := spans[:n]
		spans = spans[n:]
		byCounty, err := st.CountiesDocs(ctx, readSpans(round))
		if err != nil {
			return fmt.Errorf("评估检查 %d 个县（区）: %w", len(round), err)
		}
		results, failed := checkRound(ctx, st, round, byCounty, sheet)
		errs = append(errs, failed...)
		if err := write(results); err != nil {
			return fmt.Errorf("评估检查 %d 个县（区）: %w", len(round), err)
		}
	}
	return errors.Join(errs...)
}

// readSpans are the years of the spans' reports the checks read: the year
// before too, as rule 5 and copying look back one year.
func readSpans(spans []CountySpan) []store.CountySpan {
	read := make([]store.CountySpan, len(spans))
	for i, c := range spans {
		read[i] = store.CountySpan{County: c.County, From: c.From - 1, To: c.To}
	}
	return read
}

// checkRound checks each span's county on its documents with sheet (nil:
// the county's own); a county whose sheet or checks fail is left out of
// the results and named in the errors.
func checkRound(ctx context.Context, st *store.Store, round []CountySpan, byCounty map[string][]*store.AssessDoc, sheet *Sheet) (map[int64]store.AssessResult, []error) {
	var errs []error
	results := map[int64]store.AssessResult{}
	for _, c := range round {
		stored := byCounty[c.County]
		docs := make([]*Doc, len(stored))
		for i, s := range stored {
			docs[i] = fromStore(s)
		}
		sh := sheet
		if sh == nil {
			var err error
			if sh, err = SheetFor(ctx, st, c.County); err != nil {
				errs = append(errs, fmt.Errorf("评估检查 %s: %w", c.County, err))
				continue
			}
		}
		res, err := Check(docs, c.From, c.To, sh)
		if err != nil {
			errs = append(errs, fmt.Errorf("评估检查 %s: %w", c.County, err))
			continue
		}
		maps.Copy(results, res)
	}
	return results, errs
}

func fromStore(s *store.AssessDoc) *Doc {
	d := &Doc{ID: s.ID, Agency: s.Agency, County: s.County, Year: s.Year, Edition: s.Edition,
		PublishedOn: s.PublishedOn, RegistryLevel: registry.Level(s.Level), Synthetic: s.Synthetic, Cells: s.Cells, Raw: s.Raw}
	if s.Sections != nil {
		d.Sections = []Section{}
		for _, sec := range s.Sections {
			d.Sections = append(d.Sections, Section{Number: sec.Number, Body: sec.Body})
		}
	}
	return d
}

// Compared is the text of a stored report as the copying check compares it.
func Compared(d *store.AssessDoc) Text {
	doc := fromStore(d)
	return Prepare(doc.Sections, names(doc))
}

// names are the ways a body names itself, replaced before comparing texts.
func names(d *Doc) []string {
	a := strings.TrimSuffix(strings.TrimSuffix(d.Agency, "人民政府"), "办事处")
	out := []string{d.County + a + "人民政府", d.County + a + "办事处", d.County + a, a + "人民政府", a + "办事处", d.Agency, a, d.County}
	for _, s := range []string{"街道", "镇", "乡", "局", "委", "办"} {
		out = append(out, "我"+s)
	}
	return out
}

// Check runs every assessment check on the documents of one county whose
// year is in from..to (docs may include the year before, for rule 5 and
// copying) and returns each checked report's result.
func Check(docs []*Doc, from, to int, sheet *Sheet) (map[int64]store.AssessResult, error) {
	type key struct {
		agency string
		year   int
	}
	byKey := map[key]*Doc{}
	texts := map[int64]Text{}
	for _, d := range docs {
		byKey[key{d.Agency, d.Year}] = d
		if d.Sections != nil {
			texts[d.ID] = Prepare(d.Sections, names(d))
		}
	}
	results := map[int64]store.AssessResult{}
	pairs := pairShares{}
	group := peerGroups(docs)
	for _, d := range docs {
		if d.Year < from || d.Year > to {
			continue
		}
		res := store.AssessResult{Findings: ReportFindings(d, sheet)}
		res.Findings = append(res.Findings, PeerFindings(d, Peers(d, group(d)), sheet)...)
		prev := byKey[key{d.Agency, d.Year - 1}]
		if prev != nil {
			res.Findings = append(res.Findings, CrossYearFindings(d, prev, sheet)...)
		}
		t, late, ok, err := Timely(d, sheet)
		if err != nil {
			return nil, err
		}
		if ok {
			res.Timely = &store.Timely{ReportID: d.ID, PublishedOn: t.PublishedOn, Deadline: t.Deadline, DaysLate: t.DaysLate}
			res.Findings = append(res.Findings, late...)
		}
		if mine, ok := texts[d.ID]; ok && !mine.Empty() {
			if prev != nil {
				if theirs, ok := texts[prev.ID]; ok {
					if c, f, hit := copied(d, prev, mine, theirs, report.RuleCopyPrevious, sheet); hit {
						res.Copies = append(res.Copies, c)
						res.Findings = append(res.Findings, f)
					}
				}
			}
			var best *Doc
			bestShare := 0.0
			for _, o := range docs {
				if o.ID == d.ID || o.Year != d.Year {
					continue
				}
				theirs, ok := texts[o.ID]
				if !ok {
					continue
				}
				// A peer whose share cannot reach the threshold, or beat the
				// best so far, changes nothing: the best below the threshold
				// is never reported. Sizes alone often tell (jaccardBound),
				// else the merge stops once it cannot (jaccardIf).
				keep := func(s float64) bool { return s >= sheet.CopyThreshold && s > bestShare }
				if !keep(jaccardBound(mine, theirs)) {
					continue
				}
				if s, ok := pairs.share(d.ID, o.ID, mine, theirs, keep); ok {
					best, bestShare = o, s
				}
			}
			if best != nil {
				if c, f, hit := copied(d, best, mine, texts[best.ID], report.RuleCopyPeer, sheet); hit {
					res.Copies = append(res.Copies, c)
					res.Findings = append(res.Findings, f)
				}
			}
		}
		if d.Level() == LevelCounty && sheet.AggregateCovers {
			var units []*Doc
			for _, o := range docs {
				if o.Year == d.Year && o.ID != d.ID && o.Level() != LevelCounty {
					units = append(units, o)
				}
			}
			cov, f := AggregateFindings(d, units)
			for _, c := range cov {
				res.Coverage = append(res.Coverage, store.CoverageRow{Code: c.Code, Aggregate: c.Aggregate, UnitsSum: c.UnitsSum, Units: c.Units})
			}
			res.Findings = append(res.Findings, f...)
		}
		results[d.ID] = res
	}
	return results, nil
}

// pairShares keeps each pair's share, which is symmetric: a county-year
// of n texts is compared n(n-1)/2 times, not n(n-1). A pair whose merge
// stopped early keeps the bound it stopped at.
type pairShares map[[2]int64]pairShare

type pairShare struct {
	share float64 // exact, or an upper bound when !exact
	exact bool
}

// share is the pair's Jaccard share when keep takes it (ok), computed at
// most once exactly.
func (p pairShares) share(a, b int64, ta, tb Text, keep func(float64) bool) (float64, bool) {
	k := [2]int64{min(a, b), max(a, b)}
	if c, ok := p[k]; ok && (c.exact || !keep(c.share)) {
		return c.share, c.exact && keep(c.share)
	}
	s, exact := jaccardIf(ta, tb, keep)
	p[k] = pairShare{s, exact}
	return s, exact && keep(s)
}

// copied compares two texts and, above the sheet's threshold, returns the
// evidence and the finding.
func copied(d, other *Doc, mine, theirs Text, rule string, sheet *Sheet) (store.Copy, report.Finding, bool) {
	share := Jaccard(mine, theirs)
	if share < sheet.CopyThreshold {
		return store.Copy{}, report.Finding{}, false
	}
	rl, _ := report.RuleByCode(rule)
	what := fmt.Sprintf("本机关%d年报告", other.Year)
	if rule == report.RuleCopyPeer {
		what = fmt.Sprintf("%s%d年报告", other.Agency, other.Year)
	}
	f := report.Finding{Rule: rule, Severity: rl.Severity, Cells: []string{},
		Message: fmt.Sprintf("总体情况、存在的问题及改进情况、其他事项三部分去掉规定套话后，与%s共有文字比例为%.0f%%（阈值%.0f%%），疑似照抄。",
			what, share*100, sheet.CopyThreshold*100)}
	c := store.Copy{ReportID: d.ID, Rule: rule, OtherID: other.ID, OtherAgency: other.Agency, OtherYear: other.Year,
		Share: share, Passages: SharedPassages(mine, theirs, 20, 8)}
	return c, f, true
}
