package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"nianbao/assess"
	"nianbao/store"
)

func init() {
	register(command{name: "correct", summary: "correct a misread cell of a stored report, with a reason (kept in the audit log)", run: runCorrect})
	register(command{name: "audit", summary: "list every human change: corrections, reviews, orphaned corrections, deletions", run: runAudit})
}

func runCorrect(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("correct", "correct [--db FILE] --reason TEXT [--author NAME] REPORT_ID CODE VALUE", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	reason := fs.String("reason", "", "why the value is corrected (required)")
	author := fs.String("author", os.Getenv("USER"), "who corrects (default $USER)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 3 {
		fs.Usage()
		return 2
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: report id %q is not a number\n", pos[0])
		return 2
	}
	value, err := strconv.ParseFloat(pos[2], 64)
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: value %q is not a number\n", pos[2])
		return 2
	}
	if *author == "" {
		*author = "cli"
	}
	st, err := store.Open(dbPath(*db))
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: %v\n", err)
		return 1
	}
	defer st.Close()
	c, err := st.Correct(context.Background(), id, pos[1], value, *reason, *author)
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: %v\n", err)
		return 1
	}
	if err := assess.Recheck(context.Background(), st, id); err != nil {
		fmt.Fprintf(stderr, "analytics correct: %v\n", err)
		return 1
	}
	parsed := "（原文无此单元格）"
	if c.ParsedValue != nil {
		parsed = strconv.FormatFloat(*c.ParsedValue, 'f', -1, 64)
	}
	fmt.Fprintf(stdout, "已更正 报告%d %s：解析值 %s → 更正值 %s（%s，%s）\n", id, c.Code, parsed, strconv.FormatFloat(c.Value, 'f', -1, 64), c.Reason, c.Author)
	return 0
}

func runAudit(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit", "audit [--db FILE] [--limit N]", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	limit := fs.Int("limit", 1000, "most entries to list")
	if _, err := parseInterleaved(fs, args); err != nil {
		return 2
	}
	st, err := store.Open(dbPath(*db))
	if err != nil {
		fmt.Fprintf(stderr, "analytics audit: %v\n", err)
		return 1
	}
	defer st.Close()
	entries, err := st.Audit(context.Background(), *limit)
	if err != nil {
		fmt.Fprintf(stderr, "analytics audit: %v\n", err)
		return 1
	}
	actions := map[string]string{"upload": "上传", "correct": "更正", "review": "复核", "orphan": "更正失效", "delete": "删除"}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "序号\t时间\t操作人\t操作\t机关\t县区\t年度\t对象\t原值\t新值\t说明")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02 15:04:05"), e.Author,
			actions[e.Action], e.Agency, e.County, e.Year, e.Target, orDash(e.OldValue), orDash(e.NewValue), orDash(e.Comment))
	}
	tw.Flush()
	return 0
}
