package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// duckdbShows is how DuckDB itself shows memory_limit once set to v, in a
// database of its own: the oracle the store's setting is compared with.
func duckdbShows(t *testing.T, v string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("SET memory_limit = '" + v + "'"); err != nil { // v: the test's own constants
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestMemoryLimitApplied: a database opened for writing and a snapshot
// opened read-only both run under the memory_limit the process set — the
// default, the environment's, SetMemoryLimit's — and a value DuckDB would
// not read is refused with a sentence before anything opens.
func TestMemoryLimitApplied(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, env, set, want string
		badEnv, badSet       bool
	}{
		{name: "default", want: DefaultMemoryLimit},
		{name: "environment", env: "512MB", want: "512MB"},
		{name: "flag over environment", env: "512MB", set: "2GB", want: "2GB"},
		{name: "binary units", set: "768MiB", want: "768MiB"},
		{name: "bad environment", env: "lots", badEnv: true},
		{name: "bad flag", set: "1 bucket", badSet: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(MemoryLimitEnv, c.env)
			err := SetMemoryLimit(c.set)
			t.Cleanup(func() { SetMemoryLimit("") })
			if c.badSet {
				if err == nil || !strings.Contains(err.Error(), "内存上限") {
					t.Fatalf("SetMemoryLimit(%q) = %v, want a sentence refusing it", c.set, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.duckdb")
			s, err := Open(path)
			if c.badEnv {
				if err == nil || !strings.Contains(err.Error(), MemoryLimitEnv) {
					if s != nil {
						s.Close()
					}
					t.Fatalf("Open with %s=%q: %v, want a sentence naming the variable", MemoryLimitEnv, c.env, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := duckdbShows(t, c.want)
			var got string
			if err := s.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("memory_limit of the database: %q, want %q (%s)", got, want, c.want)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			ro, err := OpenReadOnly(path)
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			if err := ro.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("memory_limit of the snapshot: %q, want %q", got, want)
			}
		})
	}
}

// TestMemoryLimitSet: a command may choose its own default (analytics
// ingest: IngestMemoryLimit) only when neither the environment nor
// SetMemoryLimit gave one.
func TestMemoryLimitSet(t *testing.T) {
	for _, c := range []struct {
		name, env, set string
		want           bool
	}{
		{name: "nothing", want: false},
		{name: "blank environment", env: "  ", want: false},
		{name: "environment", env: "512MB", want: true},
		{name: "flag", set: "2GB", want: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(MemoryLimitEnv, c.env)
			if err := SetMemoryLimit(c.set); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { SetMemoryLimit("") })
			if got := MemoryLimitSet(); got != c.want {
				t.Errorf("MemoryLimitSet() = %v, want %v", got, c.want)
			}
		})
	}
}
