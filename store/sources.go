package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

const (
	sqlKeepSource = `INSERT INTO source_documents (sha256, name, bytes, text, stored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	sqlGetSource  = `SELECT sha256, name, bytes, text, stored_at FROM source_documents WHERE sha256 = ?`
	sqlHasSource  = `SELECT count(*) FROM source_documents WHERE sha256 = ?`
	// sqlKeptAmong: which of a list of hashes are kept, in one query.
	sqlKeptAmong = `SELECT sha256 FROM source_documents WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))`
)

// SourceDocument is a stored document a report was read from.
type SourceDocument struct {
	SHA256   string
	Name     string
	Bytes    []byte
	Text     string
	StoredAt time.Time
}

// KeepSource stores a document's bytes and text under their sha256; a
// document already kept is left as it is (the same bytes, the same hash).
func (s *Store) KeepSource(ctx context.Context, name string, data []byte, text string) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	// Quietly: a kept document changes no answer until a report that
	// names it is saved, and that save tells the readers.
	err := s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, sqlKeepSource, hash, filepath.Base(name), data, text, time.Now().UTC())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
	}
	return hash, nil
}

// KeepSources stores many documents in one transaction (the bulk path:
// one commit per document cost analytics ingest more than the rest of
// storing a report). each is called with keep, which stores one document
// as KeepSource does and returns its hash; each's error rolls all back.
// The rows go through an Appender on the transaction's connection: an
// INSERT a document cost about 3.6 ms of a 30 KB file, the Appender a
// fraction of it (BenchmarkKeepSources). The Appender has no ON CONFLICT,
// so a hash kept before or earlier in the call is skipped here.
func (s *Store) KeepSources(ctx context.Context, each func(keep func(name string, data []byte, text string) (string, error)) error) error {
	return s.KeepSourcesOf(ctx, nil, func(_ map[string]bool, keep func(name string, data []byte, text string) (string, error)) error {
		return each(keep)
	})
}

// KeepSourcesOf is KeepSources for documents whose hashes the caller
// knows beforehand: which of them are kept already is asked in one query,
// inside the transaction, and handed to each (so their files need not be
// read again), and keep skips them without a query of its own. A hash
// not in hashes is looked up one by one, as by KeepSources. At 200 000
// reports the two lookups a document (the caller's and keep's) were a
// tenth of a second ingest's CPU (docs/benchmarks.md, "Ingest at
// national size").
func (s *Store) KeepSourcesOf(ctx context.Context, hashes []string, each func(kept map[string]bool, keep func(name string, data []byte, text string) (string, error)) error) error {
	return s.writeAppend(ctx, quietly, true, func(_ *sql.Conn, w *writer) error {
		return keepSources(ctx, w, hashes, each)
	})
}

// keepSources is KeepSourcesOf's work inside its transaction.
func keepSources(ctx context.Context, w *writer, hashes []string, each func(kept map[string]bool, keep func(name string, data []byte, text string) (string, error)) error) error {
	kept := make(map[string]bool, len(hashes))
	asked := make(map[string]bool, len(hashes))
	if len(hashes) > 0 {
		var h string
		if err := eachRow(ctx, w, sqlKeptAmong, []any{&h}, func() error {
			kept[h] = true
			return nil
		}, hashes); err != nil {
			return fmt.Errorf("keep sources: %w", err)
		}
		for _, h := range hashes {
			asked[h] = true
		}
	}
	now := time.Now().UTC()
	seen := map[string]bool{}
	keep := func(name string, data []byte, text string) (string, error) {
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		if seen[hash] || kept[hash] {
			return hash, nil
		}
		seen[hash] = true
		if !asked[hash] {
			var n int
			if err := w.QueryRowContext(ctx, sqlHasSource, hash).Scan(&n); err != nil {
				return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
			}
			if n > 0 {
				return hash, nil
			}
		}
		if err := w.appendRow("source_documents", hash, filepath.Base(name), data, text, now); err != nil {
			return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
		}
		return hash, nil
	}
	return each(kept, keep)
}

// Source reads a kept document; ErrNotFound when none has that hash.
func (s *Store) Source(ctx context.Context, hash string) (*SourceDocument, error) {
	d := &SourceDocument{}
	err := s.db.QueryRowContext(ctx, sqlGetSource, hash).Scan(&d.SHA256, &d.Name, &d.Bytes, &d.Text, &d.StoredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("source %s: %w", hash, ErrNotFound)
	}
	return d, err
}
