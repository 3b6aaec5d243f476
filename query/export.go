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

// ExportFilter chooses the reports of a Parquet export: a county, city or
// province by name or GB/T 2260 code, and a year; the zero value exports
// everything.
type ExportFilter struct {
	Province, City, County string
	Year                   int
}

// IsZero tells the whole export (cached by the server) from a filtered one.
func (f ExportFilter) IsZero() bool { return f == ExportFilter{} }

// ExportParquet writes every cell with its report's year, county, agency,
// edition and id, and the registry's codes, to dir as Parquet,
// partitioned by year, province and county.
// Existing files of the same partitions are overwritten.
func (s *Service) ExportParquet(ctx context.Context, dir string) error {
	return s.ExportParquetWhere(ctx, dir, ExportFilter{})
}

// ExportParquetWhere writes the cells of the reports f selects, in the
// layout of ExportParquet. A filter that selects no report writes no file.
func (s *Service) ExportParquetWhere(ctx context.Context, dir string, f ExportFilter) error {
	where, args := "TRUE", []any(nil)
	if !f.IsZero() {
		// The same condition, with the same meaning of a name or a code, as
		// every statistic's filter; the values stay parameters.
		where, args = Filter{Province: f.Province, City: f.City, County: f.County, Year: f.Year}.clause()
	}
	body, err := sqlFiles.ReadFile("sql/ExportParquet.sql")
	if err != nil {
		return fmt.Errorf("export parquet: %w", err)
	}
	text := strings.Replace(string(body), "/*dir*/", quoteLiteral(dir), 1)
	text = strings.Replace(text, "/*where*/", where, 1)
	text = strings.Replace(text, "/*province*/", placedProvince, 1)
	text = strings.Replace(text, "/*city*/", placedCity, 1)
	if _, err := s.db.ExecContext(ctx, text, args...); err != nil {
		return fmt.Errorf("export parquet to %s: %w", dir, err)
	}
	return nil
}
