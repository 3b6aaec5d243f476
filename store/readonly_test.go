package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// A snapshot opens read-only when it has every migration of this build, and
// is refused with a sentence saying what to do when it comes from an older
// one (its statistics would otherwise fail on a missing table).
func TestOpenReadOnlyNeedsCurrentSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.duckdb")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("current snapshot: %v", err)
	}
	ro.Close()

	latest, err := latestMigration()
	if err != nil || latest == 0 {
		t.Fatalf("latest migration %d: %v", latest, err)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM schema_migrations WHERE version = ?`, latest); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = OpenReadOnly(path)
	if err == nil || !strings.Contains(err.Error(), "较早的版本") || !strings.Contains(err.Error(), path) {
		t.Fatalf("older snapshot: err = %v, want a sentence naming the file and the way out", err)
	}
}
