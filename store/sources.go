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
	s.write.Lock()
	defer s.write.Unlock()
	if _, err := s.db.ExecContext(ctx, sqlKeepSource, hash, filepath.Base(name), data, text, time.Now().UTC()); err != nil {
		return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
	}
	return hash, nil
}

// KeepSources stores many documents in one transaction (the bulk path:
// one commit per document cost analytics ingest more than the rest of
// storing a report). each is called with keep, which stores one document
// as KeepSource does and returns its hash; each's error rolls all back.
func (s *Store) KeepSources(ctx context.Context, each func(keep func(name string, data []byte, text string) (string, error)) error) error {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	keep := func(name string, data []byte, text string) (string, error) {
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		if _, err := tx.ExecContext(ctx, sqlKeepSource, hash, filepath.Base(name), data, text, now); err != nil {
			return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
		}
		return hash, nil
	}
	if err := each(keep); err != nil {
		return err
	}
	return tx.Commit()
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
