package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"nianbao/assess"
	"nianbao/report"
	"nianbao/store"
)

func init() {
	register(command{name: "assess", summary: "the assessment: re-run the cross-report checks, print findings per rule and each county's scores", run: runAssess})
}

func runAssess(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("assess", "assess [--db FILE] [--county C] [--year Y] [--sheet FILE] [--deadlines FILE] [--recheck]", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	county := fs.String("county", "", "one county (default: every county stored)")
	year := fs.Int("year", 0, "one year (default: every year stored)")
	sheetPath := fs.String("sheet", "", "score sheet, YAML or JSON, for every county (default: each county's as an admin chose it, else the shipped assess/scoresheet.json)")
	deadlines := fs.String("deadlines", "", "deadlines, YAML or JSON (default: assess/deadlines.json)")
	recheck := fs.Bool("recheck", false, "run the cross-report checks again before scoring")
	if _, err := parseInterleaved(fs, args); err != nil {
		return 2
	}
	ss, err := assess.ReadServerSheet(*sheetPath, *deadlines)
	if err != nil {
		fmt.Fprintf(stderr, "analytics assess: %v\n", err)
		return 2
	}
	st, err := store.Open(dbPath(*db))
	if err != nil {
		fmt.Fprintf(stderr, "analytics assess: %v\n", err)
		return 1
	}
	defer st.Close()
	st.SetServerSheet(ss)
	ctx := context.Background()
	if *county != "" {
		// A code or another writing of the name: the county as reports
		// store it, resolved as /filing and the assessment resolve it.
		if _, _, name, err := st.PlaceOf(ctx, *county); err == nil {
			*county = name
		}
	}
	// --sheet overrides every county's own sheet; without it each county
	// is scored with the one SheetFor gives, as the server does.
	var override *assess.Sheet
	if *sheetPath != "" {
		if override, err = assess.ServerSheet(st); err != nil {
			fmt.Fprintf(stderr, "analytics assess: %v\n", err)
			return 2
		}
	}
	pairs, err := st.CountyYears(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "analytics assess: %v\n", err)
		return 1
	}
	byRule := map[string]int{}
	bands := map[string]int{}
	tw := tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "县\t年度\t机关数\t报送率\t按时率\t综合得分\t绿\t黄\t红\t最低分")
	rechecked := map[string]bool{}
	for _, p := range pairs {
		c, y := p[0].(string), p[1].(int)
		if (*county != "" && c != *county) || (*year != 0 && y != *year) {
			continue
		}
		sheet := override
		if sheet == nil {
			if sheet, err = assess.SheetFor(ctx, st, c); err != nil {
				fmt.Fprintf(stderr, "analytics assess: %v\n", err)
				return 1
			}
		}
		if *recheck && !rechecked[c] {
			if err := assess.RecheckCounty(ctx, st, c, 1990, 2100, sheet); err != nil {
				fmt.Fprintf(stderr, "analytics assess: %v\n", err)
				return 1
			}
			rechecked[c] = true
		}
		a, err := assess.Assess(ctx, st, c, y, sheet)
		if errors.Is(err, store.ErrBadPlace) {
			// Reports under a county the registry cannot place (none given,
			// or a name two counties share): no filing list to score by.
			fmt.Fprintf(stderr, "analytics assess: 跳过 %q %d：%v\n", c, y, err)
			continue
		}
		if err != nil {
			fmt.Fprintf(stderr, "analytics assess: %v\n", err)
			return 1
		}
		fs, err := st.CountyFindings(ctx, c, y)
		if err != nil {
			fmt.Fprintf(stderr, "analytics assess: %v\n", err)
			return 1
		}
		for _, f := range fs {
			byRule[f.Rule]++
		}
		count := map[string]int{}
		low := 0.0
		for i, s := range a.Agencies {
			count[s.Rating.Code]++
			bands[band(s.Score)]++
			if i == 0 || s.Score < low {
				low = s.Score
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", c, y, a.Bodies, pct(a.FilingRate), pct(a.OnTimeRate), opt(a.Composite),
			count["green"], count["yellow"], count["red"], fmt.Sprint(low))
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\n各规则的问题数（条）")
	tw = tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
	for _, r := range report.Rules {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Code, byRule[r.Code], r.Name)
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\n得分分布（机关·年度数）")
	for _, k := range bandOrder {
		fmt.Fprintf(stdout, "  %-8s %d\n", k, bands[k])
	}
	return 0
}

var bandOrder = []string{"100", "95–99.9", "90–94.9", "75–89.9", "0–74.9"}

func band(score float64) string {
	switch {
	case score >= 100:
		return "100"
	case score >= 95:
		return "95–99.9"
	case score >= 90:
		return "90–94.9"
	case score >= 75:
		return "75–89.9"
	}
	return "0–74.9"
}

func pct(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", *v*100)
}

func opt(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprint(*v)
}
