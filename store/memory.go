package store

import (
	"context"
	"fmt"
	"strings"
)

// sqlDuckDBMemory is DuckDB's own account of the memory its buffer manager
// holds, by what holds it (duckdb_memory(): base tables, the log, the
// transactions' local storage, indexes, …), largest first.
const sqlDuckDBMemory = `SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory()
WHERE memory_usage_bytes > 0 OR temporary_storage_bytes > 0 ORDER BY memory_usage_bytes DESC`

// DuckDBMemory is what DuckDB's buffer manager holds (bytes in memory and
// spilled to its temporary files) and the three largest parts by tag, as
// "标签 MB" words: the part of a process's memory that DuckDB itself
// accounts for, against its memory_limit (memory it allocates outside the
// buffer manager is not in it).
func (s *Store) DuckDBMemory(ctx context.Context) (used, spilled int64, top string, err error) {
	var parts []string
	err = scanDuckDBMemory(ctx, s, func(tag string, mem, tmp int64) {
		used += mem
		spilled += tmp
		if len(parts) < 3 {
			parts = append(parts, fmt.Sprintf("%s %d MB", strings.ToLower(tag), mem>>20))
		}
	})
	return used, spilled, strings.Join(parts, "、"), err
}

func scanDuckDBMemory(ctx context.Context, s *Store, f func(tag string, mem, tmp int64)) error {
	rows, err := s.db.QueryContext(ctx, sqlDuckDBMemory)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tag string
		var mem, tmp int64
		if err := rows.Scan(&tag, &mem, &tmp); err != nil {
			return err
		}
		f(tag, mem, tmp)
	}
	return rows.Err()
}
