package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseNeighbours: --neighbours hands the reader last year's report;
// its 现行有效 settles this year's glued table 2, and --trace says so.
func TestParseNeighbours(t *testing.T) {
	last := filepath.Join(t.TempDir(), "2021.txt")
	if err := os.WriteFile(last, []byte("某镇2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n"+
		"信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 1 | 1 | 7 |\n行政规范性文件 | 3 | 2 | 229 |\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	this := "../../parse/testdata/glued-t2-last-year.txt"
	for _, tc := range []struct {
		args []string
		read bool
	}{
		{[]string{"parse", "--trace", this}, false},
		{[]string{"parse", "--trace", "--neighbours", last, this}, true},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut.String())
		}
		var r parsed
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got, ok := r.Cells["t2.normative_docs.in_force"]
		if ok != tc.read || (ok && got != 231) {
			t.Errorf("%v: in_force %v (read %v), want read %v", tc.args, got, ok, tc.read)
		}
		if named := strings.Contains(r.Trace, "t2.normative_docs.in_force＝231：由上年（2021年）"); named != tc.read {
			t.Errorf("%v: trace names last year: %v, want %v\n%s", tc.args, named, tc.read, r.Trace)
		}
	}
	var errOut bytes.Buffer
	if code := run([]string{"parse", "--neighbours", "nosuch.txt", this}, &bytes.Buffer{}, &errOut); code != 1 || !strings.Contains(errOut.String(), "nosuch.txt") {
		t.Errorf("a neighbour file that cannot be read: exit %d, stderr %q", code, errOut.String())
	}
}
