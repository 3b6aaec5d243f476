package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// A backup is a folder holding SnapshotFile, a copy of the database made
// by ATTACH + COPY FROM DATABASE under the write lock, and ManifestFile
// describing it. Measured on the sample (132 reports, 9.7 MB) and on a
// copy grown to 4 122 reports (16 MB) by scripts/bigdb: CHECKPOINT + file
// copy 33 ms / 25 ms, EXPORT DATABASE to Parquet 98 / 259 ms, COPY FROM
// DATABASE 403 / 595 ms (docs/reliability.md). The file copy is not
// usable in the process holding the database: closing any descriptor of
// the file drops the process's POSIX lock on it (DuckDB's), and another
// process could then open it beside the server. EXPORT needs an import
// to restore; COPY FROM DATABASE makes a database restored by renaming.
const (
	SnapshotFile = "nianbao.duckdb"
	ManifestFile = "manifest.json"
)

// Manifest describes a backup.
type Manifest struct {
	Created       time.Time        `json:"created"`
	Source        string           `json:"source"`
	Method        string           `json:"method"`
	File          string           `json:"file"`
	Bytes         int64            `json:"bytes"`
	SHA256        string           `json:"sha256"`
	SchemaVersion int              `json:"schema_version"`
	Counts        map[string]int64 `json:"counts"`
}

// Backup writes a consistent snapshot of the database into dir (created;
// it must not hold a backup already). Writers wait while the file is
// copied; readers go on. The snapshot's counts are read back from the copy
// and must equal the database's, or the backup fails.
func (s *Store) Backup(ctx context.Context, dir string) (*Manifest, error) {
	if s.path == "" {
		return nil, errors.New("内存数据库没有文件可备份 (an in-memory database has no file to back up)")
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err == nil {
		return nil, fmt.Errorf("备份目录 %s 已有一份备份，请换一个目录 (%s already holds a backup)", dir, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("backup into %s: %w", dir, err)
	}
	m := &Manifest{Created: time.Now().UTC(), Source: s.path, Method: "copy from database", File: SnapshotFile}
	tmp := filepath.Join(dir, SnapshotFile+".part")
	removeDB(tmp)
	err := func() error {
		s.write.Lock()
		defer s.write.Unlock()
		var err error
		if m.Counts, err = s.Counts(ctx); err != nil {
			return err
		}
		if err := s.db.QueryRowContext(ctx, sqlSchemaVersion).Scan(&m.SchemaVersion); err != nil {
			return err
		}
		return s.copyDatabase(ctx, tmp)
	}()
	if err == nil {
		m.Bytes, m.SHA256, err = fileSum(tmp)
	}
	if err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("backup %s into %s: %w", s.path, dir, err)
	}
	got, err := snapshotCounts(ctx, tmp)
	if err == nil && !maps.Equal(got, m.Counts) {
		err = fmt.Errorf("the copy holds %v, the database %v", got, m.Counts)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("backup %s into %s: the copy does not read back: %w", s.path, dir, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, SnapshotFile)); err != nil {
		return nil, err
	}
	// The manifest is written last: a folder without one is no backup.
	if err := writeManifest(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

const (
	sqlSchemaVersion = `SELECT coalesce(max(version), 0) FROM schema_migrations`
	sqlDatabaseName  = `SELECT current_database()`
	// ATTACH takes no parameters: the path is a temporary file this
	// package names, quoted by sqlString; the database name by sqlIdent.
	sqlAttachBackup = `ATTACH %s AS nianbao_backup`
	sqlCopyDatabase = `COPY FROM DATABASE %s TO nianbao_backup`
	sqlDetachBackup = `DETACH nianbao_backup`
)

// copyDatabase copies the whole database (tables, sequences at their
// values, the view) into a new file at dst, in one statement and so one
// snapshot. Callers hold s.write.
func (s *Store) copyDatabase(ctx context.Context, dst string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var name string
	if err := conn.QueryRowContext(ctx, sqlDatabaseName).Scan(&name); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(sqlAttachBackup, sqlString(dst))); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf(sqlCopyDatabase, sqlIdent(name)))
	// DETACH checkpoints the copy and closes it.
	if _, derr := conn.ExecContext(context.Background(), sqlDetachBackup); err == nil {
		err = derr
	}
	return err
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func sqlIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// snapshotCounts opens a copied database file read-only and counts it.
func snapshotCounts(ctx context.Context, path string) (map[string]int64, error) {
	connector, err := duckdb.NewConnector(path+"?access_mode=read_only", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	return countRows(ctx, db)
}

// copyFile copies src to dst, synced. src must not be a database this
// process holds open (see Backup).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// fileSum is the size and sha256 of a file. Never call it on the open
// database's own file (see Backup).
func fileSum(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// fileSHA256 is the sha256 of a file.
func fileSHA256(path string) (string, error) {
	_, sum, err := fileSum(path)
	return sum, err
}

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ManifestFile+".part")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, ManifestFile))
}

// ReadBackup reads a backup folder's manifest and checks the snapshot
// against its size and sha256.
func ReadBackup(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("%s 不是完整的备份（没有 %s）: %w", dir, ManifestFile, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("备份 %s 的 %s 无法读取: %w", dir, ManifestFile, err)
	}
	if m.File == "" || filepath.Base(m.File) != m.File {
		return nil, fmt.Errorf("备份 %s 的清单指向的文件名 %q 无效", dir, m.File)
	}
	sum, err := fileSHA256(filepath.Join(dir, m.File))
	if err != nil {
		return nil, fmt.Errorf("备份 %s: %w", dir, err)
	}
	if sum != m.SHA256 {
		return nil, fmt.Errorf("备份 %s 的快照 %s 已损坏：sha256 为 %s，清单记录的是 %s", dir, m.File, sum, m.SHA256)
	}
	return &m, nil
}

// Restored says what RestoreBackup did.
type Restored struct {
	Manifest *Manifest
	Counts   map[string]int64
	// Aside is where the database that was at the path went ("" if none).
	Aside string
}

// RestoreBackup puts the backup in dir at path. An existing file is
// replaced only with force, and then kept beside it as
// path.before-restore-YYYYMMDD-HHMMSS (its .wal too). The snapshot is
// first copied to a temporary file, opened (a snapshot of an older schema
// is migrated), counted against the manifest and checked whole; the file
// at path is touched only once all of that passed.
func RestoreBackup(ctx context.Context, dir, path string, force bool) (*Restored, error) {
	m, err := ReadBackup(dir)
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	exists := statErr == nil
	if exists && !force {
		return nil, fmt.Errorf("%s 已存在，没有覆盖。确要用备份替换它，请加 --force（原文件会改名保留）(%s exists; add --force to replace it, the old file is kept aside)", path, path)
	}
	if exists {
		if err := notHeld(path); err != nil {
			return nil, err
		}
	}
	tmp := fmt.Sprintf("%s.restoring-%d", path, os.Getpid())
	removeDB(tmp)
	if err := copyFile(filepath.Join(dir, m.File), tmp); err != nil {
		return nil, fmt.Errorf("restore %s: %w", path, err)
	}
	counts, err := verifyRestored(ctx, tmp, m)
	if err != nil {
		removeDB(tmp)
		return nil, err
	}
	r := &Restored{Manifest: m, Counts: counts}
	if exists {
		r.Aside = path + ".before-restore-" + time.Now().Format("20060102-150405")
		if err := os.Rename(path, r.Aside); err != nil {
			removeDB(tmp)
			return nil, fmt.Errorf("restore %s: keep the old file aside: %w", path, err)
		}
		if _, err := os.Stat(path + ".wal"); err == nil {
			if err := os.Rename(path+".wal", r.Aside+".wal"); err != nil {
				return nil, fmt.Errorf("restore %s: keep the old .wal aside: %w", path, err)
			}
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("restore %s: %w", path, err)
	}
	return r, nil
}

// verifyRestored opens the restored copy, compares its counts with the
// manifest's and checks it holds whole reports.
func verifyRestored(ctx context.Context, path string, m *Manifest) (map[string]int64, error) {
	st, err := Open(path)
	if err != nil {
		return nil, fmt.Errorf("恢复出的数据库无法打开: %w", err)
	}
	defer st.Close()
	counts, err := st.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range countedTables {
		if want, ok := m.Counts[t]; ok && counts[t] != want {
			return nil, fmt.Errorf("恢复出的数据库与备份清单不符：%s 有 %d 行，清单记录 %d 行", t, counts[t], want)
		}
	}
	problems, err := st.CheckIntegrity(ctx)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("恢复出的数据库不完整：%s", strings.Join(problems, "；"))
	}
	return counts, nil
}

// notHeld refuses a file another process holds: renaming it under a
// running server would lose what it writes next.
func notHeld(path string) error {
	connector, err := duckdb.NewConnector(path, nil)
	if err == nil {
		db := sql.OpenDB(connector)
		err = db.Ping()
		db.Close()
	}
	if err != nil {
		if err := friendly(path, err); errors.Is(err, ErrLocked) {
			return err
		}
	}
	return nil
}

// Recovered says what Recover kept and what it could not.
type Recovered struct {
	Out    string
	Counts map[string]int64
	// WAL is the log left beside the original, untouched; WALBytes its size.
	WAL      string
	WALBytes int64
	// WALFiles are the report files named in the log (see walFileNames);
	// Lost those of them no report or version of Out comes from.
	WALFiles, Lost []string
	// Problems are CheckIntegrity's findings on Out (none expected).
	Problems []string
}

// Recover copies the database at path without its write-ahead log into a
// new file out, opens it (migrating it if the lost log held a migration)
// and says what it holds. path and path.wal are only read.
func Recover(ctx context.Context, path, out string) (*Recovered, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("recover %s: %w", path, err)
	}
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("%s 已存在，请用 --out 指定一个新文件 (%s exists)", out, out)
	}
	r := &Recovered{Out: out, WAL: path + ".wal"}
	if fi, err := os.Stat(r.WAL); err == nil {
		r.WALBytes = fi.Size()
	}
	tmp := fmt.Sprintf("%s.tmp-%d", out, os.Getpid())
	removeDB(tmp)
	if err := copyFile(path, tmp); err != nil {
		return nil, fmt.Errorf("recover %s: %w", path, err)
	}
	st, err := Open(tmp)
	if err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("主文件 %s 本身（不含 .wal）也无法打开，无法恢复: %w", path, err)
	}
	kept, err := r.inspect(ctx, st)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("recover %s: %w", path, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("recover %s: %w", path, err)
	}
	if r.WALBytes > 0 {
		names, err := walFileNames(r.WAL)
		if err != nil {
			return r, fmt.Errorf("recovered into %s, but the log %s could not be read: %w", out, r.WAL, err)
		}
		r.WALFiles = names
		for _, n := range names {
			if !kept[n] {
				r.Lost = append(r.Lost, n)
			}
		}
	}
	return r, nil
}

const sqlSourceFiles = `SELECT source_file FROM reports UNION SELECT source_file FROM report_versions`

// inspect counts the recovered database and returns the files its reports
// and versions come from.
func (r *Recovered) inspect(ctx context.Context, st *Store) (map[string]bool, error) {
	var err error
	if r.Counts, err = st.Counts(ctx); err != nil {
		return nil, err
	}
	if r.Problems, err = st.CheckIntegrity(ctx); err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	err = scanStrings(ctx, st.db, sqlSourceFiles, func(v []string) { kept[v[0]] = true })
	return kept, err
}

// reportExts end the names of the files reports are read from.
var reportExts = []string{".txt", ".pdf", ".docx", ".doc", ".html", ".htm", ".xlsx", ".xls", ".csv", ".json"}

// walFileNames reads the names of report files out of a write-ahead log
// without DuckDB, which cannot replay it: a text value is stored as its
// length (a varint) and its bytes, so every length-prefixed run of printable
// UTF-8 ending in a report file's extension is taken. It is a byte scan,
// not a reading of the log's records: it finds the source_file values of
// the rows the log holds (reports, versions, history), and may miss a name
// split across a compressed or oddly laid out vector.
func walFileNames(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for i := 0; i < len(b); i++ {
		n, w := int(b[i]), 1
		if n&0x80 != 0 && i+1 < len(b) && b[i+1]&0x80 == 0 {
			n, w = n&0x7f|int(b[i+1])<<7, 2
		}
		if n < 5 || n > 1024 || i+w+n > len(b) {
			continue
		}
		s := b[i+w : i+w+n]
		if !hasReportExt(s) || !utf8.Valid(s) || !printable(s) {
			continue
		}
		found[string(s)] = true
	}
	return slices.Sorted(maps.Keys(found)), nil
}

func hasReportExt(s []byte) bool {
	for _, e := range reportExts {
		if len(s) > len(e) && strings.EqualFold(string(s[len(s)-len(e):]), e) {
			return true
		}
	}
	return false
}

func printable(s []byte) bool {
	for _, r := range string(s) {
		if !unicode.IsPrint(r) || r == '/' || r == '\\' {
			return false
		}
	}
	return true
}
