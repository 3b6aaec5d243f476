package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
	source, err := dsn(path, "access_mode=read_only")
	if err != nil {
		return nil, fmt.Errorf("open snapshot %s: %w", path, err)
	}
	connector, err := duckdb.NewConnector(source, nil)
	if err != nil {
		return nil, friendly(path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, friendly(path, err)
	}
	s := &Store{db: db, path: path, readOnly: true, registryLoaded: true}
	var have sql.NullInt64
	if err := db.QueryRowContext(context.Background(), `SELECT max(version) FROM schema_migrations`).Scan(&have); err != nil {
		db.Close()
		return nil, fmt.Errorf("open snapshot %s: not a Nianbao database: %w", path, err)
	}
	// A snapshot of an older build lacks tables this one reads (such as
	// report_figures): every statistic would fail with DuckDB's error, so
	// say so once, at the start, with the way out.
	if want, err := latestMigration(); err != nil {
		db.Close()
		return nil, err
	} else if int(have.Int64) < want {
		db.Close()
		return nil, fmt.Errorf("快照 %s 来自较早的版本（数据库结构第 %d 号，本程序需要第 %d 号）：请先用本程序以可写方式打开主库一次（例如 analytics serve --db 主库），再复制快照", path, have.Int64, want)
	}
	return s, nil
}

// latestMigration is the number of the newest embedded migration.
func latestMigration() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, name := range names {
		num, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migration %s: name must start with a number", name)
		}
		latest = max(latest, num)
	}
	return latest, nil
}

// ReadOnly tells whether the store was opened as a read-only snapshot.
func (s *Store) ReadOnly() bool { return s.readOnly }
