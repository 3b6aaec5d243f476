package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTemplateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"template", "--xlsx", out, "--edition", "2021"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	// 4 meta columns, 10 table-2 cells, 25 table-3 rows × 7, 15 table-4 cells.
	if len(rows) != 1 || len(rows[0]) != 4+10+25*7+15 || rows[0][0] != "机关" {
		t.Fatalf("header: %d rows, %d columns, first %q", len(rows), len(rows[0]), rows[0][0])
	}
	if code := run([]string{"template", "--xlsx", out}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "--force") {
		t.Errorf("overwrite without --force: exit %d, stderr %q", code, stderr.String())
	}
	if code := run([]string{"template", "--xlsx", out, "--edition", "2020", "--force"}, &stdout, &stderr); code != 2 {
		t.Errorf("bad edition: exit %d", code)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}
