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
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/registry"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a report does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked is returned when another process holds the database file.
var ErrLocked = errors.New("database file is in use by another process")

// ErrWAL is returned when DuckDB cannot replay the database's write-ahead
// log (FILE.wal) at open: the file is left as it is, and
// `analytics recover` copies what the main file holds into a new one.
var ErrWAL = errors.New("database write-ahead log cannot be replayed")

// Store is an open Nianbao database.
type Store struct {
	db   *sql.DB
	path string
	// write serialises writers: DuckDB allows one writing transaction to
	// commit at a time and reports conflicts rather than waiting.
	write sync.Mutex
	// bulk: a bulk load holds DuckDB's automatic checkpoints off (bulk.go);
	// guarded by write.
	bulk bool
	// onChange is called after every committed write (cache invalidation).
	onChange []func()
	// registryLoaded: the agencies table holds the GB/T 2260 places (a
	// read-only snapshot is taken as it is).
	registryLoaded bool
	readOnly       bool
	// creating: the file is a new database not yet named (see create).
	creating bool
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
	// threads: DuckDB on one thread around saves (threads.go).
	threads threadState
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
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if err := create(path); err != nil {
				return nil, err
			}
		}
	}
	s, err := openMigrated(path, false)
	if err != nil {
		return nil, err
	}
	db := s.db
	if err := s.backfillAgencies(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: place reports in the registry: %w", path, err)
	}
	if err := s.fillFigures(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: fill report figures: %w", path, err)
	}
	// What the two above wrote (registry rows, agency ids, figures) is not
	// left in the log; with nothing new DuckDB has nothing to write.
	if err := s.checkpoint(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openMigrated connects to path and applies the pending migrations, each
// followed by a CHECKPOINT unless creating: a file being created is only
// named once closed (which checkpoints it), so a kill loses nothing.
func openMigrated(path string, creating bool) (*Store, error) {
	source, err := dsn(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
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
	s := &Store{db: db, path: path, creating: creating}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, friendly(path, err)
	}
	return s, nil
}

// create makes a new database at path whole or not at all: the schema is
// built and checkpointed in a temporary file beside it, which then takes
// the name. DuckDB 1.5 cannot replay a write-ahead log holding the DDL of
// a database created in it (report_id_seq defaults, the view): a process
// killed before its first checkpoint left a file that never opened again.
func create(path string) error {
	removeStaleCreates(path)
	// A log without its database (the file deleted, its .wal not) would be
	// replayed into the new one: it is kept aside, untouched.
	if _, err := os.Stat(path + ".wal"); err == nil {
		aside := path + ".wal.orphan-" + time.Now().Format("20060102-150405")
		if err := os.Rename(path+".wal", aside); err != nil {
			return fmt.Errorf("create database %s: %w", path, err)
		}
		slog.Warn("a write-ahead log without its database was set aside", "db", path, "wal", aside)
	}
	tmp := fmt.Sprintf("%s.creating-%d", path, os.Getpid())
	removeDB(tmp)
	s, err := openMigrated(tmp, true)
	if err != nil {
		removeDB(tmp)
		return err
	}
	if err := s.Close(); err != nil {
		removeDB(tmp)
		return fmt.Errorf("create database %s: %w", path, err)
	}
	defer removeDB(tmp)
	// Link fails if another process created path meanwhile: its file wins.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("create database %s: %w", path, err)
		}
	}
	return nil
}

// removeStaleCreates removes the temporary files of creates killed midway:
// those whose process is gone.
func removeStaleCreates(path string) {
	stale, _ := filepath.Glob(path + ".creating-*")
	for _, f := range stale {
		pid, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(f, path+".creating-"), ".wal"))
		if err != nil || processAlive(pid) {
			continue
		}
		os.Remove(f)
	}
}

// processAlive tells whether a process of this id runs (signal 0 checks
// without sending anything).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

// removeDB removes a database file and its write-ahead log.
func removeDB(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
}

// checkpoint writes the write-ahead log into the database file, so no
// schema change and no first bulk load is left for a replay.
func (s *Store) checkpoint(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint %s: %w", s.path, err)
	}
	return nil
}

// friendly turns DuckDB's lock error into a sentence a clerk can act on,
// and a log it cannot replay into one naming the way out.
func friendly(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		return fmt.Errorf("%w: %s is held by another Nianbao process (probably `analytics serve`); stop it, or send the reports to the running server with POST /api/v1/reports (数据库文件正被另一个进程占用)", ErrLocked, path)
	}
	if strings.Contains(msg, "replaying WAL") {
		return &walError{path: path, detail: firstLine(msg)}
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// walError is ErrWAL with the file: a sentence in Chinese and English
// naming the way out, and DuckDB's own line for whoever digs further.
type walError struct{ path, detail string }

func (e *walError) Error() string {
	return fmt.Sprintf("数据库 %[1]s 的预写日志 %[1]s.wal 无法重放（上次写入时进程可能被强行终止），本程序没有改动这两个文件。请运行 analytics recover --db %[1]s：它把主文件中已保存的内容复制到一个新文件，并列出 .wal 中没能恢复的内容。"+
		"(The database %[1]s cannot replay its write-ahead log %[1]s.wal; both files were left untouched. Run `analytics recover --db %[1]s`.) DuckDB: %[2]s", e.path, e.detail)
}

func (e *walError) Is(target error) bool { return target == ErrWAL }

// firstLine is the first line of a message (DuckDB adds paragraphs of
// advice for its own developers after an internal error).
func firstLine(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

// DB gives read access to the database for the query package.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	s.write.Lock()
	s.endBulk(context.Background())
	s.write.Unlock()
	s.endOneThread()
	return s.db.Close()
}

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
		// No DDL is left in the write-ahead log (see create).
		if s.creating {
			continue
		}
		if err := s.checkpoint(ctx); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// errUnchanged, returned by a write's function, ends it without a commit
// and without telling the readers: nothing was written.
var errUnchanged = errors.New("nothing to write")

// afterWrite is what a committed write does beyond its transaction: the
// one place that decides whom a write tells, so no write forgets the
// readers' caches and none empties them for a change they do not hold.
type afterWrite int

const (
	// tellReaders: stored reports or what is computed from them changed;
	// the caches of answers (OnChange) are emptied.
	tellReaders afterWrite = iota
	// newRegistry: agencies or their aliases changed; the registry is
	// built again on its next use, then the readers are told. In this
	// order: a reader rebuilding it between would keep the old one.
	newRegistry
	// quietly: nothing a cached answer holds changed (people, sessions,
	// sign-in links), or the caller tells the readers after its other
	// steps (RefreshFigures is one step of change's after-a-write).
	quietly
)

// inWrite runs fn in one transaction under the write lock, commits when fn
// returns nil and then tells the readers. fn returning errUnchanged rolls
// back quietly and inWrite returns nil.
func (s *Store) inWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeTx(ctx, tellReaders, nil, fn)
}

// writeTx is every write's transaction: the write lock, before (if not
// nil) under the lock but outside the transaction, fn in one transaction,
// the commit, then what follows by then. before is for a write that needs
// its own committed first (ensureRegistry): a transaction begun earlier
// would not see it.
func (s *Store) writeTx(ctx context.Context, then afterWrite, before func(context.Context) error, fn func(tx *sql.Tx) error) error {
	s.write.Lock()
	defer s.write.Unlock()
	if before != nil {
		if err := before(ctx); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.after(then)
	return nil
}

// after does what follows a committed write, by then: every write ends
// here, whichever way it opened its transaction.
func (s *Store) after(then afterWrite) {
	switch then {
	case newRegistry:
		s.forgetRegistry()
		s.changed()
	case tellReaders:
		s.changed()
	}
}

// writeAppend is writeTx for a write whose rows go through DuckDB's
// Appender: the write lock, appendTx, then what follows by then.
func (s *Store) writeAppend(ctx context.Context, then afterWrite, repeats bool, fn func(conn *sql.Conn, w *writer) error) error {
	s.write.Lock()
	defer s.write.Unlock()
	return s.appendThen(ctx, then, repeats, fn)
}

// appendThen is writeAppend with the write lock already held.
func (s *Store) appendThen(ctx context.Context, then afterWrite, repeats bool, fn func(conn *sql.Conn, w *writer) error) error {
	if err := s.appendTx(ctx, repeats, fn); err != nil {
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	s.after(then)
	return nil
}

// appendTx is the one transaction of a write that appends: a connection
// of its own (an Appender belongs to one), BEGIN, fn with a writer on it,
// the writer closed (its rows reach the tables before the commit: an
// Appender's error shows only then), COMMIT. Any error rolls the whole
// back. It neither locks nor tells: its callers do (writeAppend), or
// their caller does (SaveWith, SaveBatch). repeats keeps the writer's
// statements prepared for the transaction (a write that runs the same
// ones for many documents or reports).
func (s *Store) appendTx(ctx context.Context, repeats bool, fn func(conn *sql.Conn, w *writer) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err = conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	w := newWriter(conn, repeats)
	defer func() {
		if err != nil {
			w.close()
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	if err = fn(conn, w); err != nil {
		return err
	}
	if err = w.close(); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}
