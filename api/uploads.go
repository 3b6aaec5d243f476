package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
)

// Uploads stores uploaded files as POST /reports does — read with the
// API's parse admission (a bounded number at once, a time limit), the
// form's agency, county and year laid over, stored through package change
// — for the pages of the same server, which call it directly instead of
// sending the file to the API again.
type Uploads struct{ h *handler }

// Store reads one uploaded file and stores its reports as user. fields are
// the form's agency, county, year and force ("" = not given). An error is
// a *ReadError when the file could not be read as reports, else one of
// package change (change.Explain says it).
func (u *Uploads) Store(ctx context.Context, user User, name string, data []byte, fields map[string]string) ([]Uploaded, error) {
	return u.h.store(ctx, user, name, data, fields)
}

// ReadError is an upload that could not be read as reports, with the
// answer it gets.
type ReadError struct {
	Status  int
	Code    string // busy, too_large, not_report, unreadable, bad_request
	Message string
}

func (e *ReadError) Error() string { return e.Message }

// store is Uploads.Store, and the work of POST /reports once the file's
// bytes are in.
func (h *handler) store(ctx context.Context, user User, name string, data []byte, fields map[string]string) ([]Uploaded, error) {
	if h.opts.Parser == nil {
		return nil, &ReadError{http.StatusNotImplemented, "internal", "本服务器未配置报告解析器，无法上传"}
	}
	if int64(len(data)) > h.opts.MaxUpload {
		return nil, &ReadError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("文件超过上传上限 %d MB", h.opts.MaxUpload>>20)}
	}
	reports, err := h.parseBounded(ctx, name, data)
	switch {
	case errors.Is(err, errBusy):
		return nil, &ReadError{http.StatusServiceUnavailable, "busy", "服务器正在读取其他上传的文件，请稍后重试"}
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		h.log.Warn("upload parse timed out", "file", name, "timeout", h.opts.ParseTimeout)
		return nil, &ReadError{http.StatusUnprocessableEntity, "unreadable", fmt.Sprintf("无法读取 %s：读取用时超过上限 %d 秒，已停止", name, int(h.opts.ParseTimeout/time.Second))}
	case isNotReport(err):
		h.log.Info("upload is not a report", "file", name, "err", err)
		return nil, &ReadError{http.StatusUnprocessableEntity, "not_report", name + " " + publicMessage(err)}
	case err != nil:
		h.log.Info("upload unreadable", "file", name, "err", err)
		return nil, &ReadError{http.StatusUnprocessableEntity, "unreadable", fmt.Sprintf("无法读取 %s：%s", name, publicMessage(err))}
	}
	if len(reports) == 0 {
		return nil, &ReadError{http.StatusUnprocessableEntity, "unreadable", fmt.Sprintf("在 %s 中没有找到年度报告", name)}
	}
	// Form fields agency, county and year override what the text says, as
	// the CLI's flags do (a report that never names itself: 我局…).
	year := 0
	if y := strings.TrimSpace(fields["year"]); y != "" {
		if year, err = strconv.Atoi(y); err != nil || year < 1990 || year > 2100 {
			return nil, &query.InputError{Field: "year", Message: fmt.Sprintf("表单字段 year 应为年份，收到 %q", y)}
		}
	}
	for _, r := range reports {
		if v := strings.TrimSpace(fields["agency"]); v != "" {
			r.Agency = v
		}
		if v := strings.TrimSpace(fields["county"]); v != "" {
			r.County = v
		}
		if year != 0 {
			r.Year = year
		}
	}
	for _, r := range reports {
		if r.Agency == "" || r.Year == 0 {
			return nil, &ReadError{http.StatusUnprocessableEntity, "unreadable",
				fmt.Sprintf("读到了 %s，但无法判断是哪个机关哪一年的报告（机关 %q，年度 %d）", name, r.Agency, r.Year)}
		}
	}
	force := fields["force"] == "1" || fields["force"] == "true"
	// The original, the reports and their cells are stored together or
	// not at all (change.Upload): success means all of them are kept.
	saved, err := h.ch.Upload(ctx, user, change.Upload{File: name, Data: data, Reports: reports, Force: force})
	if err != nil {
		return nil, err
	}
	stored := h.storedFindings(ctx, saved)
	out := []Uploaded{}
	for _, s := range saved {
		r, res := s.Report, s.SaveResult
		h.log.Info("report uploaded", "id", res.ID, "agency", r.Agency, "county", r.County, "year", r.Year,
			"file", name, "replaced", res.Replaced, "findings", len(r.Findings), "by", user.Name)
		// The verdict of the stored report (its assessment checks too), as
		// its page, 预检 and analytics validate give it.
		verdict := report.VerdictOf(r.Findings)
		if f, ok := stored[res.ID]; ok {
			verdict = report.VerdictOf(f)
		}
		out = append(out, Uploaded{ID: res.ID, Replaced: res.Replaced, Previous: res.Previous, Report: r,
			Version: res.Version, Current: res.Current, Held: res.Held, AgencyID: res.AgencyID, Unchanged: res.Unchanged,
			Corrected: res.Corrected, ToReview: res.Orphaned, Verdict: verdict})
	}
	return out, nil
}

// storedFindings reads the findings of the saved reports as stored, with
// their review state, in one query: all a verdict needs (the whole report,
// h.st.Get, is five queries). A report missing from the answer has none;
// on an error the map is nil and each answer falls back to the parse's
// own findings.
func (h *handler) storedFindings(ctx context.Context, saved []change.Uploaded) map[int64][]report.Finding {
	ids := make([]int64, len(saved))
	for i, s := range saved {
		ids[i] = s.SaveResult.ID
	}
	found, err := h.st.FindingsOf(ctx, ids)
	if err != nil {
		h.log.Warn("findings of uploaded reports", "reports", ids, "err", err)
		return nil
	}
	out := make(map[int64][]report.Finding, len(ids))
	for _, id := range ids {
		out[id] = nil
	}
	for _, f := range found {
		out[f.ReportID] = append(out[f.ReportID], f.Finding)
	}
	return out
}
