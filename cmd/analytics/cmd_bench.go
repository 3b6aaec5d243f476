package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

func init() {
	register(command{name: "bench", summary: "load a running server on loopback: requests/s, p50 and p99 (at most 30 s)", run: runBench})
}

// maxBenchDuration bounds a load run, so a mistyped flag cannot keep a
// machine shared with others busy.
const maxBenchDuration = 30 * time.Second

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", "bench --url http://127.0.0.1:PORT/PATH [--url …] [--duration 10s] [--concurrency 8]\n       analytics bench --latency --db FILE [--n 30] [--budget 20s] [--load 5s] [--timeout 1m] [--concurrency 8] [--county C] [--year Y] [--only NAME] [--cpuprofile FILE]\n       analytics bench --summarise DIR", stderr)
	var urls multiFlag
	fs.Var(&urls, "url", "a loopback URL to request (repeat for several; each gets the whole duration)")
	duration := fs.Duration("duration", 10*time.Second, "how long to load each URL (at most 30s)")
	conc := fs.Int("concurrency", 8, "requests in flight at once (1–256)")
	latency := fs.Bool("latency", false, "measure a database file instead: every serving route cold, warm and as raw SQL, then under load, as a Markdown table")
	db := fs.String("db", "", "with --latency: the DuckDB file, opened read-only (copy one that is being written first)")
	n := fs.Int("n", 30, "with --latency: requests per route for each of cold, warm and raw")
	budget := fs.Duration("budget", 20*time.Second, "with --latency: a route's cold, warm or raw series stops after this (once it has 3 requests)")
	load := fs.Duration("load", 5*time.Second, "with --latency: load per URL under concurrency (all URLs together at most 30s)")
	county := fs.String("county", "", "with --latency: the county of the routes (default: the one with most reports in the year)")
	year := fs.Int("year", 0, "with --latency: the year of the routes (default: the one with most reports)")
	timeout := fs.Duration("timeout", time.Minute, "with --latency: the longest one request may take; a route over it is reported as failed")
	cpuprofile := fs.String("cpuprofile", "", "with --latency: write a CPU profile of the cold, raw and warm requests (not the load) to this file")
	summarise := fs.String("summarise", "", "read the step logs scripts/bench-scale.sh wrote into this directory and print issue 25's targets as one Markdown table (cmd_bench_summary.go)")
	var only multiFlag
	fs.Var(&only, "only", "with --latency: measure only the routes whose name contains this (repeat for several)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *summarise != "" {
		if err := writeSummary(stdout, *summarise); err != nil {
			fmt.Fprintf(stderr, "analytics bench: %v\n", err)
			return 1
		}
		return 0
	}
	if *latency {
		if *db == "" || len(urls) > 0 || *n < 1 || *budget <= 0 || *load <= 0 || *timeout <= 0 || *conc < 1 || *conc > 256 {
			fmt.Fprintln(stderr, "analytics bench --latency: want --db FILE, no --url, --n of at least 1, positive --budget and --load, --concurrency 1–256")
			fs.Usage()
			return 2
		}
		cfg := latencyConfig{db: *db, n: *n, budget: *budget, load: *load, timeout: *timeout, conc: *conc, county: *county, year: *year, only: only, cpuprofile: *cpuprofile, argsLine: shellLine(args)}
		if err := runLatency(context.Background(), cfg, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "analytics bench: %v\n", err)
			return 1
		}
		return 0
	}
	if len(urls) == 0 || *duration <= 0 || *duration > maxBenchDuration || *conc < 1 || *conc > 256 {
		fmt.Fprintln(stderr, "analytics bench: want --url, --duration up to 30s and --concurrency 1–256")
		fs.Usage()
		return 2
	}
	fmt.Fprintf(stdout, "%-60s %8s %10s %8s %8s %7s\n", "url", "requests", "req/s", "p50_ms", "p99_ms", "errors")
	for _, u := range urls {
		res, err := loadURL(context.Background(), u, *duration, *conc)
		if err != nil {
			fmt.Fprintf(stderr, "analytics bench: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "%-60s %8d %10.0f %8.2f %8.2f %7d\n", u, res.Requests, res.PerSecond(), ms(res.P50), ms(res.P99), res.Errors)
	}
	return 0
}

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadResult is what one bounded load run measured.
type loadResult struct {
	Requests, Errors int
	Elapsed          time.Duration
	P50, P99         time.Duration
}

func (r loadResult) PerSecond() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// loadURL requests u from conc workers until d has passed, on loopback
// only; a response other than 200 counts as an error.
func loadURL(ctx context.Context, u string, d time.Duration, conc int) (loadResult, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return loadResult{}, err
	}
	if ip := net.ParseIP(pu.Hostname()); pu.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return loadResult{}, fmt.Errorf("%s: only loopback addresses (127.0.0.0/8, localhost, ::1) may be loaded", u)
	}
	ctx, cancel := context.WithTimeout(ctx, min(d, maxBenchDuration))
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				t := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					break // cut off by the end of the run: not counted
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					bad++
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := loadResult{Requests: len(lat), Errors: errs, Elapsed: time.Since(start)}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = lat[len(lat)/2]
		res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return res, nil
}
