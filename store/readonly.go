package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/duckdb/duckdb-go/v2"
)

// OpenReadOnly opens a snapshot of a database (a copied file) for reading
// only, as a read-only replica serves it: no migration runs and nothing is
// written, so any number of processes may open copies of one snapshot.
// The snapshot must come from a database this version opened for writing.
func OpenReadOnly(path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open snapshot %s: %w", path, err)
	}
	connector, err := duckdb.NewConnector(path+"?access_mode=read_only", nil)
	if err != nil {
		return nil, friendly(path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, friendly(path, err)
	}
	s := &Store{db: db, path: path, readOnly: true, registryLoaded: true}
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("open snapshot %s: not a Nianbao database: %w", path, err)
	}
	return s, nil
}

// ReadOnly tells whether the store was opened as a read-only snapshot.
func (s *Store) ReadOnly() bool { return s.readOnly }
