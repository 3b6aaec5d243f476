package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"

	"nianbao/query"
	"nianbao/store"
)

func init() {
	register(command{name: "export", summary: "write every cell as Parquet, partitioned by year and county", run: runExport})
}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", "export [--db FILE] --parquet DIR [--county 乐至县] [--city 资阳市] [--province 四川省] [--year 2023]", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	dir := fs.String("parquet", "", "directory to write (year=YYYY/province=NAME/county=NAME/*.parquet; names are percent-encoded)")
	var f query.ExportFilter
	fs.StringVar(&f.County, "county", "", "only this county (name or GB/T 2260 code)")
	fs.StringVar(&f.City, "city", "", "only this city (name or code)")
	fs.StringVar(&f.Province, "province", "", "only this province (name or code)")
	fs.IntVar(&f.Year, "year", 0, "only this report year")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if f.Year != 0 && (f.Year < 1990 || f.Year > 2100) {
		fmt.Fprintf(stderr, "analytics export: --year %d 不是年份，应为 1990 至 2100 之间，例如 --year 2023\n", f.Year)
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
		n, err := fetchParquet(base, exportPath(f), *dir)
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
	if err := query.New(st).ExportParquetWhere(context.Background(), *dir, f); err != nil {
		fmt.Fprintf(stderr, "analytics export: %v\n", err)
		return 1
	}
	slog.New(slog.NewTextHandler(stderr, nil)).Info("export done", "db", path, "parquet", *dir)
	fmt.Fprintf(stdout, "cells written to %s\n", *dir)
	return 0
}

// exportPath is the server's export of the filter f (the whole export,
// cached by the server, when f is empty).
func exportPath(f query.ExportFilter) string {
	v := url.Values{}
	for k, s := range map[string]string{"county": f.County, "city": f.City, "province": f.Province} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	if len(v) == 0 {
		return "/api/v1/export/parquet"
	}
	return "/api/v1/export/parquet?" + v.Encode()
}
