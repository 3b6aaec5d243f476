// Package change: every change to stored reports goes through here.
//
// An upload, a correction and its undo, a review, a deletion, the restore
// of a version, a fix of a report's agency, county or year, a merge of two
// agencies, a registry import and a filing mark are each one method of
// Service, and each runs the same four stages: validate (one rule and one
// Chinese message for the API, the web pages and the command line),
// authorize (the actor's role, and for a clerk limited to a county or
// agency every report and place the change touches: the source and the
// target), write through the store, then after — the steps every write
// needs, listed once.
package change

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"syscall"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/store"
)

// Service makes the changes to one store.
type Service struct {
	st    *store.Store
	log   *slog.Logger
	steps Steps
}

// Steps are what follows every write, in the order after runs them. New
// fills them with the real ones; a test may replace any with a recorder.
type Steps struct {
	// Recheck runs the cross-report checks (package assess) again for
	// the counties and years a write touched; reports are the ones it
	// wrote (a deleted one among them loses its checks' evidence).
	Recheck func(ctx context.Context, spans []assess.CountySpan, reports []int64) error
	// RecheckIn is Recheck inside the write's own transaction (an
	// upload's: its report and the findings it changes commit once); it
	// tells whether it re-checked. Where it did not, Recheck runs after
	// the commit.
	RecheckIn func(ctx context.Context, tx *store.AssessTx, spans []assess.CountySpan, reports []int64) (bool, error)
	// Figures makes report_figures match the current cells of reports.
	Figures func(ctx context.Context, ids []int64) error
	// Invalidate drops the answers cached from the stored reports.
	Invalidate func()
	// Audit records the change in the log. Its audit_log row is written
	// by the store inside the write's own transaction — a change must
	// never commit without its row — so this step is the log line that
	// carries what the row cannot: the reports and counties affected.
	Audit func(ctx context.Context, a Affected)
	// Settle reads again the reports next to the ones written whose
	// glued numbers their neighbouring years now settle, and stores
	// them as the reader's versions (settle.go); it returns that write.
	Settle func(ctx context.Context, a Affected) (Affected, error)
	// CloseFixed closes the rectifications a new version of a report
	// fixed (rectify.go); it runs after Recheck, whose findings it reads.
	// A version the reader settled is its own re-reading, not the body's
	// fix, so it closes none (as a person's correction closes none).
	CloseFixed func(ctx context.Context, a Affected) error
}

// Affected is what a write touched.
type Affected struct {
	Op      string              // upload, correct, undo, review, delete, restore, identity, merge, registry, filing, ingest
	Actor   string              // who
	Reports []int64             // reports whose stored rows changed
	Spans   []assess.CountySpan // counties and years whose cross-report checks may change
	// Rechecked: the write's transaction re-checked Spans already
	// (Steps.RecheckIn); after re-checks only what Settle writes.
	Rechecked bool
	Detail    string // a few words for the log
}

// New returns the service changing st; log nil means slog.Default().
func New(st *store.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{st: st, log: log}
	s.steps = Steps{
		Recheck: func(ctx context.Context, spans []assess.CountySpan, reports []int64) error {
			return RecheckChanged(ctx, st, spans, reports)
		},
		RecheckIn: func(ctx context.Context, tx *store.AssessTx, spans []assess.CountySpan, reports []int64) (bool, error) {
			return assess.RecheckIn(ctx, st, tx, spans, reports)
		},
		Figures:    st.RefreshFigures,
		Invalidate: st.Changed,
		Audit: func(_ context.Context, a Affected) {
			log.Info("change", "op", a.Op, "by", a.Actor, "reports", a.Reports, "counties", len(a.Spans), "detail", a.Detail)
		},
		Settle: func(ctx context.Context, a Affected) (Affected, error) { return Settle(ctx, st, log, a) },
	}
	s.steps.CloseFixed = s.closeFixed
	return s
}

// WithSteps returns a copy of s whose after-a-write steps are replaced by
// the non-nil ones of steps (tests record them this way).
func (s *Service) WithSteps(steps Steps) *Service {
	cp := *s
	if steps.Recheck != nil {
		cp.steps.Recheck = steps.Recheck
	}
	if steps.RecheckIn != nil {
		cp.steps.RecheckIn = steps.RecheckIn
	}
	if steps.Figures != nil {
		cp.steps.Figures = steps.Figures
	}
	if steps.Invalidate != nil {
		cp.steps.Invalidate = steps.Invalidate
	}
	if steps.Audit != nil {
		cp.steps.Audit = steps.Audit
	}
	if steps.Settle != nil {
		cp.steps.Settle = steps.Settle
	}
	if steps.CloseFixed != nil {
		cp.steps.CloseFixed = steps.CloseFixed
	}
	return &cp
}

// Store is the store the service writes to.
func (s *Service) Store() *store.Store { return s.st }

// Recheck is the one call of the assessment's cross-report checks after a
// write: every path that changes reports reaches assess through here, so
// the score sheet the checks use is chosen in one place.
func Recheck(ctx context.Context, st *store.Store, spans []assess.CountySpan) error {
	if len(spans) == 0 {
		return nil
	}
	return assess.RecheckCounties(ctx, st, spans, nil) // nil: each county its own sheet
}

// RecheckChanged is Recheck after one write, the step every change runs:
// the same checks, leaving the same rows, but writing only the reports
// whose results differ from what is stored (assess.RecheckChanged).
// Recheck, which replaces every checked report's rows, stays for the
// bulk paths and as the tests' oracle. reports are the ones the write
// wrote.
func RecheckChanged(ctx context.Context, st *store.Store, spans []assess.CountySpan, reports []int64) error {
	if len(spans) == 0 && len(reports) == 0 {
		return nil
	}
	return assess.RecheckChanged(ctx, st, spans, reports)
}

// after runs the steps every committed write needs. The write is done by
// then: a step that fails is logged, not returned, and none is cut short
// by a client that hung up (the context loses its cancel).
//
// The reader's own write comes first: the reports whose glued numbers
// the write lets their neighbouring years settle are stored again
// (Settle), and the steps below cover them with the write that caused it.
func (s *Service) after(ctx context.Context, a Affected) {
	ctx = context.WithoutCancel(ctx)
	settled, err := s.steps.Settle(ctx, a)
	if err != nil {
		s.log.Error("glued numbers settled by neighbouring years", "op", a.Op, "reports", a.Reports, "err", err)
	}
	a.Spans = mergeSpans(a.Spans)
	spans, reports := a.Spans, a.Reports
	if len(settled.Reports) > 0 {
		spans = mergeSpans(append(slices.Clone(a.Spans), settled.Spans...))
		reports = append(slices.Clone(a.Reports), settled.Reports...)
	}
	// A write whose transaction re-checked its spans needs it again only
	// for what Settle wrote since.
	if !a.Rechecked || len(settled.Reports) > 0 {
		if err := s.steps.Recheck(ctx, spans, reports); err != nil {
			s.log.Error("assessment checks after a change", "op", a.Op, "counties", len(spans), "err", err)
		}
	}
	figures := reports
	if a.Op == "upload" || a.Op == "ingest" {
		// An upload's reports were written by store.SaveWith, an
		// ingest's by SaveBatch, which append each one's report_figures
		// row from the same cells in the report's transaction: reading
		// their cells again to find the rows right was a tenth of an
		// upload's CPU at 200 000 reports, and 15 s of one core after an
		// ingest of 200 000. The ones Settle stored are refreshed as after any
		// write.
		figures = settled.Reports
	}
	if err := s.steps.Figures(ctx, figures); err != nil {
		s.log.Error("report figures after a change", "op", a.Op, "reports", figures, "err", err)
	}
	if err := s.steps.CloseFixed(ctx, a); err != nil {
		s.log.Error("closing fixed rectifications after a change", "op", a.Op, "reports", a.Reports, "err", err)
	}
	s.steps.Invalidate()
	if len(settled.Reports) > 0 {
		// The reader's versions are audited as its own, not the actor's.
		s.steps.Audit(ctx, settled)
	}
	s.steps.Audit(ctx, a)
}

// span is the years of a county that a change of its report of year
// touches: that year (peers, aggregates) and the next (rule 5, copying
// from the previous year).
func span(county string, year int) assess.CountySpan {
	return assess.CountySpan{County: county, From: year, To: year + 1}
}

// mergeSpans joins the spans of one county into one, sorted by county.
func mergeSpans(spans []assess.CountySpan) []assess.CountySpan {
	by := map[string]assess.CountySpan{}
	for _, sp := range spans {
		if o, ok := by[sp.County]; ok {
			sp.From, sp.To = min(sp.From, o.From), max(sp.To, o.To)
		}
		by[sp.County] = sp
	}
	out := make([]assess.CountySpan, 0, len(by))
	for _, sp := range by {
		out = append(out, sp)
	}
	slices.SortFunc(out, func(a, b assess.CountySpan) int { return strings.Compare(a.County, b.County) })
	return out
}

// Forbidden is a change the actor may not make, with the sentence why.
type Forbidden struct{ Message string }

func (e *Forbidden) Error() string { return e.Message }

// IsForbidden tells a refusal of authorization from other errors.
func IsForbidden(err error) bool {
	var f *Forbidden
	return errors.As(err, &f)
}

// may refuses an action the actor's role does not allow.
func may(u User, action string) error {
	if !u.May(action) {
		return &Forbidden{u.Refusal(action)}
	}
	return nil
}

// covers refuses a report or place outside the actor's county or agency;
// what says what the actor tried ("修改", "移到") and whose it is.
func covers(u User, verb, agency, county string) error {
	if u.Covers(agency, county) {
		return nil
	}
	whose := county + agency
	if whose == "" {
		whose = "待归属单位"
	}
	return &Forbidden{fmt.Sprintf("%s只能%s%s的报告，不能%s%s的", u.Name, verb, u.Scope, verb, whose)}
}

// DiskFull is a write the disk had no room for. Nothing of it is kept.
type DiskFull struct {
	What string // what was not saved
	Err  error
}

func (e *DiskFull) Error() string { return e.Message() + ": " + e.Err.Error() }
func (e *DiskFull) Unwrap() error { return e.Err }

// Message is the sentence for the person who made the change.
func (e *DiskFull) Message() string {
	return fmt.Sprintf("磁盘空间不足，%s没有保存（已撤回，数据库未改动）。请联系管理员清理服务器磁盘后重试。", e.What)
}

// IsDiskFull tells an error of a full disk: ENOSPC from the file system,
// or DuckDB's own words for it (its I/O errors carry the text, not the
// errno).
func IsDiskFull(err error) bool {
	if err == nil {
		return false
	}
	var df *DiskFull
	if errors.As(err, &df) || errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "No space left on device") || strings.Contains(msg, "database or disk is full")
}

// failed wraps a write's error: a full disk becomes DiskFull naming what
// was not saved; any other error is returned as it is.
func failed(what string, err error) error {
	if err != nil && IsDiskFull(err) {
		var df *DiskFull
		if errors.As(err, &df) {
			return err
		}
		return &DiskFull{What: what, Err: err}
	}
	return err
}

// Explain turns the error of a change into the answer a person gets: an
// HTTP status, a code and a Chinese sentence. The API, the web pages and
// the command line use it, so a refusal reads the same everywhere. An
// error it does not know (a fault of the server) gives status 500 and a
// sentence that hides the details (the caller logs them).
func Explain(err error) (status int, code, message string) {
	var ie *query.InputError
	var df *DiskFull
	switch {
	case IsForbidden(err):
		return http.StatusForbidden, "forbidden", err.Error()
	case errors.As(err, &df):
		return http.StatusInsufficientStorage, "disk_full", df.Message()
	case IsDiskFull(err):
		return http.StatusInsufficientStorage, "disk_full", (&DiskFull{What: "这项修改", Err: err}).Message()
	case errors.As(err, &ie):
		return http.StatusBadRequest, "bad_request", ie.Message
	case errors.Is(err, store.ErrNoReason):
		return http.StatusBadRequest, "bad_request", "这项修改必须写明理由（reason）"
	case errors.Is(err, store.ErrUnknownCode):
		return http.StatusBadRequest, "bad_request", "未知的单元格代码（见 /api/v1/codes）"
	case errors.Is(err, store.ErrBadReview):
		return http.StatusBadRequest, "bad_request", "复核结论应为 confirmed（确认）或 dismissed（驳回）"
	case errors.Is(err, store.ErrNoCorrection):
		return http.StatusNotFound, "not_found", "这个单元格没有可撤销的更正"
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not_found", "没有这份报告或这个单位"
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrBadPlace):
		return http.StatusConflict, "conflict", err.Error()
	}
	return http.StatusInternalServerError, "internal", "服务器内部错误，已记录"
}
