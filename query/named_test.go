package query_test

import (
	"context"
	"slices"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
)

// TestRecordGivesTheSQLThatRan: what Record hands over is the statements a
// statistic ran, by name, and each of them run directly on the database
// gives as many rows as the statistic made of it — the raw query that
// analytics bench sets beside the route. A cached answer runs nothing.
func TestRecordGivesTheSQLThatRan(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	ctx := context.Background()
	f := query.Filter{County: "乐至县", Year: 2022}
	cases := []struct {
		name  string
		run   func() (rows int, err error)
		names []string // the statements expected, in order
		rows  int      // which of them makes the rows of the answer
	}{
		{"outcomes", func() (int, error) {
			r, err := q.Outcomes(ctx, f, query.GroupAgency)
			return len(r.Rows), err
		}, []string{"Outcomes"}, 0},
		{"cells", func() (int, error) {
			r, err := q.Cells(ctx, []string{"t3.new.total"}, query.Filter{}, query.GroupCounty)
			return len(r.Rows), err
		}, []string{"Groups", "CellsFigures"}, 1},
		// A code with no column of report_figures is read from the cells.
		{"cells of any code", func() (int, error) {
			r, err := q.Cells(ctx, []string{"t3.other.total"}, query.Filter{}, query.GroupCounty)
			return len(r.Rows), err
		}, []string{"Groups", "Cells"}, 1},
		// With a year, applications also reads the year before.
		{"applications", func() (int, error) {
			r, err := q.Applications(ctx, f, query.GroupAgency)
			return len(r.Rows), err
		}, []string{"Applications", "Applications"}, 0},
		// A list that fits its page is its own count.
		{"reports", func() (int, error) {
			r, err := q.Reports(ctx, query.Filter{County: "乐至县"})
			return len(r.Reports), err
		}, []string{"Reports"}, 0},
		{"reports, a full page", func() (int, error) {
			r, err := q.Reports(ctx, query.Filter{County: "乐至县", Limit: 1})
			if err == nil && r.Total < 2 {
				t.Errorf("total %d of a page of 1, want the county's reports", r.Total)
			}
			return len(r.Reports), err
		}, []string{"Reports", "Reports.count"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q.Invalidate()
			// The generation's own statements (the county index, the
			// place tree) run before, as analytics bench waits for them.
			if _, err := q.Prepared(ctx); err != nil {
				t.Fatal(err)
			}
			var got []query.Statement
			stop := q.Record(func(s query.Statement) { got = append(got, s) })
			n, err := c.run()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, c.names) {
				t.Fatalf("recorded %v, want %v", names, c.names)
			}
			// Groups and Reports.count only size the answer, the year
			// before only adds a column; with one code, Cells has a row
			// per group.
			last := got[c.rows]
			rows, err := st.DB().QueryContext(ctx, last.Text, last.Args...)
			if err != nil {
				t.Fatalf("%s run directly: %v", last.Name, err)
			}
			raw := 0
			for rows.Next() {
				raw++
			}
			rows.Close()
			if raw != n || n == 0 {
				t.Errorf("%s run directly: %d rows, the statistic made %d", last.Name, raw, n)
			}
			got = nil
			if _, err := c.run(); err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 {
				t.Errorf("a cached answer ran %d statements", len(got))
			}
			stop()
			stop() // twice is harmless
			q.Invalidate()
			if _, err := c.run(); err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 {
				t.Errorf("recorded %d statements after stop", len(got))
			}
		})
	}
}
