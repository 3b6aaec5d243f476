package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"nianbao/store"
)

func TestPruneBackups(t *testing.T) {
	cases := []struct {
		name string
		dirs []string
		keep int
		want []string
	}{
		{"keeps the newest", []string{"20261201-000000", "20261203-000000", "20261202-000000"}, 2, []string{"20261202-000000", "20261203-000000"}},
		{"fewer than kept", []string{"20261201-000000"}, 7, []string{"20261201-000000"}},
		{"other folders are never removed", []string{"mine", "20261201-000000", "20261202-000000"}, 1, []string{"20261202-000000", "mine"}},
		{"keep 0 still keeps one", []string{"20261201-000000", "20261202-000000"}, 0, []string{"20261202-000000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range tc.dirs {
				os.Mkdir(filepath.Join(dir, d), 0o755)
			}
			if err := pruneBackups(dir, tc.keep); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("left %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBackupEvery: serve's periodic backups are whole (their manifest
// reads back) and only the newest are kept.
func TestBackupEvery(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := filepath.Join(t.TempDir(), "backups")
	ctx, cancel := context.WithTimeout(context.Background(), 3500*time.Millisecond)
	defer cancel()
	backupEvery(ctx, st, dir, time.Second, 2, slog.New(slog.DiscardHandler))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d backups kept, want 2", len(entries))
	}
	for _, e := range entries {
		if _, err := store.ReadBackup(filepath.Join(dir, e.Name())); err != nil {
			t.Error(err)
		}
	}
}
