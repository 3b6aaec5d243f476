package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"nianbao/ingest/document"
)

func init() {
	register(command{name: "template", summary: "write an empty county summary workbook (.xlsx) for offices to fill", run: runTemplate})
}

func runTemplate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("template", "template --xlsx FILE [--edition 2021|2019|all]", stderr)
	out := fs.String("xlsx", "", "workbook to write (required); sheet 汇总 has one column per cell, sheet 说明 explains each")
	edition := fs.String("edition", "all", "table edition of the columns: 2021, 2019, or all (both, for mixed years)")
	force := fs.Bool("force", false, "overwrite FILE if it exists")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var buf bytes.Buffer
	if err := document.WriteSummaryTemplate(&buf, *edition); err != nil {
		fmt.Fprintf(stderr, "analytics template: %v\n", err)
		return 2
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(*out, flags, 0o644)
	if err != nil {
		fmt.Fprintf(stderr, "analytics template: %v (use --force to overwrite)\n", err)
		return 1
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "analytics template: write %s: %v\n", *out, err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "analytics template: write %s: %v\n", *out, err)
		return 1
	}
	fmt.Fprintf(stdout, "已写入汇总模板 %s（版本 %s）：在“汇总”表每个机关每个年度填一行，然后运行 analytics ingest %s\n", *out, *edition, *out)
	return 0
}
