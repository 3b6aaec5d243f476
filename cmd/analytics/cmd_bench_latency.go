package main

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"nianbao/api"
	"nianbao/dashboards"
	"nianbao/query"
	"nianbao/store"
)

// analytics bench --latency measures a database file the way issue 14
// states its serving targets: each route's p50 and p99 with the query cache
// emptied before every request (cold) and kept (warm), beside the very SQL
// the route ran, run directly on DuckDB through database/sql (raw); then the
// throughput of repeated queries under concurrent load on loopback and the
// peak RSS. The server runs in this process on 127.0.0.1 over the file
// opened read-only, so the cache can be dropped between two requests and
// the statements a request runs can be recorded (query.Service.Record).

//go:embed bench_version.sql
var sqlDuckDBVersion string

//go:embed bench_county.sql
var sqlBenchCounty string

// latencyConfig is what one --latency run measures.
type latencyConfig struct {
	db      string
	n       int           // requests per route and phase
	budget  time.Duration // a phase stops after this once it has minSamples
	load    time.Duration // load per URL, the whole load phase within maxBenchDuration
	conc    int
	timeout time.Duration // one request; a route over it is reported as failed and skipped
	county  string        // "" picks the county with most reports in the year
	year    int           // 0 picks the year with most reports
	only    []string      // route names to measure (a substring each); none: all
	// cpuprofile: where to write a CPU profile of the measured requests.
	cpuprofile string
	argsLine   string // the command line, printed with the results
}

// minSamples: a phase over its budget still gets this many requests, so a
// slow route on a big database has a p50 at all.
const minSamples = 3

// routeSpec is one route measured.
type routeSpec struct {
	name string
	path string
	// load: the route is also loaded concurrently (repeated dashboard and
	// API queries).
	load bool
	// partial says what the raw SQL leaves out: reads that go to the store
	// directly rather than through the query layer are not recorded.
	partial string
	// whole: a whole-country answer the API encodes once per generation
	// (api/answercache.go); also timed after that work.
	whole bool
}

// routeResult is what was measured of one route.
type routeResult struct {
	routeSpec
	stmts            []query.Statement // those of the first cold request
	stmtRaw          [][]time.Duration // each statement's raw runs, in the order of stmts
	bytes            int
	cold, warm, raw  []time.Duration
	coldStmtsVarying bool // cold requests did not all run as many statements
	// prepare: after each Invalidate, how long the generation's
	// precomputed values (query.Service.Prepared) took, before the cold
	// request was sent.
	prepare []time.Duration
	// coldCPU: the process's CPU time (user + system, every thread) over
	// each cold request: one request at a time, it is the request's, and
	// a shared machine's load stretches it far less than wall time.
	coldCPU []time.Duration
	// Whole-country answers: the request after the generation's work
	// (query.Service.PrepareAnswers), its CPU, the work's time (the
	// generation's values included) and that of PrepareAnswers alone.
	encoded, encodedCPU, encoding, answersWork []time.Duration
	// failed says why the route could not be measured (a request over
	// --timeout, an answer other than 200); the other routes still are.
	failed string
}

// latencyRoutes are the routes of issue 14's targets for one county and
// year of the database: cell sums, every named statistic, the assessment, a
// county's dashboard page and the entry page.
func latencyRoutes(county string, year int) []routeSpec {
	y := strconv.Itoa(year)
	u := func(path string, kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		if len(v) == 0 {
			return path
		}
		// Keep "*" and "," readable in the printed table; both are legal
		// in a query string.
		q := strings.NewReplacer("%2A", "*", "%2C", ",").Replace(v.Encode())
		return path + "?" + q
	}
	return []routeSpec{
		{name: "cells, all reports by county", path: u("/api/v1/cells", "codes", "t3.new.total,t3.denied.*", "group_by", "county"), load: true, whole: true},
		{name: "cells, one county by agency", path: u("/api/v1/cells", "codes", "t3.new.total,t3.granted.total,t4.*", "county", county, "year", y, "group_by", "agency")},
		{name: "stats/applications", path: u("/api/v1/stats/applications", "county", county, "year", y, "group_by", "agency"), load: true},
		{name: "stats/outcomes, all by county", path: u("/api/v1/stats/outcomes", "group_by", "county"), whole: true},
		{name: "stats/applications, all by county", path: u("/api/v1/stats/applications", "group_by", "county"), whole: true},
		{name: "stats/reviews, all by county", path: u("/api/v1/stats/reviews", "group_by", "county"), whole: true},
		{name: "stats/proactive, all by county", path: u("/api/v1/stats/proactive", "group_by", "county"), whole: true},
		{name: "stats/reviews, one year by county", path: u("/api/v1/stats/reviews", "year", y, "group_by", "county")},
		{name: "stats/proactive", path: u("/api/v1/stats/proactive", "county", county, "year", y, "group_by", "agency")},
		{name: "stats/compare", path: u("/api/v1/stats/compare", "county", county, "year", y, "metric", "outcomes.disclosure_rate")},
		{name: "stats/findings", path: u("/api/v1/stats/findings", "county", county, "year", y)},
		{name: "reports, one county", path: u("/api/v1/reports", "county", county, "year", y, "limit", "100")},
		{name: "assessment", path: u("/api/v1/assessment", "county", county, "year", y), partial: "the score sheet's reads of the store (assess.Assess) are not recorded"},
		{name: "dashboards/county page", path: u("/dashboards/county", "county", county, "year", y), load: true, partial: "the filing list read from the store is not recorded"},
		{name: "dashboards/ entry page", path: "/dashboards/", load: true},
	}
}

func runLatency(ctx context.Context, cfg latencyConfig, stdout, stderr io.Writer) error {
	loadStart := loadAvg()
	st, err := store.OpenReadOnly(cfg.db)
	if err != nil {
		return fmt.Errorf("open %s read-only (copy a database that another process is writing first): %w", cfg.db, err)
	}
	defer st.Close()
	q := query.New(st)
	total, county, year, err := pickScope(ctx, q, cfg.county, cfg.year)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.db, err)
	}
	if cfg.county == "" {
		if county, err = unambiguousCounty(ctx, st, county, year); err != nil {
			return fmt.Errorf("%s: %w", cfg.db, err)
		}
	}
	q.Invalidate()
	// The whole-country answers' work after a write runs when the bench
	// asks (measureRoute), not in the background while it measures.
	q.HoldAfterPrepare()

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	handler := readOnlyHandler(newServerOn(st, q, api.Options{Logger: log}, log, false,
		dashboards.WithLogger(log), dashboards.WithFiling(dashboards.StoreFiling(st)), dashboards.WithPlaceCheck(dashboards.StorePlaceCheck(st))))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: cfg.timeout}

	// The server computes the generation's values in the background from
	// its start (query/prepared.go): done before recording, so that none
	// of its statements is counted as the first route's.
	if _, err := q.Prepared(ctx); err != nil {
		return fmt.Errorf("%s: %w", cfg.db, err)
	}
	var mu sync.Mutex
	var ran []query.Statement
	stop := q.Record(func(s query.Statement) {
		mu.Lock()
		ran = append(ran, s)
		mu.Unlock()
	})
	defer stop()

	routes := selectRoutes(latencyRoutes(county, year), cfg.only)
	stopProfile, err := startCPUProfile(cfg.cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	results := make([]routeResult, 0, len(routes))
	for _, rt := range routes {
		fmt.Fprintf(stderr, "bench: %s …\n", rt.name)
		res, err := measureRoute(ctx, cfg, client, base, rt, q, st, func() []query.Statement {
			mu.Lock()
			defer mu.Unlock()
			out := ran
			ran = nil
			return out
		})
		if err != nil {
			// One slow or broken route must not cost the figures of the
			// others: it is reported as failed, and not loaded.
			res.failed = err.Error()
			fmt.Fprintf(stderr, "bench: %s failed: %v\n", rt.name, err)
		}
		results = append(results, res)
	}
	stop()
	stopProfile()

	var loaded []routeSpec
	for _, r := range results {
		if r.load && r.failed == "" {
			loaded = append(loaded, r.routeSpec)
		}
	}
	per := min(cfg.load, maxBenchDuration/time.Duration(max(len(loaded), 1)))
	loads := make([]loadResult, len(loaded))
	for i, rt := range loaded {
		fmt.Fprintf(stderr, "bench: load %s for %s …\n", rt.name, per)
		if _, _, err := fetch(ctx, client, base+rt.path); err != nil { // the cache warm, as for a repeated query
			return err
		}
		if loads[i], err = loadURL(ctx, base+rt.path, per, cfg.conc); err != nil {
			return err
		}
	}
	hwm, rss := procStatusKB("VmHWM"), procStatusKB("VmRSS")
	writeLatencyMarkdown(stdout, cfg, latencyFacts{
		db: cfg.db, reports: total, county: county, year: year, version: duckdbVersion(ctx, st),
		loadStart: loadStart, loadEnd: loadAvg(), hwmKB: hwm, rssKB: rss, per: per,
	}, results, loaded, loads)
	return nil
}

// pickScope counts the reports and chooses the county and year of the
// routes from the database itself: the year with most reports, then the
// county with most reports in it (the heaviest page of that year). Flags
// may fix either.
func pickScope(ctx context.Context, q *query.Service, county string, year int) (total int, _ string, _ int, _ error) {
	list, err := q.Reports(ctx, query.Filter{Limit: 1})
	if err != nil {
		return 0, "", 0, err
	}
	if list.Total == 0 {
		return 0, "", 0, fmt.Errorf("the database holds no report: nothing to measure")
	}
	most := func(rows []query.CellsRow, skipEmpty bool) string {
		best, n := "", -1
		for _, r := range rows {
			if skipEmpty && r.Group.Group == "" {
				continue
			}
			// Ties go to the later name, so the latest year wins among
			// years of equal size.
			if r.Reports > n || (r.Reports == n && r.Group.Group > best) {
				best, n = r.Group.Group, r.Reports
			}
		}
		return best
	}
	if year == 0 {
		years, err := q.Cells(ctx, []string{"t3.new.total"}, query.Filter{}, query.GroupYear)
		if err != nil {
			return 0, "", 0, err
		}
		if year, err = strconv.Atoi(most(years.Rows, true)); err != nil {
			return 0, "", 0, fmt.Errorf("no year with reports: %w", err)
		}
	}
	if county == "" {
		counties, err := q.Cells(ctx, []string{"t3.new.total"}, query.Filter{Year: year}, query.GroupCounty)
		if err != nil {
			return 0, "", 0, err
		}
		if county = most(counties.Rows, true); county == "" {
			return 0, "", 0, fmt.Errorf("no report of %d names its county: give --county", year)
		}
	}
	return list.Total, county, year, nil
}

// unambiguousCounty is the county as the routes can ask for it: the name
// when one place has it, else the code of the place of that name with most
// reports in the year (the routes refuse a shared name with a 400).
func unambiguousCounty(ctx context.Context, st *store.Store, county string, year int) (string, error) {
	if st.Unambiguous(ctx, county) == nil {
		return county, nil
	}
	var code string
	if err := st.DB().QueryRowContext(ctx, sqlBenchCounty, year, county).Scan(&code); err != nil {
		return "", fmt.Errorf("“%s” names several counties and no report of %d carries its code: give --county CODE: %w", county, year, err)
	}
	return code, nil
}

// measureRoute times rt cold, as raw SQL and warm. Cold requests and raw
// runs alternate, so that the load of a shared machine, which changes from
// one second to the next, weighs on both sides of their ratio alike. take
// returns (and forgets) the statements recorded since it was last called.
func measureRoute(ctx context.Context, cfg latencyConfig, client *http.Client, base string, rt routeSpec, q *query.Service, st *store.Store, take func() []query.Statement) (routeResult, error) {
	res := routeResult{routeSpec: rt}
	get := func() error {
		n, _, err := fetch(ctx, client, base+rt.path)
		res.bytes = n
		return err
	}
	db := st.DB()
	raw := func() error {
		// Bounded as a request is, so a raw series cannot outlast one.
		ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
		if res.stmtRaw == nil {
			res.stmtRaw = make([][]time.Duration, len(res.stmts))
		}
		for i, s := range res.stmts {
			t := time.Now()
			rows, err := db.QueryContext(ctx, s.Text, s.Args...)
			if err != nil {
				return fmt.Errorf("%s: raw %s: %w", rt.name, s.Name, err)
			}
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("%s: raw %s: %w", rt.name, s.Name, err)
			}
			res.stmtRaw[i] = append(res.stmtRaw[i], time.Since(t))
		}
		return nil
	}
	start := time.Now()
	for i := 0; i < cfg.n && (i < minSamples || time.Since(start) <= cfg.budget); i++ {
		q.Invalidate()
		// What is computed once per data generation, in the background
		// after a write (query/prepared.go), is done before the request,
		// as for a reader who comes after the write; its time is reported
		// apart.
		took, err := q.Prepared(ctx)
		if err != nil {
			return res, fmt.Errorf("%s: values of the generation: %w", rt.name, err)
		}
		res.prepare = append(res.prepare, took)
		take()
		cpu := processCPU()
		t := time.Now()
		if err := get(); err != nil {
			return res, fmt.Errorf("%s cold: %w", rt.name, err)
		}
		res.cold = append(res.cold, time.Since(t))
		res.coldCPU = append(res.coldCPU, processCPU()-cpu)
		got := take()
		if i == 0 {
			res.stmts = got
		} else if len(got) != len(res.stmts) {
			res.coldStmtsVarying = true
		}
		if len(res.stmts) == 0 {
			continue
		}
		t = time.Now()
		if err := raw(); err != nil {
			return res, err
		}
		res.raw = append(res.raw, time.Since(t))
	}
	// A whole-country answer after the generation's work, as a reader
	// finds it once the background encoding after a write is done.
	start = time.Now()
	for i := 0; rt.whole && i < cfg.n && (i < minSamples || time.Since(start) <= cfg.budget); i++ {
		q.Invalidate()
		took, err := q.Prepared(ctx)
		if err == nil {
			var work time.Duration
			work, err = q.PrepareAnswers(ctx)
			took += work
			res.answersWork = append(res.answersWork, work)
		}
		if err != nil {
			return res, fmt.Errorf("%s: work of the generation: %w", rt.name, err)
		}
		res.encoding = append(res.encoding, took)
		cpu := processCPU()
		t := time.Now()
		if err := get(); err != nil {
			return res, fmt.Errorf("%s encoded: %w", rt.name, err)
		}
		res.encoded = append(res.encoded, time.Since(t))
		res.encodedCPU = append(res.encodedCPU, processCPU()-cpu)
	}
	if err := get(); err != nil { // fills the cache
		return res, err
	}
	var err error
	res.warm, err = timed(cfg.n, cfg.budget, get)
	take()
	if err != nil {
		return res, fmt.Errorf("%s warm: %w", rt.name, err)
	}
	return res, nil
}

// processCPU is the CPU time the process has used, user and system, all
// threads; 0 where getrusage fails.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startCPUProfile profiles the process into path until the function it
// returns is called (once or more); "" profiles nothing.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}, nil
}

// selectRoutes keeps the routes whose name contains one of only; all when
// only is empty.
func selectRoutes(routes []routeSpec, only []string) []routeSpec {
	if len(only) == 0 {
		return routes
	}
	var out []routeSpec
	for _, r := range routes {
		for _, o := range only {
			if strings.Contains(r.name, o) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// timed runs f n times (fewer once budget has passed and minSamples are
// taken) and returns how long each run took.
func timed(n int, budget time.Duration, f func() error) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := 0; i < n && (i < minSamples || time.Since(start) <= budget); i++ {
		t := time.Now()
		if err := f(); err != nil {
			return lat, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

// fetch GETs u and reads the whole answer; anything but 200 is an error
// naming the route and quoting the start of the answer.
func fetch(ctx context.Context, client *http.Client, u string) (int, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return len(body), resp.StatusCode, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return len(body), resp.StatusCode, fmt.Errorf("GET %s: status %d: %.200s", u, resp.StatusCode, body)
	}
	return len(body), resp.StatusCode, nil
}

// percentile of the durations, by the same rule as loadURL (with fewer
// than 100 samples p99 is the slowest).
func percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// latencyFacts are the circumstances of a run, printed above its tables.
type latencyFacts struct {
	db                 string
	reports            int
	county             string
	year               int
	version            string
	loadStart, loadEnd string
	hwmKB, rssKB       int
	per                time.Duration
}

func writeLatencyMarkdown(w io.Writer, cfg latencyConfig, f latencyFacts, results []routeResult, loaded []routeSpec, loads []loadResult) {
	fmt.Fprintf(w, "### Serving %s reports: %s (%s %d)\n\n", thousands(f.reports), filepath.Base(f.db), f.county, f.year)
	fmt.Fprintf(w, "    %s\n\n", cfg.argsLine)
	fmt.Fprintf(w, "Machine: %d cores (%s), %s, Go %s %s/%s, DuckDB %s; load average %s at the start, %s at the end. ",
		runtime.NumCPU(), cpuModel(), memTotal(), strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH, f.version, f.loadStart, f.loadEnd)
	fmt.Fprintf(w, "The server runs in the bench's process on 127.0.0.1 over the file opened read-only; requests go over loopback HTTP one at a time. "+
		"**cold**: the query cache emptied before each request (DuckDB's own buffers stay warm); **warm**: cached; "+
		"**raw**: the statements the first cold request ran (query/sql, same text and bound arguments), run one after another on the same file through database/sql, every row read, nothing else, each run right after a cold request. "+
		"Times in ms; with fewer than 100 requests p99 is the slowest.\n\n")
	fmt.Fprintln(w, "| route | stmts | n | cold p50 | cold p99 | warm p50 | warm p99 | raw p50 | raw p99 | cold/raw p50 | warm/raw p50 | bytes |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var notes, failures []string
	for _, r := range results {
		name := r.name
		if r.failed != "" {
			failures = append(failures, fmt.Sprintf("%s (%d cold requests done): %s", r.name, len(r.cold), r.failed))
			fmt.Fprintf(w, "| %s `%s` ² | — | %d | — | — | — | — | — | — | — | — | — |\n", name, readable(r.path), len(r.cold))
			continue
		}
		if r.partial != "" {
			notes = append(notes, r.name+": "+r.partial)
			name += " ¹"
		}
		stmts := strconv.Itoa(len(r.stmts))
		if r.coldStmtsVarying {
			stmts += "*"
		}
		rawP50, rawP99, coldRatio, warmRatio := "—", "—", "—", "—"
		if len(r.raw) > 0 {
			rp := percentile(r.raw, 0.5)
			rawP50, rawP99 = fmtMS(rp), fmtMS(percentile(r.raw, 0.99))
			coldRatio = ratio(percentile(r.cold, 0.5), rp)
			warmRatio = ratio(percentile(r.warm, 0.5), rp)
		}
		fmt.Fprintf(w, "| %s `%s` | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, readable(r.path), stmts, len(r.cold),
			fmtMS(percentile(r.cold, 0.5)), fmtMS(percentile(r.cold, 0.99)), fmtMS(percentile(r.warm, 0.5)), fmtMS(percentile(r.warm, 0.99)),
			rawP50, rawP99, coldRatio, warmRatio, thousands(r.bytes))
	}
	fmt.Fprintln(w)
	if len(notes) > 0 {
		fmt.Fprintf(w, "¹ The raw SQL is the query layer's only: %s.", strings.Join(notes, "; "))
		fmt.Fprintln(w, " stmts 0 means the route ran no query-layer SQL cold (an answer cached elsewhere, or none needed); * that cold requests ran different numbers of statements.")
		fmt.Fprintln(w)
	}
	if len(failures) > 0 {
		fmt.Fprintf(w, "² Not measured: %s.\n\n", strings.Join(failures, "; "))
	}
	var prep []time.Duration
	for _, r := range results {
		prep = append(prep, r.prepare...)
	}
	if len(prep) > 0 {
		fmt.Fprintf(w, "Computed once per data generation (query.Service.Prepared: the county index, the place tree, the province medians), in the background right after each write, before the cold requests above: p50 %s ms, p99 %s ms over %d generations.\n\n",
			fmtMS(percentile(prep, 0.5)), fmtMS(percentile(prep, 0.99)), len(prep))
	}
	fmt.Fprintln(w, "CPU time of the process (user + system, all threads) per cold request, ms: less stretched by a loaded machine than the wall times above.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| route | cold CPU p50 | cold CPU p99 | cold wall p50 |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, r := range results {
		if r.failed == "" && len(r.coldCPU) > 0 {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.name, fmtMS(percentile(r.coldCPU, 0.5)), fmtMS(percentile(r.coldCPU, 0.99)), fmtMS(percentile(r.cold, 0.5)))
		}
	}
	fmt.Fprintln(w)
	writeEncodedTable(w, results)
	writeStatementTable(w, results)
	fmt.Fprintf(w, "Under load: %d requests in flight, %s per URL, the cache warm (repeated queries):\n\n", cfg.conc, f.per)
	fmt.Fprintln(w, "| route | requests | req/s | p50 ms | p99 ms | errors |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for i, rt := range loaded {
		l := loads[i]
		fmt.Fprintf(w, "| %s `%s` | %s | %s | %s | %s | %d |\n", rt.name, readable(rt.path), thousands(l.Requests), thousands(int(l.PerSecond()+0.5)), fmtMS(l.P50), fmtMS(l.P99), l.Errors)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Peak RSS of the process (server and bench together, VmHWM): %s MB; resident at the end: %s MB.\n",
		thousands(f.hwmKB/1024), thousands(f.rssKB/1024))
}

// writeStatementTable lists, for every route that ran more than one
// statement, each statement's raw p50: where a route's SQL time goes.
func writeStatementTable(w io.Writer, results []routeResult) {
	var lines []string
	for _, r := range results {
		if r.failed != "" || len(r.stmts) < 2 || len(r.stmtRaw) != len(r.stmts) {
			continue
		}
		for i, s := range r.stmts {
			lines = append(lines, fmt.Sprintf("| %s | %d | %s | %s |", r.name, i+1, s.Name, fmtMS(percentile(r.stmtRaw[i], 0.5))))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "Raw SQL per statement (routes of more than one; p50 ms):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| route | # | statement | raw p50 |")
	fmt.Fprintln(w, "|---|---:|---|---:|")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w)
}

// readable shows a path with its query decoded (Chinese names as such),
// for the table only.
func readable(path string) string {
	if p, err := url.QueryUnescape(path); err == nil {
		return p
	}
	return path
}

func fmtMS(d time.Duration) string {
	v := ms(d)
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return thousands(int(v + 0.5))
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "—"
	}
	r := float64(a) / float64(b)
	if r < 1 {
		return strconv.FormatFloat(r, 'f', 2, 64) + "×" // a warm answer is a small fraction
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// thousands writes n with a thin space between groups of three digits, as
// docs/benchmarks.md does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func duckdbVersion(ctx context.Context, st *store.Store) string {
	var v string
	if err := st.DB().QueryRowContext(ctx, sqlDuckDBVersion).Scan(&v); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return v
}

// procStatusKB reads one "kB" field of /proc/self/status; 0 when absent
// (not Linux).
func procStatusKB(field string) int {
	v, _ := procField("/proc/self/status", field)
	n, _ := strconv.Atoi(strings.TrimSuffix(v, " kB"))
	return n
}

func cpuModel() string {
	if v, ok := procField("/proc/cpuinfo", "model name"); ok {
		return v
	}
	return runtime.GOARCH
}

func memTotal() string {
	v, ok := procField("/proc/meminfo", "MemTotal")
	n, err := strconv.Atoi(strings.TrimSuffix(v, " kB"))
	if !ok || err != nil {
		return "memory unknown"
	}
	return fmt.Sprintf("%.0f GiB", float64(n)/(1<<20))
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// procField returns the value of the first "name: value" line of a /proc
// file.
func procField(path, name string) (string, bool) {
	fh, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// shellLine quotes the command line for the results, so it can be pasted
// back into a shell.
func shellLine(args []string) string {
	out := []string{"analytics", "bench"}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$*?&;|<>()[]{}\\`!#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

// writeEncodedTable lists the whole-country answers timed after the
// generation's work: the cold column above is the first request after a
// write, which computes the answer; here the request comes after the
// work, and the work's time per generation (the place tree included) is
// what each write costs in the background.
func writeEncodedTable(w io.Writer, results []routeResult) {
	var rows []routeResult
	for _, r := range results {
		if r.failed == "" && len(r.encoded) > 0 {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "Whole-country answers encoded once per generation (api/answercache.go): a request after the generation's work, and that work (the place tree, the province medians and the whole-country forms read in the generation before, in the background after writes pause; the last column the forms alone), ms:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| route | n | after the work p50 | p99 | CPU p50 | work per generation p50 | p99 | of which the answers p50 |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", r.name, len(r.encoded), fmtMS(percentile(r.encoded, 0.5)), fmtMS(percentile(r.encoded, 0.99)),
			fmtMS(percentile(r.encodedCPU, 0.5)), fmtMS(percentile(r.encoding, 0.5)), fmtMS(percentile(r.encoding, 0.99)), fmtMS(percentile(r.answersWork, 0.5)))
	}
	fmt.Fprintln(w)
}
