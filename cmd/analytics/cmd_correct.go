package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"text/tabwriter"

	"nianbao/change"
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
	if *author == "" {
		*author = "cli"
	}
	st, err := store.Open(dbPath(*db))
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: %s\n", heldAdvice(dbPath(*db), err, fmt.Sprintf("/web/reports/%d#correct", id), fmt.Sprintf("PUT /api/v1/reports/%d/cells/%s {\"value\": %s, \"reason\": \"…\"}", id, pos[1], pos[2])))
		return 1
	}
	defer st.Close()
	// The same checks, the same messages and the same steps after the
	// write as the API and the web pages: package change does all three.
	// Whoever holds the database file corrects with full rights.
	c, err := change.New(st, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))).Correct(context.Background(), change.Admin(*author), id, pos[1], pos[2], *reason)
	if err != nil {
		fmt.Fprintf(stderr, "analytics correct: %s\n", changeMessage(err))
		return 1
	}
	parsed := "（原文无此单元格）"
	if c.ParsedValue != nil {
		parsed = strconv.FormatFloat(*c.ParsedValue, 'f', -1, 64)
	}
	fmt.Fprintf(stdout, "已更正 报告%d %s：解析值 %s → 更正值 %s（%s，%s）\n", id, c.Code, parsed, strconv.FormatFloat(c.Value, 'f', -1, 64), c.Reason, c.Author)
	return 0
}

// changeMessage is the sentence for a refused or failed change, as the
// API and the web pages give it (change.Explain); a fault of the server
// keeps its details, since the person at the terminal is its operator.
func changeMessage(err error) string {
	status, _, msg := change.Explain(err)
	if status == http.StatusInternalServerError {
		return err.Error()
	}
	return msg
}

func runAudit(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit", "audit [--db FILE] [--limit N]", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	limit := fs.Int("limit", 1000, "most entries to list")
	if _, err := parseInterleaved(fs, args); err != nil {
		return 2
	}
	var entries []store.AuditEntry
	st, err := store.Open(dbPath(*db))
	switch {
	case errors.Is(err, store.ErrLocked):
		// A server holds the database: ask it.
		base, up := runningServer(dbPath(*db))
		if !up {
			fmt.Fprintf(stderr, "analytics audit: %v；服务器地址文件 %s 不存在或服务器没有响应\n", err, addrFile(dbPath(*db)))
			return 1
		}
		var list struct {
			Entries []store.AuditEntry `json:"entries"`
		}
		if err := getJSON(base, fmt.Sprintf("/api/v1/audit?limit=%d", *limit), &list); err != nil {
			fmt.Fprintf(stderr, "analytics audit: %v\n", err)
			return 1
		}
		entries = list.Entries
	case err != nil:
		fmt.Fprintf(stderr, "analytics audit: %v\n", err)
		return 1
	default:
		defer st.Close()
		if entries, err = st.Audit(context.Background(), *limit); err != nil {
			fmt.Fprintf(stderr, "analytics audit: %v\n", err)
			return 1
		}
	}
	actions := map[string]string{"upload": "上传", "correct": "更正", "undo": "撤销更正", "review": "复核", "orphan": "更正失效", "delete": "删除"}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "序号\t时间\t操作人\t操作\t机关\t县区\t年度\t对象\t原值\t新值\t说明")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02 15:04:05"), e.Author,
			actions[e.Action], e.Agency, e.County, e.Year, e.Target, orDash(e.OldValue), orDash(e.NewValue), orDash(e.Comment))
	}
	tw.Flush()
	return 0
}
