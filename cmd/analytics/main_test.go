package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/internal/corpus"
	"nianbao/store"
)

func TestParseCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"parse", "testdata/broken.txt", "testdata/corrupt.docx"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one file unreadable); stderr %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), out.String())
	}
	var r parsed
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r.Agency != "青石镇" || r.County != "示范县" || r.Year != 2022 {
		t.Errorf("meta %q %q %d", r.Agency, r.County, r.Year)
	}
	if r.Cells["t3.new.total"] != 4 || r.Cells["t3.total.total"] != 4 || r.Cells["t4.reconsideration.total"] != 2 {
		t.Errorf("cells %v", r.Cells)
	}
	if _, ok := r.Cells["t3.denied.state_secret.total"]; ok {
		t.Error("a row absent from the source was given a value")
	}
	rules := map[string]bool{}
	for _, f := range r.Findings {
		rules[f.Rule] = true
		// The total of the （七）总计 row stands on line 10 of the file.
		if f.Rule == "rule3_applicants" && !strings.Contains(f.Message, "（原文第10行）") {
			t.Errorf("finding does not cite its place: %s", f.Message)
		}
	}
	for _, want := range []string{"rule3_applicants", "rule4_review", "rule6_narrative", "rule1_balance"} {
		if !rules[want] {
			t.Errorf("finding %s missing: %+v", want, r.Findings)
		}
	}
	var bad unreadable
	json.Unmarshal([]byte(lines[1]), &bad)
	if bad.Error == "" || !strings.Contains(errOut.String(), "corrupt.docx") {
		t.Errorf("unreadable file: object %+v, stderr %q", bad, errOut.String())
	}
}

func TestParseFlagsOverride(t *testing.T) {
	var out bytes.Buffer
	run([]string{"parse", "testdata/broken.txt", "--agency", "某镇", "--county", "某县", "--year", "2021"}, &out, &bytes.Buffer{})
	var r parsed
	json.Unmarshal(out.Bytes(), &r)
	if r.Agency != "某镇" || r.County != "某县" || r.Year != 2021 {
		t.Errorf("flags not applied: %+v", r)
	}
}

func TestValidateExitCodes(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"validate", "testdata/broken.txt"}, &out, &bytes.Buffer{}); code != validateFindings {
		t.Errorf("validate on a broken report: exit %d, want %d", code, validateFindings)
	}
	for _, want := range []string{"规则3", "错误", "（七）总计"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("validate output lacks %q:\n%s", want, out.String())
		}
	}
	seed := filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt")
	out.Reset()
	if code := run([]string{"validate", seed}, &out, &bytes.Buffer{}); code != 0 {
		t.Errorf("validate on the seed: exit %d, want 0\n%s", code, out.String())
	}
}

func TestIngestTwiceKeepsOneCopy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.duckdb")
	for i := 0; i < 2; i++ {
		var out, errOut bytes.Buffer
		code := run([]string{"ingest", "--db", db, "testdata/broken.txt", "testdata/corrupt.docx"}, &out, &errOut)
		if code != 1 {
			t.Fatalf("run %d: exit %d, want 1 (one file failed)", i, code)
		}
		// Issue 10: the same document read the same way again is no new
		// version; the summary says it is unchanged.
		want := "入库 stored 1"
		if i == 1 {
			want = "未变 unchanged 1"
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "失败 failed 1") {
			t.Fatalf("run %d summary:\n%s", i, out.String())
		}
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var reports, versions, findings int
	st.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&reports)
	st.DB().QueryRow(`SELECT count(*) FROM report_versions`).Scan(&versions)
	st.DB().QueryRow(`SELECT count(*) FROM findings`).Scan(&findings)
	if reports != 1 || versions != 1 || findings == 0 {
		t.Errorf("reports %d, versions %d, findings %d; want 1, 1, >0", reports, versions, findings)
	}
}

func TestCorrectAndAuditCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.duckdb")
	run([]string{"ingest", "--db", db, "testdata/broken.txt"}, &bytes.Buffer{}, &bytes.Buffer{})
	var out, errOut bytes.Buffer
	if code := run([]string{"correct", "--db", db, "1", "t3.total.total", "3"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "reason") {
		t.Fatalf("correction without reason: exit %d, %s", code, errOut.String())
	}
	errOut.Reset()
	code := run([]string{"correct", "--db", db, "--reason", "总计笔误", "--author", "张三", "1", "t3.total.total", "3"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "解析值 4 → 更正值 3") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"audit", "--db", db}, &out, &errOut); code != 0 {
		t.Fatalf("audit exit %d", code)
	}
	for _, want := range []string{"张三", "更正", "t3.total.total", "总计笔误"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("audit lacks %q:\n%s", want, out.String())
		}
	}
}
