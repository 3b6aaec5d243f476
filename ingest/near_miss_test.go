package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/report"
	"nianbao/store"
)

// TestNearMissStaysUnmapped: a report whose county is printed one character
// off a registry county (沐阳县 for 沭阳县) is not placed in the registry's
// town silently: the reader's finding proposes the registry name, and the
// agency stays 待映射 with the proposal as its reason.
func TestNearMissStaysUnmapped(t *testing.T) {
	ctx := context.Background()
	seed, err := os.ReadFile(filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("劳动镇", "钱集镇", "乐至县", "沐阳县").Replace(string(seed))
	text = "沐阳县钱集镇人民政府2022年政府信息公开工作年度报告\n" + text
	dir := t.TempDir()
	path := filepath.Join(dir, "qianji-2022.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	reports, err := ingest.ParseFile(path, ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Agency != "钱集镇" || reports[0].County != "沐阳县" {
		t.Fatalf("read %+v", reports)
	}
	proposed := false
	for _, f := range reports[0].Findings {
		proposed = proposed || f.Rule == report.RuleAgencyNearMiss && strings.Contains(f.Message, "「沭阳县钱集镇」")
	}
	if !proposed {
		t.Errorf("no finding proposes 沭阳县钱集镇: %+v", reports[0].Findings)
	}

	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := ingest.IngestPaths(ctx, st, []string{dir}, ingest.Meta{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 1 || len(sum.Unregistered) != 1 {
		t.Fatalf("stored %d, 待映射 %v", sum.Stored, sum.Unregistered)
	}
	ags, err := st.Agencies(ctx, store.AgencyFilter{Unregistered: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ags) != 1 || ags[0].Registered || !strings.Contains(ags[0].Reason, "「沭阳县钱集镇」相差一字") {
		t.Fatalf("unregistered agencies %+v, want 钱集镇 with the proposal as its reason", ags)
	}
}
