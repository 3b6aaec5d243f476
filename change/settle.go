package change

// Glued numbers settled across years after a write (issue 23). A report
// whose glued digit runs the reader left unread (a finding lists the
// readings) may be settled by the same agency's report of the year before
// or after (rule 5: table 2's 现行有效 stock and flow, table 3's
// carry-over). When either arrives — in either order — the stored
// report is read again from its kept text with its neighbours' cells
// (parse.Meta.Neighbours), and, when that settles a cell and changes
// nothing else, stored as a new version whose author is the reader, not
// a person. It runs as a step of after, so it is one more consequence of
// the write that caused it, and writes only through store.SaveWith.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"nianbao/assess"
	"nianbao/parse"
	"nianbao/report"
	"nianbao/store"
)

// Reader is the author of the versions the reader stores on its own: the
// audit log shows it in place of a person.
const Reader = "reader"

// maxSettleRounds bounds a chain of settlements (a settled year may
// settle the next one in turn): each round reads again only the
// neighbours of the reports the round before stored.
const maxSettleRounds = 4

// Settle reads again, with their neighbouring years, the stored reports
// next to those a write touched (and those reports themselves) that have
// glued runs left unread; it returns what it stored, as the reader's own
// write (Op "settle"), for the steps after it.
func Settle(ctx context.Context, st *store.Store, log *slog.Logger, a Affected) (Affected, error) {
	out := Affected{Op: "settle", Actor: Reader}
	written, spans := a.Reports, a.Spans
	for round := 0; round < maxSettleRounds && len(written) > 0 && len(spans) > 0; round++ {
		ids, sp, err := settleRound(ctx, st, log, written, spans)
		if err != nil {
			return out, err
		}
		out.Reports = append(out.Reports, ids...)
		out.Spans = append(out.Spans, sp...)
		written, spans = ids, sp
	}
	if len(out.Reports) > 0 {
		out.Detail = fmt.Sprintf("%d reports settled by their neighbouring years", len(out.Reports))
	}
	return out, nil
}

// sqlGluedWithin lists the reports, with their counties, of the spans'
// counties and years that have a finding of a glued run left unread: the
// spans as three lists bound as parameters and unnested (as
// store.CountiesDocs binds them), the rule and the finding's words as
// parameters.
const sqlGluedWithin = `WITH s AS (SELECT unnest(?::VARCHAR[]) AS county, unnest(?::INTEGER[]) AS y0, unnest(?::INTEGER[]) AS y1)
SELECT DISTINCT f.report_id, r.county FROM findings f JOIN reports r ON r.id = f.report_id
JOIN s ON r.county = s.county AND r.year BETWEEN s.y0 AND s.y1
WHERE f.rule = ? AND contains(f.message, ?)`

// gluedWithin is sqlGluedWithin: the reports' ids and their counties.
func gluedWithin(ctx context.Context, st *store.Store, spans []assess.CountySpan) (map[int64]string, error) {
	counties := make([]string, len(spans))
	from, to := make([]int32, len(spans)), make([]int32, len(spans))
	for i, sp := range spans {
		counties[i], from[i], to[i] = sp.County, int32(sp.From), int32(sp.To)
	}
	rows, err := st.DB().QueryContext(ctx, sqlGluedWithin, counties, from, to, report.RuleAmbiguous, gluedWords)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var county string
		if err := rows.Scan(&id, &county); err != nil {
			return nil, err
		}
		out[id] = county
	}
	return out, rows.Err()
}

// yearKey is an agency's report of a year, as the cross-year checks pair
// them (package assess): by the stored agency and county names.
type yearKey struct {
	agency, county string
	year           int
}

// settleRound settles what the reports written make settleable.
func settleRound(ctx context.Context, st *store.Store, log *slog.Logger, written []int64, spans []assess.CountySpan) ([]int64, []assess.CountySpan, error) {
	wide := make([]assess.CountySpan, len(spans))
	for i, sp := range spans {
		// A write of year y reaches y−1 (its carry-over came from there)
		// and y+1 (spans already cover it).
		wide[i] = assess.CountySpan{County: sp.County, From: sp.From - 1, To: sp.To + 1}
	}
	wide = mergeSpans(wide)
	// A first look: which reports within reach have a glued run left
	// unread. Mostly none, and then nothing more is read.
	glued, err := gluedWithin(ctx, st, wide)
	if err != nil || len(glued) == 0 {
		return nil, nil, err
	}
	// Only the counties where one is are read.
	counties := map[string]bool{}
	for _, county := range glued {
		counties[county] = true
	}
	wide = slices.DeleteFunc(wide, func(sp assess.CountySpan) bool { return !counties[sp.County] })
	byCounty, err := st.CountiesDocs(ctx, wide)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[yearKey]*store.AssessDoc{}
	for _, docs := range byCounty {
		for _, d := range docs {
			byKey[yearKey{d.Agency, d.County, d.Year}] = d
		}
	}
	isWritten := map[int64]bool{}
	for _, id := range written {
		isWritten[id] = true
	}
	type candidate struct {
		doc        *store.AssessDoc
		neighbours []parse.Neighbour
	}
	var cands []candidate
	for _, docs := range byCounty {
		for _, d := range docs {
			if _, ok := glued[d.ID]; !ok {
				continue
			}
			var ns []parse.Neighbour
			touched := isWritten[d.ID]
			for _, y := range []int{d.Year - 1, d.Year + 1} {
				if n := byKey[yearKey{d.Agency, d.County, y}]; n != nil {
					ns = append(ns, parse.Neighbour{Year: y, Cells: n.Cells})
					touched = touched || isWritten[n.ID]
				}
			}
			if touched && len(ns) > 0 {
				cands = append(cands, candidate{d, ns})
			}
		}
	}
	var settled []int64
	var out []assess.CountySpan
	for _, c := range cands {
		ok, err := settleOne(ctx, st, log, c.doc.ID, c.neighbours)
		if err != nil {
			return settled, out, err
		}
		if ok {
			settled = append(settled, c.doc.ID)
			out = append(out, span(c.doc.County, c.doc.Year))
		}
	}
	return settled, out, nil
}

// gluedFinding tells a finding of a glued run the reader left unread
// (parse: splitGlued, resolveJointly), the only kind a neighbour settles.
func gluedFinding(f report.Finding) bool {
	return f.Rule == report.RuleAmbiguous && strings.Contains(f.Message, gluedWords)
}

// gluedWords are in every finding of a glued run left unread.
const gluedWords = "数字粘连"

// settleOne reads report id again from its kept text with its neighbours
// and stores the reading as the reader's version when it reads more and
// nothing differently: every cell read before reads the same, and every
// new cell is one a glued-run finding left unread (or 其他处理, derived
// from its sub-rows). A report whose text is not kept, or whose reading
// from the text alone differs (a grid document's columns, OCR's
// confidence), is left as it is; so is one whose earlier version by the
// reader a person has put aside.
func settleOne(ctx context.Context, st *store.Store, log *slog.Logger, id int64, ns []parse.Neighbour) (bool, error) {
	vs, err := st.Versions(ctx, id)
	if err != nil {
		return false, err
	}
	kind := ""
	for _, v := range vs {
		if v.Author == Reader && !v.Current {
			// A person put a version of the reader's aside (restored
			// another): the reader does not overrule them.
			return false, nil
		}
		if v.Current {
			kind = v.Kind
		}
	}
	full, err := st.Get(ctx, id)
	if err != nil {
		return false, err
	}
	src, err := st.Source(ctx, full.SHA256)
	if errors.Is(err, store.ErrNotFound) || (err == nil && strings.TrimSpace(src.Text) == "") {
		log.Info("相邻年度可确定粘连数字，但原文未保存，未重新读取", "report", id, "file", full.File)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r, err := parse.Text(full.File, src.Text, parse.Meta{Agency: full.Agency, County: full.County, Year: full.Year,
		Edition: full.Edition, PublishedOn: full.PublishedOn, Format: full.Format, Neighbours: ns})
	if err != nil {
		return false, err
	}
	unread := map[string]bool{}
	for _, f := range full.Findings {
		if gluedFinding(f) {
			for _, c := range f.Cells {
				unread[c] = true
			}
		}
	}
	parsed := parsedCells(&full.Stored, full.Corrections)
	for code, v := range parsed {
		if w, ok := r.Cells[code]; !ok || w != v {
			log.Info("重新读取与已存版本不同，未按相邻年度更新", "report", id, "file", full.File, "cell", code)
			return false, nil
		}
	}
	added := 0
	for code := range r.Cells {
		if _, ok := parsed[code]; ok {
			continue
		}
		if !unread[code] && !derived(code) {
			log.Info("重新读取多出未标记的单元格，未按相邻年度更新", "report", id, "file", full.File, "cell", code)
			return false, nil
		}
		added++
	}
	if added == 0 {
		return false, nil
	}
	keepFindings(r, full.Findings, parsed)
	r.File, r.SHA256, r.Synthetic, r.Text = full.File, full.SHA256, full.Synthetic, src.Text
	res, err := st.SaveWith(ctx, r, store.SaveOptions{Author: Reader, Kind: kind})
	if err != nil {
		return false, failed("按相邻年度确定的粘连数字", err)
	}
	if !res.Current || res.Unchanged {
		return false, nil
	}
	log.Info("粘连数字按相邻年度确定", "report", id, "file", full.File, "version", res.Version, "cells", added)
	return true, nil
}

// parsedCells are a stored report's cells as its current version read
// them: the current cells with the corrections laid over them taken off.
func parsedCells(r *report.Stored, corrections []store.Correction) map[string]float64 {
	out := make(map[string]float64, len(r.Cells))
	for code, v := range r.Cells {
		out[code] = v
	}
	for _, c := range corrections {
		if c.Orphaned {
			continue
		}
		if c.ParsedValue == nil {
			delete(out, c.Code)
		} else {
			out[c.Code] = *c.ParsedValue
		}
	}
	return out
}

// derived tells a cell the reader derives from others (report.Derive).
func derived(code string) bool {
	col, ok := strings.CutPrefix(code, "t3.other.")
	return ok && slices.Contains(report.T3Columns, col)
}

// keepFindings carries over to the re-read r the stored findings it
// cannot make itself — those added around the parse (the agency's name
// against the registry, OCR's confidence), which the re-read, given the
// agency, does not repeat — unless they are of a glued run, name a cell
// read only now, or are made again.
func keepFindings(r *report.Report, stored []report.Finding, parsed map[string]float64) {
	again := map[string]bool{}
	for _, f := range r.Findings {
		again[f.Key()] = true
	}
	for _, f := range stored {
		if gluedFinding(f) || again[f.Key()] || slices.ContainsFunc(f.Cells, func(c string) bool { _, was := parsed[c]; return !was && r.Has(c) }) {
			continue
		}
		f.Review, f.ReviewComment, f.Reviewer = "", "", ""
		r.Findings = append(r.Findings, f)
	}
}
