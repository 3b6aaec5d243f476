package change

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// Rectification (issue 21 item 6): an assessor sends a finding back to
// its body (退回修改) with a deadline; a new version of the report that no
// longer has the finding closes it (closeFixed, run by after); an assessor
// may close it by hand with a reason.

// versionOps are the writes that make a new version of a report current:
// only they can show that the body fixed a problem it was sent back for.
// A correction is the assessor's own reading, not the body's fix.
var versionOps = []string{"upload", "ingest", "restore"}

// ReturnFinding sends the finding at index of report id back with a
// deadline (any date form ParseDate reads; not before today in China) and
// a comment.
func (s *Service) ReturnFinding(ctx context.Context, u User, id int64, index int, deadline, comment string) (store.Rectification, error) {
	comment, sp, err := s.prelude(ctx, u, ActReview, id, "comment", comment)
	if err != nil {
		return store.Rectification{}, err
	}
	day, err := Deadline(deadline, time.Now())
	if err != nil {
		return store.Rectification{}, err
	}
	x, err := s.st.ReturnFinding(ctx, id, index, day, comment, u.Name)
	if err != nil {
		return x, failed("退回修改", err)
	}
	// Nothing a check reads changed: the spans are for the log only.
	s.after(ctx, Affected{Op: "return", Actor: u.Name, Reports: []int64{id}, Detail: fmt.Sprintf("%s %s 期限 %s", sp.County, x.Key, day)})
	return x, nil
}

// Deadline checks the deadline of a rectification: a real calendar day
// (report.ParseDate, the one reader of dates), not before today in China.
// It gives the day as YYYY-MM-DD.
func Deadline(s string, now time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &query.InputError{Field: "deadline", Message: "请填写整改期限（deadline），如 2024-06-30"}
	}
	day, ok := report.ParseDate(s)
	if !ok {
		return "", &query.InputError{Field: "deadline", Message: fmt.Sprintf("整改期限 %q 不是一个有效日期，请写作 2024-06-30", s)}
	}
	today := now.In(report.ChinaTime).Format(time.DateOnly)
	if day < today {
		return "", &query.InputError{Field: "deadline", Message: fmt.Sprintf("整改期限 %s 早于今天（%s）", day, today)}
	}
	return day, nil
}

// CloseRectification closes a rectification by hand with the person's
// reason (required: the list shows why it was closed before a fix).
func (s *Service) CloseRectification(ctx context.Context, u User, rid int64, reason string) error {
	if err := may(u, ActReview); err != nil {
		return err
	}
	reason, err := text("reason", reason)
	if err != nil {
		return err
	}
	if reason == "" {
		return &query.InputError{Field: "reason", Message: "手工关闭整改事项必须写明理由（reason）"}
	}
	x, err := s.st.Rectification(ctx, rid, report.Today())
	if err != nil {
		return err
	}
	if err := covers(u, "关闭", x.Agency, x.County); err != nil {
		return err
	}
	if err := s.st.CloseRectification(ctx, rid, reason, u.Name); err != nil {
		return failed("关闭整改事项", err)
	}
	s.after(ctx, Affected{Op: "rectify_close", Actor: u.Name, Reports: []int64{x.ReportID}, Detail: fmt.Sprintf("#%d %s", rid, x.Key)})
	return nil
}

// ReviewMany records one decision with one comment on several findings of
// a report (bulk confirm or dismiss): one write, one audit row per finding.
func (s *Service) ReviewMany(ctx context.Context, u User, id int64, indexes []int, state, comment string) error {
	comment, _, err := s.prelude(ctx, u, ActReview, id, "comment", comment)
	if err != nil {
		return err
	}
	if len(indexes) == 0 {
		return &query.InputError{Field: "index", Message: "请至少勾选一条问题"}
	}
	if err := s.st.ReviewFindings(ctx, id, indexes, state, comment, u.Name); err != nil {
		return failed("批量复核", err)
	}
	// As Review: the score sheet reads reviews when scoring, no check does.
	s.after(ctx, Affected{Op: "review", Actor: u.Name, Reports: []int64{id}, Detail: fmt.Sprintf("%d findings %s", len(indexes), state)})
	return nil
}

// closeFixed is the after-a-write step of auto-closing: when a write made
// a new version of reports current, the open rectifications whose finding
// the new findings lack are closed by the reader, audited by the store.
func (s *Service) closeFixed(ctx context.Context, a Affected) error {
	if !slices.Contains(versionOps, a.Op) {
		return nil
	}
	if open, err := s.st.AnyOpenRectification(ctx); err != nil {
		return err
	} else if !open {
		return nil
	}
	for _, id := range a.Reports {
		closed, err := s.st.CloseFixed(ctx, id)
		if err != nil {
			return fmt.Errorf("report %d: %w", id, err)
		}
		for _, x := range closed {
			s.log.Info("rectification closed by a new version", "id", x.ID, "report", id, "finding", x.Key, "after", a.Op, "by", a.Actor)
		}
	}
	return nil
}
