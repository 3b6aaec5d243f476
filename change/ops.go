package change

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"nianbao/assess"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// MaxReasonRunes bounds the reason of a change and the comment of a
// review (both are shown in the public audit list).
const MaxReasonRunes = 2000

// text checks a reason or comment: at most MaxReasonRunes.
func text(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > MaxReasonRunes {
		return "", &query.InputError{Field: field, Message: fmt.Sprintf("%s 最长 %d 字，收到 %d 字", field, MaxReasonRunes, n)}
	}
	return s, nil
}

// Upload is a document a person sends, already read into reports.
type Upload struct {
	File    string
	Data    []byte
	Reports []*report.Report
	Force   bool // make each version current even when far smaller
}

// Uploaded is one report of an upload as stored.
type Uploaded struct {
	Report *report.Report
	store.SaveResult
}

// Upload stores the reports read from a document, with the document
// itself: the original and each report's text are written in the
// transaction of the (first) report, so when a report cannot be stored
// nothing of it is kept, and success means the reports, their cells, their
// text and the original are all stored. The names the document (or the form)
// gives are made canonical (Name); a clerk limited to a county or agency
// may upload only its reports.
func (s *Service) Upload(ctx context.Context, u User, in Upload) ([]Uploaded, error) {
	if err := may(u, ActUpload); err != nil {
		return nil, err
	}
	for _, r := range in.Reports {
		var err error
		if r.Agency, err = Name("agency", r.Agency); err != nil {
			return nil, err
		}
		if r.County, err = Name("county", r.County); err != nil {
			return nil, err
		}
		if r.Agency == "" || r.Year == 0 {
			return nil, &query.InputError{Field: "agency", Message: fmt.Sprintf("读到了 %s，但无法判断是哪个机关哪一年的报告（机关 %q，年度 %d）", in.File, r.Agency, r.Year)}
		}
		if !u.Covers(r.Agency, r.County) {
			return nil, &Forbidden{fmt.Sprintf("%s只能上传%s的报告，%s 是%s%s的", u.Name, u.Scope, in.File, r.County, r.Agency)}
		}
	}
	what := "上传的文件 " + in.File + " "
	a := Affected{Op: "upload", Actor: u.Name, Detail: in.File}
	if len(in.Reports) == 0 {
		// Only the original: nothing of it was read as a report.
		if _, err := s.st.KeepSource(ctx, in.File, in.Data, ""); err != nil {
			return nil, failed(what, err)
		}
		s.after(ctx, a)
		return nil, nil
	}
	var out []Uploaded
	a.Rechecked = true
	for i, r := range in.Reports {
		// The report's text, and with the first report the original, are
		// written in the report's own transaction: one commit, and a kill
		// or a failure leaves all of them or none.
		opt := store.SaveOptions{Author: u.Name, Force: in.Force, With: []store.Step{assess.KeepTextStep(r)}}
		if i == 0 {
			opt.With = append([]store.Step{store.KeepSourceStep(in.File, in.Data, r.Text)}, opt.With...)
		}
		// The county's re-check in the same transaction too: a second
		// transaction's commit after it was a tenth of an upload at
		// 200 000 reports (docs/benchmarks.md, "third pass"). The span is
		// of the county the report is stored in.
		sp, done := span(r.County, r.Year), false
		opt.Recheck = func(ctx context.Context, tx *store.AssessTx) error {
			sp = span(tx.County, tx.Year)
			var err error
			// No written reports: the one saved is stored (it is this
			// transaction's), so it has no evidence of a deleted report
			// to lose, and the statement that would look is spared.
			done, err = s.steps.RecheckIn(ctx, tx, []assess.CountySpan{sp}, nil)
			return err
		}
		res, err := s.st.SaveWith(ctx, r, opt)
		if err != nil {
			if len(out) > 0 {
				s.after(ctx, a)
			}
			return out, failed(what, err)
		}
		out = append(out, Uploaded{Report: r, SaveResult: res})
		if !res.Unchanged {
			a.Reports = append(a.Reports, res.ID)
			a.Spans = append(a.Spans, sp)
			a.Rechecked = a.Rechecked && done
		}
	}
	s.after(ctx, a)
	return out, nil
}

// report reads the identity of a stored report and refuses it when it is
// outside the actor's scope.
func (s *Service) report(ctx context.Context, u User, id int64) (agency, county string, year int, err error) {
	agency, county, year, err = s.st.ReportKey(ctx, id)
	if err != nil {
		return "", "", 0, err
	}
	if err := covers(u, "修改", agency, county); err != nil {
		return "", "", 0, err
	}
	return agency, county, year, nil
}

// prelude validates and authorizes a change of one stored report: the
// actor's role allows action, the reason (or comment) is within bounds,
// and the report is within the actor's scope. It returns the reason
// trimmed and the counties and years the change touches.
func (s *Service) prelude(ctx context.Context, u User, action string, id int64, field, reason string) (string, assess.CountySpan, error) {
	if err := may(u, action); err != nil {
		return "", assess.CountySpan{}, err
	}
	reason, err := text(field, reason)
	if err != nil {
		return "", assess.CountySpan{}, err
	}
	_, county, year, err := s.report(ctx, u, id)
	if err != nil {
		return "", assess.CountySpan{}, err
	}
	return reason, span(county, year), nil
}

// Correct lays a person's value over a cell. raw is the value as written
// (JSONValue has already refused a JSON string); it is checked by
// CorrectionValue against the report's edition.
func (s *Service) Correct(ctx context.Context, u User, id int64, code, raw, reason string) (store.Correction, error) {
	reason, sp, err := s.prelude(ctx, u, ActCorrect, id, "reason", reason)
	if err != nil {
		return store.Correction{}, err
	}
	edition, err := s.st.Edition(ctx, id)
	if err != nil {
		return store.Correction{}, err
	}
	value, err := CorrectionValue(code, edition, raw)
	if err != nil {
		return store.Correction{}, err
	}
	c, err := s.st.Correct(ctx, id, code, value, reason, u.Name)
	if err != nil {
		return c, failed("更正", err)
	}
	s.after(ctx, Affected{Op: "correct", Actor: u.Name, Reports: []int64{id}, Spans: []assess.CountySpan{sp}, Detail: code})
	return c, nil
}

// Undo takes a correction off a cell.
func (s *Service) Undo(ctx context.Context, u User, id int64, code, reason string) (store.Correction, error) {
	reason, sp, err := s.prelude(ctx, u, ActCorrect, id, "reason", reason)
	if err != nil {
		return store.Correction{}, err
	}
	c, err := s.st.UndoCorrection(ctx, id, code, reason, u.Name)
	if err != nil {
		return c, failed("撤销更正", err)
	}
	s.after(ctx, Affected{Op: "undo", Actor: u.Name, Reports: []int64{id}, Spans: []assess.CountySpan{sp}, Detail: code})
	return c, nil
}

// Review records an assessor's conclusion on a finding.
func (s *Service) Review(ctx context.Context, u User, id int64, index int, state, comment string) error {
	comment, _, err := s.prelude(ctx, u, ActReview, id, "comment", comment)
	if err != nil {
		return err
	}
	if err := s.st.ReviewFinding(ctx, id, index, state, comment, u.Name); err != nil {
		return failed("复核", err)
	}
	// A review changes no input of the cross-report checks (the score
	// sheet reads it when scoring): nothing to re-check.
	s.after(ctx, Affected{Op: "review", Actor: u.Name, Reports: []int64{id}, Detail: fmt.Sprintf("finding %d %s", index, state)})
	return nil
}

// Delete removes a report's current rows (its versions stay).
func (s *Service) Delete(ctx context.Context, u User, id int64, reason string) error {
	reason, sp, err := s.prelude(ctx, u, ActAdmin, id, "reason", reason)
	if err != nil {
		return err
	}
	if err := s.st.DeleteWithReason(ctx, id, u.Name, reason); err != nil {
		return failed("删除", err)
	}
	s.after(ctx, Affected{Op: "delete", Actor: u.Name, Reports: []int64{id}, Spans: []assess.CountySpan{sp}})
	return nil
}

// Restore makes an earlier version current again. The answer lists the
// corrections that do not fit the restored version (待复核): they are kept,
// not applied, and come back when a version that reads as they expect is
// current again (restoring the later version undoes the restore).
func (s *Service) Restore(ctx context.Context, u User, id int64, version int, reason string) (store.RestoreResult, error) {
	reason, sp, err := s.prelude(ctx, u, ActCorrect, id, "reason", reason)
	if err != nil {
		return store.RestoreResult{}, err
	}
	// The version restored was read as some agency's and county's: a
	// clerk may not bring in a document of a place outside the scope.
	vs, err := s.st.Versions(ctx, id)
	if err != nil {
		return store.RestoreResult{}, err
	}
	for _, v := range vs {
		if v.Version == version {
			if err := covers(u, "恢复", v.Agency, v.County); err != nil {
				return store.RestoreResult{}, err
			}
		}
	}
	res, err := s.st.RestoreWith(ctx, id, version, u.Name, reason)
	if err != nil {
		return res, failed("版本恢复", err)
	}
	s.after(ctx, Affected{Op: "restore", Actor: u.Name, Reports: []int64{id}, Spans: []assess.CountySpan{sp}, Detail: fmt.Sprintf("v%d, %d corrections to review", version, len(res.Dropped))})
	return res, nil
}

// UpdateMeta fixes a report's agency, county or year. The names are made
// canonical; a clerk limited to a county or agency may change only its
// reports and only into its county or agency (the source and the target
// are both checked: a clerk of A cannot move a report into B).
func (s *Service) UpdateMeta(ctx context.Context, u User, id int64, ch store.MetaChange, reason string) error {
	if err := may(u, ActCorrect); err != nil {
		return err
	}
	reason, err := text("reason", reason)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		field string
		v     *string
	}{{"agency", ch.Agency}, {"county", ch.County}} {
		if f.v == nil {
			continue
		}
		n, err := Name(f.field, *f.v)
		if err != nil {
			return err
		}
		*f.v = n
	}
	agency, county, year, err := s.report(ctx, u, id)
	if err != nil {
		return err
	}
	toAgency, toCounty, toYear := agency, county, year
	if ch.Agency != nil {
		toAgency = *ch.Agency
	}
	if ch.County != nil {
		toCounty = *ch.County
	}
	if ch.Year != nil {
		toYear = *ch.Year
	}
	if !u.Covers(toAgency, toCounty) {
		return &Forbidden{fmt.Sprintf("%s只能修改%s的报告，不能把报告 %d 改到%s%s", u.Name, u.Scope, id, toCounty, toAgency)}
	}
	if err := s.st.UpdateMeta(ctx, id, ch, u.Name, reason); err != nil {
		return failed("报告信息的修改", err)
	}
	// The store may spell the county as the registry does: recheck where
	// the report really is now.
	_, stored, storedYear, err := s.st.ReportKey(ctx, id)
	if err != nil {
		stored, storedYear = toCounty, toYear
	}
	s.after(ctx, Affected{Op: "identity", Actor: u.Name, Reports: []int64{id},
		Spans: []assess.CountySpan{span(county, year), span(stored, storedYear)}, Detail: fmt.Sprintf("%s/%s/%d → %s/%s/%d", agency, county, year, toAgency, stored, storedYear)})
	return nil
}

// Merge records that agency from is agency into: from's reports move.
func (s *Service) Merge(ctx context.Context, u User, from, into, reason string) error {
	if err := may(u, ActAdmin); err != nil {
		return err
	}
	reason, err := text("reason", reason)
	if err != nil {
		return err
	}
	a, err := s.st.GetAgency(ctx, from)
	if err != nil {
		return err
	}
	b, err := s.st.GetAgency(ctx, into)
	if err != nil {
		return err
	}
	for _, p := range []store.Agency{a, b} {
		if err := covers(u, "合并", p.Name, p.County); err != nil {
			return err
		}
	}
	moved, err := s.st.AgencyReports(ctx, from)
	if err != nil {
		return err
	}
	if err := s.st.MergeAgencies(ctx, from, into, u.Name, reason); err != nil {
		return failed("单位合并", err)
	}
	aff := Affected{Op: "merge", Actor: u.Name, Detail: from + " → " + into}
	for _, r := range moved {
		aff.Reports = append(aff.Reports, r.ID)
		aff.Spans = append(aff.Spans, span(a.County, r.Year), span(b.County, r.Year))
	}
	s.after(ctx, aff)
	return nil
}

// MarkFiling records an assessor's finding that an agency published no
// report for a year (state "unpublished"), or withdraws it (state "").
func (s *Service) MarkFiling(ctx context.Context, u User, agencyID string, year int, state, comment string) error {
	if err := may(u, ActReview); err != nil {
		return err
	}
	comment, err := text("comment", comment)
	if err != nil {
		return err
	}
	a, err := s.st.GetAgency(ctx, agencyID)
	if err != nil {
		return err
	}
	if err := covers(u, "标记", a.Name, a.County); err != nil {
		return err
	}
	if err := s.st.MarkFiling(ctx, agencyID, year, state, comment, u.Name); err != nil {
		return failed("报送标记", err)
	}
	// A filing mark is read when the filing list is built, by no check:
	// nothing to re-check.
	aff := Affected{Op: "filing", Actor: u.Name, Detail: agencyID}
	if rs, err := s.st.AgencyReports(ctx, agencyID); err == nil {
		for _, r := range rs {
			if r.Year == year {
				aff.Reports = append(aff.Reports, r.ID)
			}
		}
	}
	s.after(ctx, aff)
	return nil
}

// ImportUnits adds a county's departments and units to the registry, their
// names (and aliases) made canonical first.
func (s *Service) ImportUnits(ctx context.Context, u User, file string, units []registry.Unit) (int, error) {
	if err := may(u, ActAdmin); err != nil {
		return 0, err
	}
	var spans []assess.CountySpan
	for i := range units {
		p := &units[i].Place
		for _, f := range []struct {
			field string
			v     *string
		}{{"name", &p.Name}, {"name", &p.Short}, {"county", &p.County}} {
			n, err := Name(f.field, *f.v)
			if err != nil {
				return 0, fmt.Errorf("%s 第 %d 个单位：%w", file, i+1, err)
			}
			*f.v = n
		}
		for j := range units[i].Aliases {
			n, err := Name("alias", units[i].Aliases[j].Name)
			if err != nil {
				return 0, fmt.Errorf("%s 第 %d 个单位的别名：%w", file, i+1, err)
			}
			units[i].Aliases[j].Name = n
		}
		if err := covers(u, "导入", p.Name, p.County); err != nil {
			return 0, err
		}
		// A new unit changes what the county's aggregates are checked against.
		spans = append(spans, assess.CountySpan{County: p.County, From: registryFrom, To: registryTo})
	}
	n, err := s.st.ImportUnits(ctx, file, units, u.Name)
	if err != nil {
		return n, failed("单位名录的导入", err)
	}
	s.after(ctx, Affected{Op: "registry", Actor: u.Name, Spans: spans, Detail: fmt.Sprintf("%s: %d units", file, n)})
	return n, nil
}

// The years a registry import re-checks: every year a report may be of.
const registryFrom, registryTo = 1990, 2100

// Ingest reads and stores files and folders of reports in batches (package
// ingest), as the command line does: the names the person gives (agency,
// county) are made canonical, and the steps after a write run once at the
// end for every report stored.
func (s *Service) Ingest(ctx context.Context, u User, paths []string, meta ingest.Meta, opt ingest.Options, progress ingest.Progress) (ingest.Summary, error) {
	if err := may(u, ActUpload); err != nil {
		return ingest.Summary{}, err
	}
	var err error
	if meta.Agency, err = Name("agency", meta.Agency); err != nil {
		return ingest.Summary{}, err
	}
	if meta.County, err = Name("county", meta.County); err != nil {
		return ingest.Summary{}, err
	}
	if u.Scope != "" && u.Role != RoleAdmin && meta.County != u.Scope && meta.Agency != u.Scope {
		// A batch reads many documents: only one whose place the person
		// states, and states within their scope, may be ingested by them.
		return ingest.Summary{}, &Forbidden{fmt.Sprintf("%s只能导入%s的报告：请写明所属县（区）或机关", u.Name, u.Scope)}
	}
	opt.Author = u.Name
	opt.After = func(ctx context.Context, ids []int64, spans []assess.CountySpan) {
		s.after(ctx, Affected{Op: "ingest", Actor: u.Name, Reports: ids, Spans: spans, Detail: fmt.Sprintf("%d reports", len(ids))})
	}
	sum, err := ingest.IngestPathsWith(ctx, s.st, paths, meta, opt, progress)
	return sum, failed("导入的报告", err)
}
