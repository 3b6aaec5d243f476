package assess_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"nianbao/ingest"
	"nianbao/report"
	"nianbao/store"
)

// sqlFindingsByRule counts stored findings per rule, apart for the
// synthetic reports (data/sample) and the real ones (the corpus).
const sqlFindingsByRule = `SELECT r.synthetic, f.rule, count(*) FROM findings f JOIN reports r ON r.id = f.report_id GROUP BY ALL ORDER BY ALL`

// TestNewChecksQuiet ingests data/sample and, when present, the real
// excerpts of ../shared/corpus, and counts the findings of the checks of
// issue 21 item 3. The sample plants none of these errors and the corpus
// is real reports read by hand: every finding would be a false positive,
// so none is allowed. `go test ./assess -run TestNewChecksQuiet -v` logs
// the counts of every rule (docs/metrics.md quotes them).
func TestNewChecksQuiet(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paths := []string{"../data/sample"}
	for _, p := range []string{"../../shared/corpus/excerpts", "../../shared/corpus/seed"} {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		} else {
			t.Logf("%s absent: only data/sample is counted", p)
		}
	}
	if _, err := ingest.IngestPaths(ctx, st, paths, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB().QueryContext(ctx, sqlFindingsByRule)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	quiet := []string{report.RuleJump, report.RulePeerZero, report.RulePeerBlank, report.RulePartOverWhole, report.RuleFeeNarrative}
	for rows.Next() {
		var synthetic bool
		var rule string
		var n int
		if err := rows.Scan(&synthetic, &rule, &n); err != nil {
			t.Fatal(err)
		}
		where := map[bool]string{true: "data/sample", false: "corpus"}[synthetic]
		t.Logf("%s %s %d", where, rule, n)
		if slices.Contains(quiet, rule) {
			t.Errorf("%s: %d findings of %s, none made", where, n, rule)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
