package api

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"nianbao/change"
	"nianbao/ingest"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
)

// TestUploadVerdictFromOneQuery: the upload answer's verdict, read with one
// query of the stored findings (storedFindings), is the verdict of the
// whole stored report (store.Get) for every report of data/sample, with
// some findings dismissed (a dismissed error makes a report publishable).
func TestUploadVerdictFromOneQuery(t *testing.T) {
	ctx := context.Background()
	st := querytest.Open(t)
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	rows, err := st.DB().QueryContext(ctx, `SELECT id FROM reports ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 100 {
		t.Fatalf("data/sample stored %d reports, want its 258", len(ids))
	}
	// Dismiss the first error of every third report that has one, confirm
	// the first warning of every fifth: the review state must reach both.
	dismissed := 0
	for i, id := range ids {
		full, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for j, f := range full.Findings {
			if i%3 == 0 && f.Severity == report.SeverityError {
				if err := st.ReviewFinding(ctx, id, j, "dismissed", "测试：驳回", "测试"); err != nil {
					t.Fatal(err)
				}
				dismissed++
				break
			}
			if i%5 == 0 && f.Severity == report.SeverityWarning {
				if err := st.ReviewFinding(ctx, id, j, "confirmed", "测试：确认", "测试"); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
	}
	if dismissed == 0 {
		t.Fatal("no error finding in data/sample to dismiss: the test compares nothing")
	}
	saved := make([]change.Uploaded, len(ids))
	for i, id := range ids {
		saved[i] = change.Uploaded{SaveResult: store.SaveResult{ID: id}}
	}
	h := &handler{st: st, log: slog.Default()}
	stored := h.storedFindings(ctx, saved)
	if len(stored) != len(ids) {
		t.Fatalf("findings of %d reports, want %d", len(stored), len(ids))
	}
	publishable := 0
	for _, id := range ids {
		full, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want, got := report.VerdictOf(full.Findings), report.VerdictOf(stored[id])
		if got != want {
			t.Errorf("report %d: verdict %+v from one query, %+v from the whole report", id, got, want)
		}
		if want.Publishable {
			publishable++
		}
		key := func(f report.Finding) string {
			return f.Key() + "|" + f.Severity + "|" + f.Message + "|" + string(f.Review)
		}
		a, b := make([]string, len(full.Findings)), make([]string, len(stored[id]))
		for i, f := range full.Findings {
			a[i] = key(f)
		}
		for i, f := range stored[id] {
			b[i] = key(f)
		}
		if !slices.Equal(a, b) {
			t.Errorf("report %d: findings differ\none query: %q\nwhole report: %q", id, b, a)
		}
	}
	if publishable == 0 || publishable == len(ids) {
		t.Errorf("%d of %d reports publishable: the sample should give both verdicts", publishable, len(ids))
	}
}
