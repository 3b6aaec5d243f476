package main

import (
	"context"
	"fmt"
	"io"

	"nianbao/store"
)

func init() {
	register(command{name: "restore", summary: "restore a backup folder into a database file, checked against its manifest", run: runRestore})
}

func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("restore", "restore --from DIR [--db FILE] [--force]", stderr)
	from := fs.String("from", "", "backup folder (written by analytics backup or serve --backup-every)")
	db := fs.String("db", "", "database file to restore into (default $ANALYTICS_DB or "+defaultDB+")")
	force := fs.Bool("force", false, "replace an existing file; it is kept as FILE.before-restore-YYYYMMDD-HHMMSS")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	path := dbPath(*db)
	if base, up := runningServer(path); up {
		fmt.Fprintf(stderr, "analytics restore: 服务器 %s 正在使用 %s，请先停止它再恢复 (stop the server first)\n", base, path)
		return 1
	}
	r, err := store.RestoreBackup(context.Background(), *from, path, *force)
	if err != nil {
		fmt.Fprintf(stderr, "analytics restore: %v\n", err)
		return 1
	}
	m := r.Manifest
	fmt.Fprintf(stdout, "已把备份 %s（%s 生成，数据库结构第 %d 号）恢复到 %s。\n", *from, m.Created.Local().Format("2006-01-02 15:04:05"), m.SchemaVersion, path)
	fmt.Fprintf(stdout, "与清单核对一致：报告 %d 份，版本 %d 个，单元格 %d 个，更正 %d 条，审计记录 %d 条；每份报告完整。\n",
		r.Counts["reports"], r.Counts["report_versions"], r.Counts["cells"], r.Counts["corrections"], r.Counts["audit_log"])
	if r.Aside != "" {
		fmt.Fprintf(stdout, "原来的数据库已改名保留为 %s。\n", r.Aside)
	}
	return 0
}
