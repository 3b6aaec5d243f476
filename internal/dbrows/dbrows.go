// Package dbrows reads every row of a query as a line of text, for tests
// that compare two databases (or one before and after) table by table.
package dbrows

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Sorted runs q on db and returns each row as its columns printed and
// joined by tabs (fmt.Sprint of them all would run two text columns
// together), sorted, so two databases holding the same rows in another
// order give the same lines. Any error fails the test.
func Sorted(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "\t"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
