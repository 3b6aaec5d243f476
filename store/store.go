// Package store keeps reports in a DuckDB file: numbered migrations applied
// at open, one writer at a time, and a plain sentence when another process
// holds the file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/registry"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a report does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked is returned when another process holds the database file.
var ErrLocked = errors.New("database file is in use by another process")

// Store is an open Nianbao database.
type Store struct {
	db   *sql.DB
	path string
	// write serialises writers: DuckDB allows one writing transaction to
	// commit at a time and reports conflicts rather than waiting.
	write sync.Mutex
	// onChange is called after every committed write (cache invalidation).
	onChange []func()
	// registryLoaded: the agencies table holds the GB/T 2260 places (a
	// read-only snapshot is taken as it is).
	registryLoaded bool
	readOnly       bool
	// reg is the registry with this database's units, built on demand.
	regMu sync.Mutex
	reg   *registry.Registry
	// merged holds the ids of agencies merged into another, loaded on
	// demand and forgotten with reg, so resolving an agency asks the
	// database only for those (ingest resolves every report it reads).
	merged map[string]bool
	// serverSheet is the score sheet the process was started with
	// (sheets.go).
	serverSheet atomic.Pointer[ServerSheet]
}

// Open opens (creating if needed) the database at path and applies any
// pending migrations. An empty path opens an in-memory database.
func Open(path string) (*Store, error) {
	if path != "" {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open database %s: %w", path, err)
			}
		}
	}
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, friendly(path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, friendly(path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, friendly(path, err)
	}
	if err := s.backfillAgencies(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: place reports in the registry: %w", path, err)
	}
	if err := s.fillFigures(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: fill report figures: %w", path, err)
	}
	return s, nil
}

// friendly turns DuckDB's lock error into a sentence a clerk can act on.
func friendly(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		return fmt.Errorf("%w: %s is held by another Nianbao process (probably `analytics serve`); stop it, or send the reports to the running server with POST /api/v1/reports (数据库文件正被另一个进程占用)", ErrLocked, path)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// DB gives read access to the database for the query package.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// OnChange registers a function called after every committed write.
func (s *Store) OnChange(f func()) { s.onChange = append(s.onChange, f) }

func (s *Store) changed() {
	for _, f := range s.onChange {
		f()
	}
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, num).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, num); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}
