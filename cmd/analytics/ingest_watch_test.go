package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestStatsAndProfiles: --stats prints its lines while the ingest
// runs (the last one in the steps after the batches or the batches), and
// --cpuprofile, --memprofile and --trace each leave a file; DuckDB's own
// memory is read into the lines (not its failure note); a memory
// limit DuckDB would not read stops the command before the database opens.
func TestIngestStatsAndProfiles(t *testing.T) {
	dir := t.TempDir()
	prof := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		name     string
		args     []string
		code     int
		stderr   string   // a line stderr must hold
		files    []string // must exist, not empty
		noDBFile bool
	}{
		{name: "stats and profiles",
			args:   []string{"--stats", "20ms", "--cpuprofile", prof("cpu"), "--memprofile", prof("heap"), "--trace", prof("trace")},
			stderr: "导入进度", files: []string{prof("cpu"), prof("heap"), prof("trace")}},
		{name: "memory limit", args: []string{"--memory-limit", "512MB"}},
		{name: "bad memory limit", args: []string{"--memory-limit", "很多"}, code: 2, stderr: "内存上限", noDBFile: true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(dir, "db", c.name+".duckdb")
			args := append([]string{"ingest", "--db", db}, c.args...)
			args = append(args, "../../data/sample/乐至县")
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != c.code {
				t.Fatalf("case %d: exit %d, want %d\n%s", i, code, c.code, errb.String())
			}
			if c.stderr != "" && !strings.Contains(errb.String(), c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, errb.String())
			}
			if c.stderr == "导入进度" && (!strings.Contains(errb.String(), " MB DuckDB ") || strings.Contains(errb.String(), "DuckDB 内存未读出")) {
				t.Errorf("the lines lack DuckDB's memory:\n%s", errb.String())
			}
			for _, f := range c.files {
				if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
					t.Errorf("%s: %v (want a profile written)", f, err)
				}
			}
			if _, err := os.Stat(db); c.noDBFile == (err == nil) {
				t.Errorf("database file %s: %v (want it made: %v)", db, err, !c.noDBFile)
			}
		})
	}
}
