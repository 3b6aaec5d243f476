package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/store"
)

// TestCorrectRefusesWhatTheAPIRefuses: the command line takes the same
// validation as PUT /api/v1/reports/{id}/cells/{code} (package change), so
// −5 and 3.5 for a count are refused with the API's sentences, and a valid
// value is stored.
func TestCorrectRefusesWhatTheAPIRefuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.duckdb")
	var out, errb bytes.Buffer
	if code := run([]string{"ingest", "--db", db, "../../data/sample"}, &out, &errb); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errb.String())
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = st.DB().QueryRowContext(context.Background(), `SELECT id::VARCHAR FROM reports WHERE edition = '2021' ORDER BY id LIMIT 1`).Scan(&id)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		value string
		code  int
		want  string
	}{
		{"-5", 1, "更正值不能为负数，收到 -5"},
		{"3.5", 1, "单元格 t3.new.total 是件数，应为非负整数，收到 3.5"},
		{"0x10", 1, "更正值应为数字，收到 0x10"},
		{"9007199254740993", 1, "2^53"},
		{"12", 0, "更正值 12"},
	} {
		out.Reset()
		errb.Reset()
		code := run([]string{"correct", "--db", db, "--reason", "原表笔误", "--author", "测试", "--", id, "t3.new.total", tc.value}, &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("correct %s: exit %d, out %q, err %q; want exit %d with %q", tc.value, code, out.String(), errb.String(), tc.code, tc.want)
		}
	}
}
