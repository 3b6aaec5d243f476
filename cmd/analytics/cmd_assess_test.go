package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssessCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.duckdb")
	var out, errb bytes.Buffer
	if code := run([]string{"ingest", "--db", db, "../../data/sample"}, &out, &errb); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"assess", "--db", db, "--recheck"}, &out, &errb); code != 0 {
		t.Fatalf("assess exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"示范县  2024", "样例县  2019", "timely_late", "copy_peer", "得分分布"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "sheet.json")
	os.WriteFile(bad, []byte(`{"base": 100, "deductions": {"no_such_rule": 1}, "ratings": [{"min": 0, "code": "red"}]}`), 0o644)
	errb.Reset()
	if code := run([]string{"assess", "--db", db, "--sheet", bad}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "未知规则") {
		t.Errorf("a sheet naming an unknown rule: exit %d, %s", code, errb.String())
	}
}
