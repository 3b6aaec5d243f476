package ingest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"nianbao/report"
	"nianbao/store"
)

// TestSummaryNamesCorrectionsToReview: a batch that stores a new version
// reading a corrected cell differently says so in its summary (待复核),
// and one reading it as before does not.
func TestSummaryNamesCorrectionsToReview(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc := func(hash string, v float64) Result {
		r := report.New("jiaoyu.txt")
		r.Agency, r.County, r.Year, r.Edition, r.SHA256 = "乐至县教育局", "乐至县", 2022, report.Edition2021, hash
		r.Set("t3.new.total", v, report.Source{Line: 1})
		r.Set("t3.new.natural", 1, report.Source{Line: 2})
		return Result{Path: "jiaoyu.txt", Reports: []*report.Report{r}}
	}
	storeOne := func(res Result) Summary {
		ch := make(chan Result, 1)
		ch <- res
		close(ch)
		sum, err := StoreResults(ctx, st, ch, 1, Options{Author: "测试"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	storeOne(doc("v1", 5))
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM reports`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Correct(ctx, id, "t3.new.total", 50, "原表笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	if sum := storeOne(doc("v2", 5)); len(sum.ToReview) != 0 {
		t.Errorf("a version reading the cell as before: %v to review, want none", sum.ToReview)
	}
	sum := storeOne(doc("v3", 7))
	if len(sum.ToReview) != 1 || !strings.Contains(sum.ToReview[0], "t3.new.total") {
		t.Fatalf("a version reading the cell differently: %v to review, want t3.new.total", sum.ToReview)
	}
	var b bytes.Buffer
	sum.WriteSummary(&b)
	if !strings.Contains(b.String(), "待复核") {
		t.Errorf("summary does not say 待复核:\n%s", b.String())
	}
}
