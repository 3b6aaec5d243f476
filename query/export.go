package query

import (
	"context"
	"fmt"
	"strings"
)

// quoteLiteral quotes a string as an SQL literal. COPY ... TO takes its
// target as a literal, not a parameter; this is the one place one is made.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// ExportParquet writes every cell with its report's year, county, agency,
// edition and id, and the registry's codes, to dir as Parquet,
// partitioned by year, province and county.
// Existing files of the same partitions are overwritten.
func (s *Service) ExportParquet(ctx context.Context, dir string) error {
	body, err := sqlFiles.ReadFile("sql/ExportParquet.sql")
	if err != nil {
		return fmt.Errorf("export parquet: %w", err)
	}
	text := strings.Replace(string(body), "/*dir*/", quoteLiteral(dir), 1)
	if _, err := s.db.ExecContext(ctx, text); err != nil {
		return fmt.Errorf("export parquet to %s: %w", dir, err)
	}
	return nil
}
