package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"nianbao/query"
	"nianbao/store"
)

func init() {
	register(command{name: "export", summary: "write every cell as Parquet, partitioned by year and county", run: runExport})
}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", "export [--db FILE] --parquet DIR", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	dir := fs.String("parquet", "", "directory to write (year=YYYY/county=NAME/*.parquet; county names are percent-encoded)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	path := dbPath(*db)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "analytics export: no database at %s (run `analytics ingest` first): %v\n", path, err)
		return 1
	}
	st, err := store.Open(path)
	if errors.Is(err, store.ErrLocked) {
		// A server holds the database: it writes the files and sends them.
		base, up := runningServer(path)
		if !up {
			fmt.Fprintf(stderr, "analytics export: %v；服务器地址文件 %s 不存在或服务器没有响应\n", err, addrFile(path))
			return 1
		}
		n, err := fetchParquet(base, *dir)
		if err != nil {
			fmt.Fprintf(stderr, "analytics export: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "cells written to %s (%d files, from the server at %s)\n", *dir, n, base)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "analytics export: %v\n", err)
		return 1
	}
	defer st.Close()
	if err := query.New(st).ExportParquet(context.Background(), *dir); err != nil {
		fmt.Fprintf(stderr, "analytics export: %v\n", err)
		return 1
	}
	slog.New(slog.NewTextHandler(stderr, nil)).Info("export done", "db", path, "parquet", *dir)
	fmt.Fprintf(stdout, "cells written to %s\n", *dir)
	return 0
}
