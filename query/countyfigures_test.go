package query

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"nianbao/query/querytest"
)

// TestCountyFiguresAsTheStatements holds the one statement of the county
// page (sql/CountyFigures.sql) to the statistics' own statements, every
// figure as JSON (bit-identical floats encode alike): every county of the
// seeded reports, the sample corpus and 300 generated national reports,
// by name and by registry code, every year each has, as the page asks
// (towns, departments) and at every level on every fifth county. It also
// checks that the one
// statement was the one run.
func TestCountyFiguresAsTheStatements(t *testing.T) {
	st := nationalDB(t)
	q, ref := New(st), New(st)
	ref.FiguresApart()
	folded, apart := 0, 0
	defer q.Record(func(s Statement) {
		if s.Name == "CountyFigures" {
			folded++
		}
	})()
	defer ref.Record(func(s Statement) {
		if s.Name == "CountyFigures" {
			apart++
		}
	})()

	years := map[string]map[int]bool{}
	add := func(county string, year int) {
		if years[county] == nil {
			years[county] = map[int]bool{}
		}
		years[county][year] = true
		years[county][year+1] = true // a year with no report but the one before
	}
	for _, r := range allReports(t, q) {
		if r.County != "" {
			add(r.County, r.Year)
		}
		if len(r.DivisionCode) >= 6 {
			add(r.DivisionCode[:6], r.Year)
		}
	}
	add("不存在的县", 2022)
	counties := make([]string, 0, len(years))
	for c := range years {
		counties = append(counties, c)
	}
	sort.Strings(counties)
	if len(counties) < 30 {
		t.Fatalf("%d counties: too few to compare", len(counties))
	}
	ctx := context.Background()
	compared, rows := 0, 0
	for i, c := range counties {
		levels := []string{LevelNoDepartments, "departments"}
		if i%5 == 0 {
			levels = append(levels, "", "towns", "镇", "县级政府")
		}
		for y := range years[c] {
			for _, lv := range levels {
				f := Filter{County: c, Year: y, Level: lv}
				got, err := q.CountyFigures(ctx, f)
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				want, err := ref.CountyFigures(ctx, f)
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				g, w := figureParts(t, got), figureParts(t, want)
				for name := range w {
					if g[name] != w[name] {
						t.Errorf("%s of %+v by one statement:\n got %s\nwant %s", name, f, g[name], w[name])
					}
				}
				rows += len(want.Applications.Rows) + len(want.Outcomes.Rows) + len(want.ReviewsByYear.Rows)
				compared++
			}
		}
	}
	if folded < compared || apart != 0 || rows < compared {
		t.Fatalf("%d filters, %d by the one statement (the reference %d), %d rows: not the paths compared", compared, folded, apart, rows)
	}
	t.Logf("%d filters of %d counties compared, %d rows", compared, len(counties), rows)
}

// figureParts are the parts of CountyFigures as JSON.
func figureParts(t *testing.T, c CountyFigures) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, v := range map[string]any{
		"Applications": c.Applications, "Outcomes": c.Outcomes, "Reviews": c.Reviews,
		"ApplicationsByYear": c.ApplicationsByYear, "OutcomesByYear": c.OutcomesByYear, "ReviewsByYear": c.ReviewsByYear,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// TestCountyFiguresAfterAWrite: the figures of a generation are not those
// of the next; a report saved is in the next read.
func TestCountyFiguresAfterAWrite(t *testing.T) {
	ctx := context.Background()
	st, _ := querytest.Seed(t)
	q := New(st)
	f := Filter{County: "乐至县", Year: 2022, Level: LevelNoDepartments}
	newOf := func(rows []ApplicationsRow, group string) float64 {
		for _, r := range rows {
			if r.Group.Group == group {
				return r.New
			}
		}
		return -1
	}
	before, err := q.CountyFigures(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	saveNewTown(t, st)
	after, err := q.CountyFigures(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := newOf(after.Applications.Rows, "新设镇"); got != 7 || newOf(before.Applications.Rows, "新设镇") != -1 {
		t.Fatalf("新设镇 before the write %v, after %v: want absent, then 7", before.Applications.Rows, after.Applications.Rows)
	}
	y := fmt.Sprint(f.Year)
	if b, a := newOf(before.ApplicationsByYear.Rows, y), newOf(after.ApplicationsByYear.Rows, y); a != b+7 {
		t.Fatalf("new applications of %s %s: %v before, %v after a write of 7", f.County, y, b, a)
	}
}

// TestIncludeSections: a part marker is replaced by that part of the
// named file, other comments stay, and a part that is not there is an
// error naming it.
func TestIncludeSections(t *testing.T) {
	body, err := sqlFiles.ReadFile("sql/Reviews.sql")
	if err != nil {
		t.Fatal(err)
	}
	b := string(body)
	part := b[strings.Index(b, "/*sums*/")+len("/*sums*/") : strings.Index(b, "/*end sums*/")]
	for _, c := range []struct{ in, want, err string }{
		{"SELECT /*Reviews.sums*/ FROM x", "SELECT " + part + " FROM x", ""},
		{"SELECT 1 /*t3.new.total*/ /*filter*/ /*end sums*/", "SELECT 1 /*t3.new.total*/ /*filter*/ /*end sums*/", ""},
		{"SELECT /*Reviews.nothing*/", "", "Reviews.sql has no part nothing"},
		{"SELECT /*Nowhere.sums*/", "", "Nowhere.sums"},
	} {
		got, err := includeSections("T", c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one naming %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if !strings.Contains(part, "t4_litigation_after_total") {
		t.Fatalf("the sums of Reviews.sql: %q", part)
	}
}
