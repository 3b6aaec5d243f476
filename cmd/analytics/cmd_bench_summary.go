package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// analytics bench --summarise DIR reads the step logs scripts/bench-scale.sh
// wrote into DIR and prints every target of issue 25 as one Markdown table,
// "target | figure | holds", with a before and an after column when the
// run measured a second build (BEFORE=BIN). Every figure comes from the
// logs, that is from the commands' own output: the ingest's /usr/bin/time
// line as the script prints it, the COPY floor's test line, the upload
// lines, and the Markdown of analytics bench --latency. A step that could
// not be measured says so ("未测: …", written by the script, or the log
// missing), and its rows say 未测 with that reason.
//
// The logs are <step>.<build>.log, build "after" (ANALYTICS or this tree)
// or "before" (BEFORE), and floor.log, measured once per run on the after
// build's database: the COPY of the same cells does not depend on the
// build that wrote them.

// Steps of bench-scale.sh, in the order it runs them.
const (
	stepMix   = "ingest-mix"
	stepText  = "ingest-text"
	stepFloor = "floor"
	stepPages = "pages"
	stepUp    = "upload"
)

// The targets' thresholds (issue 25, "Targets").
const (
	targetFloorRatio  = 3.0     // ingest CPU per report ≤ 3× the COPY floor's
	targetMixPerSec   = 1000.0  // national format mix
	targetTextPerSec  = 2500.0  // text only
	targetNationalS   = 180.0   // 200 000 national reports in under 3 minutes
	targetRSSMB       = 1024.0  // ingest and serve peak RSS under 1 GB
	targetUploadP50   = 40.0    // ms, into a 200 000-report database
	targetPageP99     = 50.0    // ms cold, at 200 000 reports
	targetWholeRatio  = 3.0     // whole-country answers ≤ 3× their raw SQL
	targetNationalN   = 200_000 // the size the targets are set at
	summaryUnmeasured = "未测"
)

// summaryPages are the routes of analytics bench --latency the table
// shows (bench-scale.sh passes them as --only): the county-scoped pages
// and routes of the p99 target, then the whole-country answers of the
// ratio target. The names are those of latencyRoutes.
var summaryPages = []struct {
	route, label string
	whole        bool
}{
	{"dashboards/county page", "county page", false},
	{"dashboards/ entry page", "entry page", false},
	{"assessment", "assessment", false},
	{"stats/compare", "compare", false},
	{"cells, all reports by county", "cells of every county", true},
	{"stats/outcomes, all by county", "outcomes of every county", true},
}

// stepLog is one step's log as the script left it.
type stepLog struct {
	lines                 []string
	loadBefore, loadAfter string // the 1-minute load average around the step
	unmeasured            string // why the step measured nothing ("" if it did)
}

func readStep(dir, step, build string) stepLog {
	name := step + "." + build + ".log"
	if step == stepFloor {
		name = step + ".log"
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return stepLog{unmeasured: "no log " + name}
	}
	var s stepLog
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		s.lines = append(s.lines, l)
		switch {
		case strings.HasPrefix(l, "load average before: "):
			s.loadBefore = firstField(strings.TrimPrefix(l, "load average before: "))
		case strings.HasPrefix(l, "load average after: "):
			s.loadAfter = firstField(strings.TrimPrefix(l, "load average after: "))
		case strings.HasPrefix(l, summaryUnmeasured+": ") && s.unmeasured == "":
			s.unmeasured = strings.TrimPrefix(l, summaryUnmeasured+": ")
		}
	}
	return s
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// match returns the submatches of the first line re matches.
func (s stepLog) match(re *regexp.Regexp) []string {
	for _, l := range s.lines {
		if m := re.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	return nil
}

var (
	reIngest = regexp.MustCompile(`^ingest: (\d+) files, wall ([\d.]+) s, CPU ([\d.]+) s .* = ([\d.]+) ms CPU per report, (\d+) reports/s, (\d+)% of one core, peak RSS (\d+) MB`)
	reFloor  = regexp.MustCompile(`floor: (\d+) reports, (\d+) cells; COPY ([\d.]+) s wall, ([\d.]+) s CPU = ([\d.]+) ms CPU per report`)
	reUpload = regexp.MustCompile(`^upload \(POST /api/v1/reports[^)]*\): (\d+) stored, p50 ([\d.]+) ms, p99 ([\d.]+) ms`)
	reUpCPU  = regexp.MustCompile(`^upload: server CPU .* ([\d.]+) ms per upload`)
	reUpRSS  = regexp.MustCompile(`^upload: server peak RSS (\d+) MB`)
	rePages  = regexp.MustCompile(`^### Serving ([\d ]+) reports`)
	rePeak   = regexp.MustCompile(`^Peak RSS of the process [^:]*: ([\d ]+) MB`)
)

// logNum reads a figure as the commands print it: digits grouped by spaces
// (thousands), a decimal point, "—" for none.
func logNum(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), 64)
	return v, err == nil
}

// ingestFigures is one ingest step.
type ingestFigures struct {
	files                        int
	wall, cpuMS, perSec, rss, pc float64
}

func parseIngest(s stepLog) (ingestFigures, bool) {
	m := s.match(reIngest)
	if m == nil {
		return ingestFigures{}, false
	}
	f := ingestFigures{}
	f.files, _ = strconv.Atoi(m[1])
	f.wall, _ = logNum(m[2])
	f.cpuMS, _ = logNum(m[4])
	f.perSec, _ = logNum(m[5])
	f.pc, _ = logNum(m[6])
	f.rss, _ = logNum(m[7])
	return f, true
}

// pageRoute is one route of the --latency tables.
type pageRoute struct {
	n                                      int
	coldP50, coldP99, rawP50, work, cpuP50 float64
	hasRaw, hasWork, hasCPU, failed        bool
}

// pagesFigures is what the --latency Markdown says.
type pagesFigures struct {
	reports int
	peakMB  float64
	hasPeak bool
	routes  map[string]pageRoute
}

// parsePages reads the tables of writeLatencyMarkdown by their headers'
// column names, so a column added later does not shift the figures.
func parsePages(s stepLog) (pagesFigures, bool) {
	m := s.match(rePages)
	if m == nil {
		return pagesFigures{}, false
	}
	p := pagesFigures{routes: map[string]pageRoute{}}
	if v, ok := logNum(m[1]); ok {
		p.reports = int(v)
	}
	if m := s.match(rePeak); m != nil {
		p.peakMB, p.hasPeak = logNum(m[1])
	}
	var header map[string]int
	for _, l := range s.lines {
		if !strings.HasPrefix(l, "|") {
			header = nil
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] == "route" {
			header = map[string]int{}
			for i, c := range cells {
				if _, dup := header[c]; !dup {
					header[c] = i
				}
			}
			continue
		}
		if header == nil || strings.HasPrefix(cells[0], "---") {
			continue
		}
		get := func(col string) (float64, bool) {
			i, ok := header[col]
			if !ok || i >= len(cells) {
				return 0, false
			}
			return logNum(cells[i])
		}
		name, _, _ := strings.Cut(cells[0], " `")
		name = strings.TrimSpace(strings.TrimRight(name, " ¹²"))
		r := p.routes[name]
		switch {
		case hasCol(header, "cold p99"): // the main table
			if strings.Contains(cells[0], "²") {
				r.failed = true
			}
			n, _ := get("n")
			r.n = int(n)
			r.coldP50, _ = get("cold p50")
			r.coldP99, _ = get("cold p99")
			r.rawP50, r.hasRaw = get("raw p50")
		case hasCol(header, "after the work p50"): // whole-country answers after the generation's work
			r.work, r.hasWork = get("after the work p50")
		case hasCol(header, "cold CPU p50"): // the process's CPU per cold request
			r.cpuP50, r.hasCPU = get("cold CPU p50")
		default:
			continue
		}
		p.routes[name] = r
	}
	return p, true
}

// routeFailure is why --latency could not measure a route, from the
// table's note "² Not measured: ROUTE (k cold requests done): WHY; …".
func routeFailure(s stepLog, route string) string {
	for _, l := range s.lines {
		if note, ok := strings.CutPrefix(l, "² Not measured: "); ok {
			if _, after, ok := strings.Cut(note, route+" ("); ok {
				why, _, _ := strings.Cut(after, "; ")
				return route + " (" + strings.TrimSuffix(why, ".")
			}
		}
	}
	return route + " failed (see its log)"
}

func hasCol(h map[string]int, c string) bool { _, ok := h[c]; return ok }

// cell is one figure of the table and whether it meets its target.
type cell struct {
	figure string
	holds  string // 是, 否 or 未测
	note   string // what qualifies the verdict (a database smaller than the target's)
}

func unmeasured(why string) cell {
	return cell{figure: summaryUnmeasured + ": " + why, holds: summaryUnmeasured}
}

func yesNo(ok bool) string {
	if ok {
		return "是"
	}
	return "否"
}

// atSize is the cell of a verdict reached on a database of reports,
// qualified when that is fewer than the target's 200 000.
func atSize(figure, holds string, reports int) cell {
	switch {
	case reports >= targetNationalN:
		return cell{figure: figure, holds: holds}
	case reports == 0:
		return cell{figure, holds, "(database size unknown; the target is at 200 000)"}
	}
	return cell{figure, holds, "(at " + thousands(reports) + "; the target is at 200 000)"}
}

// why is the reason a step's rows are unmeasured.
func why(s stepLog, what string) string {
	if s.unmeasured != "" {
		return s.unmeasured
	}
	return "no " + what + " line in the log"
}

// summaryRow is one target of one build.
type summaryRow struct {
	target string
	c      cell
}

// buildRows computes every target's cell for one build.
func buildRows(dir, build string) []summaryRow {
	mix, text, floor := readStep(dir, stepMix, build), readStep(dir, stepText, build), readStep(dir, stepFloor, "")
	pages, up := readStep(dir, stepPages, build), readStep(dir, stepUp, build)
	var rows []summaryRow
	add := func(target string, c cell) { rows = append(rows, summaryRow{target, c}) }

	im, okMix := parseIngest(mix)
	fm := floor.match(reFloor)
	switch {
	case !okMix:
		add("ingest, national mix: CPU per report ≤ 3× DuckDB's COPY of the same cells (same run)", unmeasured(why(mix, "ingest")))
	case fm == nil:
		add("ingest, national mix: CPU per report ≤ 3× DuckDB's COPY of the same cells (same run)", unmeasured("COPY floor: "+why(floor, "floor")))
	default:
		fl, _ := logNum(fm[5])
		r := im.cpuMS / fl
		add("ingest, national mix: CPU per report ≤ 3× DuckDB's COPY of the same cells (same run)",
			cell{figure: fmt.Sprintf("%.2f ms = %.1f× (COPY %.3f ms)", im.cpuMS, r, fl), holds: yesNo(r <= targetFloorRatio)})
	}
	if okMix {
		add("ingest, national mix ≥ 1 000 reports/s",
			cell{figure: fmt.Sprintf("%s/s (%s in %.1f s, %.0f %% of one core)", thousands(int(im.perSec)), thousands(im.files), im.wall, im.pc), holds: yesNo(im.perSec >= targetMixPerSec)})
		if im.files >= targetNationalN {
			add("200 000 national reports in < 3 min", cell{figure: fmtWall(im.wall), holds: yesNo(im.wall < targetNationalS)})
		} else {
			add("200 000 national reports in < 3 min", cell{fmtWall(im.wall) + " for " + thousands(im.files), summaryUnmeasured, "(SIZE " + thousands(im.files) + ")"})
		}
		add("ingest peak RSS < 1 GB", cell{figure: thousands(int(im.rss)) + " MB", holds: yesNo(im.rss < targetRSSMB)})
	} else {
		for _, t := range []string{"ingest, national mix ≥ 1 000 reports/s", "200 000 national reports in < 3 min", "ingest peak RSS < 1 GB"} {
			add(t, unmeasured(why(mix, "ingest")))
		}
	}
	if it, ok := parseIngest(text); ok {
		add("ingest, text only ≥ 2 500 reports/s",
			cell{figure: fmt.Sprintf("%s/s (%s text files in %.1f s, %.2f ms CPU each)", thousands(int(it.perSec)), thousands(it.files), it.wall, it.cpuMS), holds: yesNo(it.perSec >= targetTextPerSec)})
	} else {
		add("ingest, text only ≥ 2 500 reports/s", unmeasured(why(text, "ingest")))
	}

	pg, okPages := parsePages(pages)
	// The database's size: the pages' count (the same database, measured
	// before the uploads), else the mixed corpus ingested.
	reports := pg.reports
	if reports == 0 && okMix {
		reports = im.files
	}
	var upRSS float64
	hasUpRSS := false
	if m := up.match(reUpload); m != nil {
		p50, _ := logNum(m[2])
		p99, _ := logNum(m[3])
		fig := fmt.Sprintf("p50 %s ms (p99 %s, %s uploads", fmtFig(p50), fmtFig(p99), m[1])
		if c := up.match(reUpCPU); c != nil {
			fig += ", server CPU " + c[1] + " ms each"
		}
		add("upload p50 ≤ 40 ms into 200 000 reports", atSize(fig+")", yesNo(p50 <= targetUploadP50), reports))
	} else {
		add("upload p50 ≤ 40 ms into 200 000 reports", unmeasured(why(up, "upload")))
	}
	if m := up.match(reUpRSS); m != nil {
		upRSS, hasUpRSS = logNum(m[1])
	}
	for _, sp := range summaryPages {
		target := sp.label + " p99 < 50 ms cold at 200 000"
		if sp.whole {
			target = sp.label + " (whole country) ≤ 3× raw SQL"
		}
		r, ok := pg.routes[sp.route]
		switch {
		case !okPages:
			add(target, unmeasured(why(pages, "bench --latency")))
		case !ok:
			add(target, unmeasured("route “"+sp.route+"” not in the bench --latency tables"))
		case r.failed:
			add(target, unmeasured("bench --latency: "+routeFailure(pages, sp.route)))
		case sp.whole && !r.hasRaw:
			add(target, unmeasured("no raw SQL recorded for the route"))
		case sp.whole:
			ratio := r.coldP50 / r.rawP50
			fig := fmt.Sprintf("%.1f× (cold p50 %s ms, raw %s ms", ratio, fmtFig(r.coldP50), fmtFig(r.rawP50))
			if r.hasWork {
				fig += fmt.Sprintf("; after the generation's work %s ms = %.2f×", fmtFig(r.work), r.work/r.rawP50)
			}
			add(target, atSize(fig+")", yesNo(ratio <= targetWholeRatio), reports))
		default:
			fig := fmt.Sprintf("p99 %s ms (p50 %s", fmtFig(r.coldP99), fmtFig(r.coldP50))
			if r.hasCPU {
				// Steadier than wall time on a loaded machine.
				fig += ", CPU p50 " + fmtFig(r.cpuP50)
			}
			add(target, atSize(fmt.Sprintf("%s, n = %d)", fig, r.n), yesNo(r.coldP99 < targetPageP99), reports))
		}
	}
	switch {
	case pg.hasPeak || hasUpRSS:
		var parts []string
		worst := 0.0
		if pg.hasPeak {
			parts = append(parts, thousands(int(pg.peakMB))+" MB in bench --latency (server and bench)")
			worst = pg.peakMB
		}
		if hasUpRSS {
			parts = append(parts, thousands(int(upRSS))+" MB serving the uploads")
			worst = max(worst, upRSS)
		}
		add("serve peak RSS < 1 GB", cell{figure: strings.Join(parts, "; "), holds: yesNo(worst < targetRSSMB)})
	default:
		add("serve peak RSS < 1 GB", unmeasured(why(pages, "peak RSS")))
	}
	for _, st := range []struct {
		log  stepLog
		name string
	}{{mix, "ingest, national mix"}, {floor, "COPY floor"}, {text, "ingest, text only"}, {pages, "pages (bench --latency)"}, {up, "uploads"}} {
		c := cell{figure: "—", holds: "—"}
		// The floor is measured once, among the after build's steps.
		if (build == "after" || st.name != "COPY floor") && (st.log.loadBefore != "" || st.log.loadAfter != "") {
			c.figure = orDash(st.log.loadBefore) + " → " + orDash(st.log.loadAfter)
		}
		add("load average (1 min) before → after: "+st.name, c)
	}
	return rows
}

// fmtFig writes a time in ms as the --latency tables do.
func fmtFig(v float64) string {
	return fmtMS(time.Duration(math.Round(v * float64(time.Millisecond))))
}

func fmtWall(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.1f s", s)
	}
	return fmt.Sprintf("%d min %02d s", int(s)/60, int(s+0.5)%60)
}

// writeSummary prints the table of dir's logs: one figure column, or
// before and after when the run measured a second build.
func writeSummary(w io.Writer, dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--summarise %s: 不是 bench-scale.sh 写下的日志目录", dir)
	}
	after := buildRows(dir, "after")
	befores, _ := filepath.Glob(filepath.Join(dir, "*.before.log"))
	if len(befores) == 0 {
		fmt.Fprintln(w, "| target | figure | holds |")
		fmt.Fprintln(w, "|---|---|---|")
		for _, r := range after {
			fmt.Fprintf(w, "| %s | %s | %s |\n", r.target, r.c.figure, strings.TrimSpace(r.c.holds+" "+r.c.note))
		}
		return nil
	}
	before := buildRows(dir, "before")
	fmt.Fprintln(w, "| target | before | after | holds (before → after) |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for i, r := range after {
		b, a := before[i].c, r.c
		holds := a.holds
		if b.holds != "—" || a.holds != "—" {
			holds = b.holds + " → " + a.holds
		}
		holds = strings.TrimSpace(holds + " " + a.note)
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.target, b.figure, a.figure, holds)
	}
	return nil
}
