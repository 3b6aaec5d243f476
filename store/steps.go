package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"
)

// A Step is a write that joins a report's own transaction (SaveOptions.With):
// what a kill must leave with the report or not at all, and one commit
// instead of one each. It runs after the report's rows, on the same
// connection and Appenders; its error rolls the report back.
type Step func(ctx context.Context, w *writer) error

// KeepSourceStep is KeepSource as a Step: the uploaded original stored in
// the transaction of the first report read from it, so a failed save
// leaves no original behind and a kept original always has its report.
func KeepSourceStep(name string, data []byte, text string) Step {
	return func(ctx context.Context, tx *writer) error {
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		if _, err := tx.ExecContext(ctx, sqlKeepSource, hash, filepath.Base(name), PackSource(data, text).Frame, time.Now().UTC()); err != nil {
			return fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
		}
		return nil
	}
}

// NarrativeStep is SaveNarrative as a Step: the text sections the
// assessment checks read, replaced with the report they were read from.
func NarrativeStep(agency, county string, year int, sections []NarrativeSection) Step {
	return func(ctx context.Context, w *writer) error {
		if _, err := w.ExecContext(ctx, sqlDeleteNarrative, agency, county, year); err != nil {
			return fmt.Errorf("narrative %s %d: %w", agency, year, err)
		}
		// Appended, not inserted one statement each: the rows are flushed
		// with the report's before the commit.
		for i, sec := range sections {
			if err := w.appendRow("narratives", narrativeRow(agency, county, year, i, sec)...); err != nil {
				return fmt.Errorf("narrative %s %d: %w", agency, year, err)
			}
		}
		return nil
	}
}
