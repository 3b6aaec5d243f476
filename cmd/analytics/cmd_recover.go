package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"nianbao/store"
)

func init() {
	register(command{name: "recover", summary: "copy a database whose write-ahead log cannot be replayed into a new file, and say what was lost", run: runRecover})
}

// recoveredName is FILE.recovered-YYYYMMDD-HHMMSS.duckdb beside FILE.
func recoveredName(db string, now time.Time) string {
	return strings.TrimSuffix(db, ".duckdb") + ".recovered-" + now.Format("20060102-150405") + ".duckdb"
}

func runRecover(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("recover", "recover [--db FILE] [--out NEW_FILE]", stderr)
	db := fs.String("db", "", "the database that does not open (default $ANALYTICS_DB or "+defaultDB+"); it and its .wal are only read")
	out := fs.String("out", "", "the new database file (default FILE.recovered-YYYYMMDD-HHMMSS.duckdb)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	path := dbPath(*db)
	// A database a server holds opened: it needs no recovering, and a copy
	// of a file being written is no snapshot (analytics backup makes one).
	if base, up := runningServer(path); up {
		fmt.Fprintf(stderr, "analytics recover: 服务器 %s 正在使用 %s，说明它能打开，不需要恢复；要备份请用 analytics backup\n", base, path)
		return 1
	}
	if *out == "" {
		*out = recoveredName(path, time.Now())
	}
	r, err := store.Recover(context.Background(), path, *out)
	if err != nil {
		fmt.Fprintf(stderr, "analytics recover: %v\n", err)
		if r == nil {
			return 1
		}
	}
	writeRecovered(stdout, path, r)
	if len(r.Problems) > 0 {
		return 1
	}
	return 0
}

// writeRecovered says what the recovered file holds and, as far as a scan
// of the log can tell, what it lacks.
func writeRecovered(w io.Writer, path string, r *store.Recovered) {
	fmt.Fprintf(w, "已把 %s 的主文件（不含 .wal）恢复到新文件 %s；原文件和 .wal 都没有改动。\n", path, r.Out)
	c := r.Counts
	fmt.Fprintf(w, "恢复出：报告 %d 份，版本 %d 个，单元格 %d 个，更正 %d 条，审计记录 %d 条。\n",
		c["reports"], c["report_versions"], c["cells"], c["corrections"], c["audit_log"])
	if r.WALBytes == 0 {
		fmt.Fprintf(w, "没有未写入的预写日志（%s 不存在或为空）：恢复出的库就是主文件的全部内容。\n", r.WAL)
	} else {
		fmt.Fprintf(w, "未重放的预写日志 %s（%s）留在原处；其中的写入（上次未完成的一批）没有恢复。\n", r.WAL, byteSize(r.WALBytes))
		fmt.Fprintf(w, "按字节扫描 .wal，找到报告文件名 %d 个，其中 %d 个不在恢复出的库中，请重新导入：\n", len(r.WALFiles), len(r.Lost))
		for _, n := range r.Lost {
			fmt.Fprintf(w, "  %s\n", n)
		}
		fmt.Fprintln(w, "（文件名只是从 .wal 的字节中找出来的，不一定完整；.wal 中的更正、复核等其他写入无法逐条列出。）")
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "完整性检查：%s\n", p)
	}
	fmt.Fprintf(w, "确认无误后，停止使用 %s，把 %s 改名为它（或用 --db 指向新文件）。\n", path, r.Out)
}

// byteSize writes a size for a person: bytes, KB or MB.
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d 字节", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
