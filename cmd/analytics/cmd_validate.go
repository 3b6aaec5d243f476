package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"nianbao/assess"
	"nianbao/ingest"
	"nianbao/report"
)

func init() {
	register(command{name: "validate", summary: "check reports before publishing: findings as a table, exit 2 on errors", run: runValidate})
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", "validate [--agency A] [--county C] [--year Y] PATH...", stderr)
	var m metaFlags
	m.register(fs)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(paths) == 0 {
		fs.Usage()
		return 2
	}
	files, err := ingest.CollectFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "analytics validate: %v\n", err)
		return 1
	}
	code := 0
	for _, res := range ingest.ParseAll(files, m.meta()) {
		if res.Err != nil {
			fmt.Fprintf(stderr, "analytics validate: %v\n", res.Err)
			code = 1
			continue
		}
		for _, r := range res.Reports {
			r.Findings = append(r.Findings, assess.Unsaved(r, assess.DefaultSheet())...)
			fmt.Fprintf(stdout, "文件 %s\n机关 %s　县区 %s　年度 %d　表格版本 %s　读到单元格 %d 个\n", r.File, orDash(r.Agency), orDash(r.County), r.Year, r.Edition, len(r.Cells))
			if len(r.Findings) == 0 {
				fmt.Fprintln(stdout, "未发现问题（勾稽关系全部成立）。")
				fmt.Fprintln(stdout)
				continue
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "序号\t级别\t规则\t涉及单元格\t说明")
			for i, f := range r.Findings {
				cells := strings.Join(f.Cells, ",")
				if len(f.Cells) > 3 {
					cells = strings.Join(f.Cells[:3], ",") + fmt.Sprintf("…等%d个", len(f.Cells))
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, report.SeverityLabels[f.Severity], report.RuleLabels[f.Rule], orDash(cells), f.Message)
			}
			tw.Flush()
			fmt.Fprintln(stdout)
			if r.HasErrors() && code == 0 {
				code = 2
			}
		}
	}
	return code
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
