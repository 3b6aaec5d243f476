package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"nianbao/ingest/ocr"
	"nianbao/ingest/ocr/degrade"
)

func init() {
	register(command{name: "ocrbench", summary: "scan reports at 150/200/300 DPI with a scanner's faults, read them back by OCR and count cells exact / flagged / unread / silently wrong, and pages per second", run: runOCRBench})
}

// defaultPeer is the folder of real born-digital reports, beside the
// repository as the tests find it.
const defaultPeer = "../shared/corpus/peer"

func runOCRBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ocrbench", "ocrbench [--dpi 150,200,300] [--degrade 名,名] [--peer DIR] [--generated=false] [--json] [--list] [FILE.pdf ...]", stderr)
	dpis := fs.String("dpi", "150,200,300", "scan resolutions, comma-separated")
	only := fs.String("degrade", "", "only these degradations (comma-separated names; see --list)")
	peer := fs.String("peer", defaultPeer, "folder of real born-digital report PDFs, each read back against its text layer (skipped when absent)")
	generated := fs.Bool("generated", true, "also render one generated report of each edition to PDF (needs Chromium)")
	asJSON := fs.Bool("json", false, "print every read as JSON")
	list := fs.Bool("list", false, "list the degradations")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 1
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "analytics ocrbench: %v\n", err)
		return 1
	}
	if *list {
		for _, d := range degrade.All() {
			fmt.Fprintln(stdout, d.Name)
		}
		return 0
	}
	ds, err := degrade.ByName(*only)
	if err != nil {
		return fail(err)
	}
	var res []int
	for _, s := range strings.Split(*dpis, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 50 || n > 600 {
			return fail(fmt.Errorf("--dpi：“%s”不是 50 到 600 之间的分辨率", s))
		}
		res = append(res, n)
	}
	if err := degrade.Tools(); err != nil {
		return fail(err)
	}
	if !ocr.Available() {
		return fail(ocr.ErrNoTesseract)
	}
	tmp, err := os.MkdirTemp("", "nianbao-ocrbench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	if *peer != "" {
		switch pdfs, err := degrade.PeerPDFs(*peer); {
		case err != nil:
			return fail(err)
		case len(pdfs) == 0:
			fmt.Fprintf(stderr, "analytics ocrbench: %s 中没有 PDF，跳过真实报告\n", *peer)
		default:
			files = append(files, pdfs...)
		}
	}
	var inputs []degrade.Input
	for _, f := range files {
		in, err := degrade.FromPDF(f)
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, in)
	}
	if *generated {
		gen, err := degrade.Generated(tmp)
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, gen...)
	}
	if len(inputs) == 0 {
		return fail(fmt.Errorf("没有可扫描的报告：给出 PDF 文件、--peer 文件夹或 --generated"))
	}
	var results []degrade.Result
	for _, d := range ds {
		for _, dpi := range res {
			for _, in := range inputs {
				r, err := degrade.Read(in, dpi, d, tmp)
				if err != nil {
					return fail(err)
				}
				fmt.Fprintf(stderr, "%s %d DPI %s：%d 个单元格 %d 正确，%d 静默错误，%.2f 页/秒\n", d.Name, dpi, in.Name, r.Score.Cells(), r.Score.Exact, r.Score.Wrong, r.PagesPerSecond())
				results = append(results, r)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return fail(err)
		}
	} else {
		writeOCRBench(stdout, results)
	}
	for _, r := range results {
		if r.Score.Wrong > 0 {
			return 2 // a cell silently wrong fails the run, as it fails the tests
		}
	}
	return 0
}

// writeOCRBench prints one row per scan read and a total per
// degradation and resolution.
func writeOCRBench(w io.Writer, results []degrade.Result) {
	rows := [][]string{{"退化", "DPI", "报告", "单元格", "正确", "有提示", "未读出", "静默错误", "页/秒"}}
	row := func(d string, dpi int, doc string, s degrade.Score, pages int, secs float64) []string {
		return []string{d, strconv.Itoa(dpi), doc, strconv.Itoa(s.Cells()),
			fmt.Sprintf("%d (%.1f%%)", s.Exact, 100*float64(s.Exact)/float64(max(s.Cells(), 1))),
			fmt.Sprintf("%d (%d 对)", s.Flagged, s.FlaggedRight), strconv.Itoa(s.Unread), strconv.Itoa(s.Wrong),
			fmt.Sprintf("%.2f", float64(pages)/max(secs, 1e-9))}
	}
	for i := 0; i < len(results); {
		j := i
		var sum degrade.Score
		pages, secs := 0, 0.0
		for ; j < len(results) && results[j].Degradation == results[i].Degradation && results[j].DPI == results[i].DPI; j++ {
			r := results[j]
			rows = append(rows, row(r.Degradation, r.DPI, r.Document, r.Score, r.Pages, r.Seconds))
			sum, pages, secs = sum.Add(r.Score), pages+r.Pages, secs+r.Seconds
		}
		if j-i > 1 {
			rows = append(rows, row(results[i].Degradation, results[i].DPI, "合计", sum, pages, secs))
		}
		i = j
	}
	writeColumns(w, rows)
	fmt.Fprintln(w, "\n正确：读出且与原文相同、无提示；有提示：有发现指出（对或错，括号内为数字与原文相同的个数）；未读出：缺失并有提示；静默错误：读错而无提示（应为 0）。页/秒：读取（渲染到解析）所用的墙钟时间。")
}
