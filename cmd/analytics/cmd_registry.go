package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"text/tabwriter"

	"nianbao/change"
	"nianbao/registry"
	"nianbao/store"
)

func init() {
	register(command{name: "registry", summary: "the registry of agencies: import a county's units, list unresolved agencies, counts per level", run: runRegistry})
}

func runRegistry(args []string, stdout, stderr io.Writer) int {
	const usageLine = "registry import [--db FILE] [--author NAME] FILE.csv|FILE.xlsx | registry unresolved [--db FILE] | registry stats"
	if len(args) == 0 {
		fmt.Fprintf(stderr, "Usage: analytics %s\n", usageLine)
		return 2
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("registry "+sub, usageLine, stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	author := fs.String("author", os.Getenv("USER"), "who imports, for the audit log")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	ctx := context.Background()
	switch sub {
	case "stats":
		reg, err := registry.Default()
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry: %v\n", err)
			return 1
		}
		n := reg.CountByLevel()
		fmt.Fprintf(stdout, "%s (GB/T 2260, MIT)\n", registry.Version)
		w := tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
		for _, l := range registry.Levels {
			if n[l] > 0 {
				fmt.Fprintf(w, "%s\t%d\n", l, n[l])
			}
		}
		w.Flush()
		return 0
	case "import":
		if len(pos) != 1 {
			fs.Usage()
			return 2
		}
		data, err := os.ReadFile(pos[0])
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry import: %v\n", err)
			return 1
		}
		st, err := store.Open(dbPath(*db))
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry import: %v\n", err)
			return 1
		}
		defer st.Close()
		reg, err := st.Registry(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry import: %v\n", err)
			return 1
		}
		units, err := registry.ReadUnits(reg, filepath.Base(pos[0]), data)
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry import: %v\n", err)
			return 1
		}
		who := "cli"
		if *author != "" {
			who = "cli:" + *author
		}
		// Through package change: names made canonical, the counties
		// re-checked, as every write.
		svc := change.New(st, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		n, err := svc.ImportUnits(ctx, change.Admin(who), filepath.Base(pos[0]), units)
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry import: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "已导入 %d 个单位（%s）\n", n, pos[0])
		w := tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(w, "编号\t名称\t简称\t层级\t所属县（区）\t别名")
		for _, u := range units {
			aliases := ""
			for i, a := range u.Aliases {
				if i > 0 {
					aliases += "、"
				}
				aliases += a.Name
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Place.ID, u.Place.Name, u.Place.Short, u.Place.Level, u.Place.County, aliases)
		}
		w.Flush()
		return 0
	case "unresolved":
		st, err := store.Open(dbPath(*db))
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry unresolved: %v\n", err)
			return 1
		}
		defer st.Close()
		list, err := st.Agencies(ctx, store.AgencyFilter{Unregistered: true, WithReports: true})
		if err != nil {
			fmt.Fprintf(stderr, "analytics registry unresolved: %v\n", err)
			return 1
		}
		w := tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(w, "编号\t名称\t所属县（区）\t报告数\t原因")
		for _, a := range list {
			if a.Source == "synthetic" {
				continue
			}
			county := a.County
			if county == "" {
				county = "待归属"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", a.ID, a.Name, county, a.Reports, a.Reason)
		}
		w.Flush()
		return 0
	}
	fmt.Fprintf(stderr, "analytics registry: unknown subcommand %q\nUsage: analytics %s\n", sub, usageLine)
	return 2
}
