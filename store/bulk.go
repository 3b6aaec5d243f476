package store

import (
	"context"
	"log/slog"
)

// A bulk load (issue 25 item 2): DuckDB checkpoints automatically when a
// commit leaves its write-ahead log larger than checkpoint_threshold
// (16 MiB by default), which during an ingest is after nearly every batch
// of 1 024 reports and after the originals stored between them. Each
// checkpoint rewrites the tables' last row groups and indexes and leaves
// freed blocks behind: on 5 000 national reports the file came out at
// 141.6 MB and 263 MB were written, against 103.3 MB and 208 MB when the
// log may grow to 256 MB (no better at 4 GB; docs/benchmarks.md, "Each
// value written once").
// Not to 256 MB any more: what is committed and not yet checkpointed
// stays in DuckDB's memory as uncompressed rows until the checkpoint
// (duckdb_memory()'s in_memory_table, up to 322 MB during an ingest of
// 20 000 national reports), and under the ingest's memory_limit of
// 256 MB it spilled to a temporary file, and adding to a database of
// 200 000 ran out of memory at COMMIT. At 64 MB it stays under ~140 MB;
// the price is more checkpoints: into 200 000 reports ≈ 0.4 ms more
// COMMIT a report (docs/benchmarks.md, "Ingest writer, fourth pass").
// So a large batch raises the threshold until the load ends: the next
// single write (an upload: SaveWith) or Close, which restore it and
// checkpoint once. The log stays bounded (DuckDB still checkpoints past
// 64 MB, at a commit, never inside a batch), and a kill loses nothing
// committed: the log is replayed at the next open.
const (
	// bulkReports is the smallest batch taken for a bulk load.
	bulkReports = 64
	// DuckDB's own SET: a constant, no input.
	sqlHoldCheckpoints    = `SET GLOBAL checkpoint_threshold = '64MB'`
	sqlRestoreCheckpoints = `RESET GLOBAL checkpoint_threshold`
)

// beginBulk holds automatic checkpoints off for a batch of n reports, if
// it is large and no load is running already. Called with s.write held.
func (s *Store) beginBulk(ctx context.Context, n int) {
	if s.bulk || n < bulkReports {
		return
	}
	if _, err := s.db.ExecContext(ctx, sqlHoldCheckpoints); err != nil {
		// Only slower: the default threshold checkpoints more often.
		slog.Warn("bulk load: automatic checkpoints not held off", "db", s.path, "err", err)
		return
	}
	s.bulk = true
}

// endBulk restores DuckDB's checkpoint threshold after a bulk load and
// checkpoints its log once. Called with s.write held; failures are logged
// (what is committed is in the log either way).
func (s *Store) endBulk(ctx context.Context) {
	if !s.bulk {
		return
	}
	s.bulk = false
	if _, err := s.db.ExecContext(ctx, sqlRestoreCheckpoints); err != nil {
		slog.Warn("bulk load: checkpoint threshold not restored", "db", s.path, "err", err)
	}
	if err := s.checkpoint(ctx); err != nil {
		slog.Warn("bulk load stored but not checkpointed", "db", s.path, "err", err)
	}
}
