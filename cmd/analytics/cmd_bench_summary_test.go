package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateSummary = flag.Bool("update-summary", false, "rewrite testdata/benchscale/*.golden.md from the logs beside them")

// TestBenchSummaryGolden reads the step logs of scripts/bench-scale.sh in
// testdata/benchscale (two-builds: a real run at SIZE=300 with BEFORE; and
// national-failures: logs of 200 000 reports where the floor, a page and
// the uploads failed and the before build is absent) and compares the
// table with the golden one beside them.
func TestBenchSummaryGolden(t *testing.T) {
	for _, name := range []string{"two-builds", "national-failures"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "benchscale", name)
			var out bytes.Buffer
			if err := writeSummary(&out, dir); err != nil {
				t.Fatal(err)
			}
			golden := dir + ".golden.md"
			if *updateSummary {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -run TestBenchSummaryGolden -update-summary writes it)", err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("table of %s differs from %s:\n%s", dir, golden, got)
			}
		})
	}
}

// TestBenchSummaryVerdicts checks the verdicts of the table row by row
// against the logs' figures, apart from the golden's exact wording.
func TestBenchSummaryVerdicts(t *testing.T) {
	tests := []struct {
		dir, build, target string
		holds, note        string // note: a substring of the figure, or of why it is 未测
	}{
		{"two-builds", "after", "ingest, national mix: CPU per report", "否", "31.9×"},
		{"two-builds", "before", "ingest, national mix: CPU per report", "否", "31.0×"},
		{"two-builds", "after", "200 000 national reports", "未测", "for 300"},
		{"two-builds", "after", "ingest peak RSS", "是", "263 MB"},
		{"two-builds", "after", "ingest, text only", "否", "190 text files"},
		{"two-builds", "before", "upload p50", "否", "46.5 ms"},
		{"two-builds", "after", "upload p50", "是", "29.6 ms"},
		{"two-builds", "after", "county page p99", "否", "p99 107 ms"},
		{"two-builds", "after", "outcomes of every county", "否", "3.4×"},
		{"two-builds", "after", "assessment p99", "是", "CPU p50 "},
		{"two-builds", "before", "load average (1 min) before → after: COPY floor", "—", "—"},
		{"two-builds", "after", "load average (1 min) before → after: COPY floor", "—", "7.92 → 7.93"},
		{"national-failures", "after", "ingest, national mix: CPU per report", "未测", "TestFloorOfDatabase failed"},
		{"national-failures", "after", "ingest, national mix ≥ 1 000", "否", "832/s"},
		{"national-failures", "after", "200 000 national reports", "否", "4 min 00 s"},
		{"national-failures", "after", "ingest peak RSS", "否", "1 414 MB"},
		{"national-failures", "after", "ingest, text only", "是", "2 627/s"},
		{"national-failures", "after", "upload p50", "未测", "did not answer"},
		{"national-failures", "after", "county page p99", "未测", "context deadline exceeded"},
		{"national-failures", "after", "entry page p99", "是", "p99 1.67 ms"},
		{"national-failures", "after", "compare p99", "是", "p99 28.8 ms"},
		{"national-failures", "after", "cells of every county", "是", "1.6×"},
		{"national-failures", "after", "serve peak RSS", "否", "1 152 MB"},
		{"national-failures", "before", "upload p50", "未测", "no log upload.before.log"},
	}
	rows := map[string][]summaryRow{}
	for _, tc := range tests {
		key := tc.dir + "/" + tc.build
		if rows[key] == nil {
			rows[key] = buildRows(filepath.Join("testdata", "benchscale", tc.dir), tc.build)
		}
		i := slices.IndexFunc(rows[key], func(r summaryRow) bool { return strings.HasPrefix(r.target, tc.target) })
		if i < 0 {
			t.Errorf("%s: no row %q", key, tc.target)
			continue
		}
		c := rows[key][i].c
		if c.holds != tc.holds || !strings.Contains(c.figure, tc.note) {
			t.Errorf("%s, %s: %q holds %q, want %q with %q", key, tc.target, c.figure, c.holds, tc.holds, tc.note)
		}
	}
}

// TestBenchSummaryReadsLatencyMarkdown: what writeLatencyMarkdown prints
// today is what the summary reads (a renamed route or column would
// otherwise make the table say 未测 without a failing test).
func TestBenchSummaryReadsLatencyMarkdown(t *testing.T) {
	ms := func(v ...float64) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x*float64(time.Millisecond)))
		}
		return out
	}
	specs := map[string]routeSpec{}
	for _, r := range latencyRoutes("青阳县", 2024) {
		specs[r.name] = r
	}
	var results []routeResult
	for i, sp := range summaryPages {
		spec, ok := specs[sp.route]
		if !ok {
			t.Fatalf("summary route %q is not one of latencyRoutes", sp.route)
		}
		if spec.whole != sp.whole {
			t.Errorf("%s: whole %v in the summary, %v in latencyRoutes", sp.route, sp.whole, spec.whole)
		}
		base := float64(10 * (i + 1))
		r := routeResult{routeSpec: spec, cold: ms(base, base+5), warm: ms(1), raw: ms(base / 2), coldCPU: ms(1), prepare: ms(3)}
		if spec.whole {
			r.encoded, r.encodedCPU, r.encoding, r.answersWork = ms(base/10), ms(1), ms(3), ms(2)
		}
		if sp.route == "assessment" {
			r.failed = "GET: status 500"
		}
		results = append(results, r)
	}
	var buf bytes.Buffer
	writeLatencyMarkdown(&buf, latencyConfig{}, latencyFacts{db: "x.duckdb", reports: 212_345, county: "青阳县", year: 2024, hwmKB: 700 * 1024}, results, nil, nil)
	p, ok := parsePages(stepLog{lines: strings.Split(buf.String(), "\n")})
	if !ok || p.reports != 212_345 || !p.hasPeak || p.peakMB != 700 {
		t.Fatalf("header or peak RSS not read: %+v (ok %v)\n%s", p, ok, buf.String())
	}
	for i, sp := range summaryPages {
		base := float64(10 * (i + 1))
		got, ok := p.routes[sp.route]
		switch {
		case !ok:
			t.Errorf("%s: not read", sp.route)
		case sp.route == "assessment":
			if !got.failed {
				t.Errorf("%s: its failure not read: %+v", sp.route, got)
			}
		case got.failed || got.n != 2 || got.coldP50 != base+5 || got.coldP99 != base+5 || got.rawP50 != base/2 || !got.hasCPU || got.cpuP50 != 1:
			// With two requests the p50 is the slower (percentile).
			t.Errorf("%s: read %+v, want n 2, cold %v, raw %v, CPU 1", sp.route, got, base+5, base/2)
		case sp.whole && (!got.hasWork || got.work != base/10):
			t.Errorf("%s: after the work read %+v, want %v", sp.route, got, base/10)
		}
	}
}
