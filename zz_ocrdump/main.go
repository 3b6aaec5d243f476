package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/report"
)

func main() {
	data, _ := os.ReadFile(os.Args[1])
	doc, err := document.Read("scan.pdf", data)
	if err != nil {
		panic(err)
	}
	if len(os.Args) > 2 && os.Args[2] == "text" {
		for i, l := range strings.Split(doc.Text, "\n") {
			var ws []string
			if i < len(doc.OCR) {
				for _, w := range doc.OCR[i] {
					ws = append(ws, fmt.Sprintf("%s@%d/%d", w.Text, w.Left, w.At))
				}
			}
			fmt.Printf("%3d|%s\n     %s\n", i+1, l, strings.Join(ws, " "))
		}
	}
	rs, err := ingest.ParseDocument(doc, ingest.Meta{})
	if err != nil {
		panic(err)
	}
	r := rs[0]
	born, _ := os.ReadFile(os.Args[len(os.Args)-1])
	_ = born
	for _, f := range r.Findings {
		if f.Severity != report.SeverityInfo {
			fmt.Println("FINDING", f.Rule, f.Message, f.Cells)
		}
	}
	var codes []string
	for c := range r.Cells {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Println(len(codes), "cells")
}
