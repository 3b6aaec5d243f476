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
	for _, want := range []string{"乐至县  2024", "雁江区  2022", "timely_late", "copy_peer", "得分分布"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "sheet.yaml")
	os.WriteFile(bad, []byte("name: 坏表\nbase: 100\ndeductions:\n  no_such_rule: 1\n"), 0o644)
	errb.Reset()
	if code := run([]string{"assess", "--db", db, "--sheet", bad}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "sheet.yaml 第4行第3列：deductions 中的 no_such_rule 不是规则代码") {
		t.Errorf("a sheet naming an unknown rule: exit %d, %s", code, errb.String())
	}
	// The same strict sheet in YAML and JSON scores alike, and not as
	// the default does.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "s.yaml"), []byte("name: 严\nmax_per_rule: 40\ndeductions: {timely_late: 40, copy_peer: 40}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "s.json"), []byte(`{"name": "严", "max_per_rule": 40, "deductions": {"timely_late": 40, "copy_peer": 40}}`), 0o644)
	scores := map[string]string{}
	for _, sheet := range []string{"", "s.yaml", "s.json"} {
		args := []string{"assess", "--db", db, "--county", "乐至县", "--year", "2023"}
		if sheet != "" {
			args = append(args, "--sheet", filepath.Join(dir, sheet))
		}
		out.Reset()
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("assess %v: exit %d: %s", args, code, errb.String())
		}
		scores[sheet] = strings.SplitN(out.String(), "\n", 3)[1]
	}
	if scores["s.yaml"] != scores["s.json"] || scores["s.yaml"] == scores[""] {
		t.Errorf("乐至县 2023 by the default, YAML and JSON sheets:\n%q", scores)
	}
}
