package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nianbao/query/querytest"
	"nianbao/store"
)

// TestBenchLoadsLoopback runs the load generator for a moment against a
// loopback server: it counts what the server answered, never a time.
func TestBenchLoadsLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := loadURL(context.Background(), srv.URL+"/x", 300*time.Millisecond, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 || res.P99 < res.P50 {
		t.Fatalf("%+v", res)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--url", srv.URL + "/x", "--duration", "200ms", "--concurrency", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "req/s") || !strings.Contains(out.String(), srv.URL) {
		t.Errorf("output: %s", out.String())
	}
}

// TestBenchRefusesOtherHosts: only loopback may be loaded, for a bounded time.
func TestBenchRefusesOtherHosts(t *testing.T) {
	if _, err := loadURL(context.Background(), "http://10.0.0.1/x", time.Second, 1); err == nil {
		t.Error("a private address was accepted")
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--url", "http://127.0.0.1:1/x", "--duration", "31s"}, &out, &errOut); code != 2 {
		t.Errorf("a 31 s run: exit %d", code)
	}
}

// TestBenchLatencyTinyN runs the whole --latency measurement with two
// requests per series over a small database (as CI does, so the instrument
// cannot rot): every route answers, the raw SQL of the query-layer routes
// was recorded and replayed, the load and RSS lines are there. It counts
// requests and statements, never a time.
func TestBenchLatencyTinyN(t *testing.T) {
	path := tinyDB(t)

	var out, errOut bytes.Buffer
	args := []string{"bench", "--latency", "--db", path, "--n", "2", "--load", "100ms", "--concurrency", "2"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	md := out.String()
	// The busiest year and its busiest county, picked from the data.
	for _, want := range []string{"4 reports", "乐至县 2022", "DuckDB v", "Peak RSS", "req/s", "analytics bench --latency --db " + path} {
		if !strings.Contains(md, want) {
			t.Errorf("output lacks %q:\n%s", want, md)
		}
	}
	// The latency table has 12 columns, the load table 6.
	var rows [][]string
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| route") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !strings.HasPrefix(cells[0], "---") {
			rows = append(rows, cells)
		}
	}
	for _, rt := range latencyRoutes("乐至县", 2022) {
		var row []string
		for _, cells := range rows {
			if (strings.HasPrefix(cells[0], rt.name+" `") || strings.HasPrefix(cells[0], rt.name+" ¹")) && len(cells) == 12 {
				row = cells
			}
		}
		if row == nil {
			t.Errorf("no latency row for %s", rt.name)
			continue
		}
		// n (requests per series) as asked; the API routes ran recorded
		// SQL, so the raw column is filled.
		if row[2] != "2" {
			t.Errorf("%s: n = %s, want 2", rt.name, row[2])
		}
		if strings.HasPrefix(rt.path, "/api/") && (row[1] == "0" || row[7] == "—") {
			t.Errorf("%s: no raw SQL recorded: %v", rt.name, row)
		}
	}
	// The whole-country answers, also timed after the generation's work
	// (api/answercache.go).
	whole := 0
	for _, rt := range latencyRoutes("乐至县", 2022) {
		if !rt.whole {
			continue
		}
		whole++
		found := false
		for _, cells := range rows {
			found = found || (len(cells) == 8 && cells[0] == rt.name && cells[1] == "2" && cells[2] != "—")
		}
		if !found {
			t.Errorf("no row after the generation's work for %s:\n%s", rt.name, md)
		}
	}
	if whole == 0 {
		t.Error("no whole-country route measured")
	}
	loadRows := 0
	for _, cells := range rows {
		if len(cells) == 6 {
			loadRows++
			if cells[1] == "0" || cells[5] != "0" {
				t.Errorf("load of %s: %v", cells[0], cells)
			}
		}
	}
	if loadRows == 0 {
		t.Errorf("no load rows:\n%s", md)
	}
}

// TestBenchLatencyNeedsADatabase: a clear usage error, and a clear error
// for a file that is not there.
func TestBenchLatencyNeedsADatabase(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--latency"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--db") {
		t.Errorf("no --db: exit %d, %s", code, errOut.String())
	}
	errOut.Reset()
	missing := filepath.Join(t.TempDir(), "none.duckdb")
	if code := run([]string{"bench", "--latency", "--db", missing}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), missing) {
		t.Errorf("missing file: exit %d, %s", code, errOut.String())
	}
}

// TestBenchNumbers: the figures of the table — digit groups, percentiles
// by the load generator's rule, the ratio column.
func TestBenchNumbers(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1 000"}, {6012, "6 012"}, {204408, "204 408"}, {1234567, "1 234 567"}} {
		if got := thousands(c.n); got != c.want {
			t.Errorf("thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	for _, c := range []struct {
		lat      []time.Duration
		p50, p99 time.Duration
	}{
		{nil, 0, 0},
		{ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{ms(5, 1, 4, 2, 3), 3 * time.Millisecond, 5 * time.Millisecond}, // unsorted in, p99 of few = the slowest
	} {
		if p := percentile(c.lat, 0.5); p != c.p50 {
			t.Errorf("p50 of %v = %v, want %v", c.lat, p, c.p50)
		}
		if p := percentile(c.lat, 0.99); p != c.p99 {
			t.Errorf("p99 of %v = %v, want %v", c.lat, p, c.p99)
		}
	}
	for _, c := range []struct {
		a, b time.Duration
		want string
	}{{30, 10, "3.0×"}, {1, 100, "0.01×"}, {5, 0, "—"}} {
		if got := ratio(c.a, c.b); got != c.want {
			t.Errorf("ratio(%v, %v) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

// tinyDB writes the four reports of querytest into a closed database file.
func tinyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.duckdb")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range querytest.Reports() {
		if _, err := st.Save(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	return path
}

// TestBenchLatencyGoesOnPastAFailedRoute: a route over --timeout is
// reported as not measured, and the run still ends with its tables (here
// every request times out, so every route fails and none is loaded).
func TestBenchLatencyGoesOnPastAFailedRoute(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"bench", "--latency", "--db", tinyDB(t), "--n", "1", "--timeout", "1ns", "--load", "100ms"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	md := out.String()
	failed := strings.Count(md, "` ² |")
	if want := len(latencyRoutes("乐至县", 2022)); failed != want {
		t.Errorf("%d routes reported as failed, want %d:\n%s", failed, want, md)
	}
	if !strings.Contains(md, "² Not measured: ") || !strings.Contains(md, "Peak RSS") {
		t.Errorf("output:\n%s", md)
	}
}
