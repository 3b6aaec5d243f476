package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"nianbao/assess"
	"nianbao/ingest"
	"nianbao/report"
)

func init() {
	register(command{name: "validate", summary: "check reports before publishing: findings as a table, exit 3 on errors", run: runValidate})
}

// validate's exit codes: findings of error severity have their own, so a
// script can tell "the report must be fixed" from "the command was wrong".
const (
	validateOK       = 0
	validateUnread   = 1 // a file could not be read
	validateUsage    = 2 // wrong flags or no file
	validateFindings = 3 // an error-severity finding: 请修改
)

// lineWidth is the most display columns a line of validate's output takes.
const lineWidth = 100

var validateFlagHelp = map[string]string{
	"agency":  "机关名称，覆盖报告正文中的写法",
	"county":  "县（区）名称，覆盖报告正文中的写法",
	"year":    "报告年度，覆盖正文",
	"edition": "表格版本 2019 或 2021，覆盖自动识别",
}

func validateUsageText(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `用法：analytics validate [--agency 机关] [--county 县区] [--year 年度] [--edition 版本] 文件或文件夹...

发布前检查年度报告：逐个读取文件（文本、HTML、Word、Excel、PDF），按报告格式
核对勾稽关系，把发现的问题列成表格，注明每个问题在原文中的位置（PDF 注明页码）。
什么都不保存。

选项：
`)
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  --%-8s %s\n", f.Name, validateFlagHelp[f.Name])
	})
	fmt.Fprint(w, `
退出码：0 没有错误级问题（可以发布）；1 有文件无法读取；2 用法错误；
3 有错误级问题（请修改）。
`)
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", "validate [--agency A] [--county C] [--year Y] PATH...", stderr)
	var m metaFlags
	m.register(fs)
	fs.Usage = func() { validateUsageText(fs, stderr) }
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return validateUsage
	}
	if len(paths) == 0 {
		fs.Usage()
		return validateUsage
	}
	files, err := ingest.CollectFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "analytics validate：%v\n", err)
		return validateUnread
	}
	code := validateOK
	for _, res := range ingest.ParseAll(files, m.meta()) {
		if res.Err != nil {
			fmt.Fprintf(stderr, "analytics validate：%v\n", res.Err)
			code = validateUnread
			continue
		}
		for _, r := range res.Reports {
			v := assess.Precheck(r, assess.DefaultSheet())
			writeValidation(stdout, r, v)
			if !v.Publishable && code == validateOK {
				code = validateFindings
			}
		}
	}
	return code
}

// writeValidation prints one report's findings as columns aligned by
// display width, the explanation wrapped so no line passes lineWidth.
func writeValidation(w io.Writer, r *report.Report, v report.Verdict) {
	for _, line := range wrapDisplay("文件 "+r.File, lineWidth, "     ") {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "机关 %s　县区 %s　年度 %d　表格版本 %s　读到单元格 %d 个\n", orDash(r.Agency), orDash(r.County), r.Year, r.Edition, len(r.Cells))
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "未发现问题（勾稽关系全部成立）。")
		fmt.Fprintln(w, "结论："+v.Label)
		fmt.Fprintln(w)
		return
	}
	rows := [][]string{{"序号", "级别", "规则", "位置", "说明"}}
	for i, f := range r.Findings {
		rows = append(rows, []string{strconv.Itoa(i + 1), report.SeverityLabels[f.Severity], orDash(report.RuleLabels[f.Rule]), findingPlace(r, f), f.Message})
	}
	widths := make([]int, 4)
	for _, row := range rows {
		for i := range widths {
			widths[i] = max(widths[i], displayWidth(row[i]))
		}
	}
	indent := 0
	for _, wd := range widths {
		indent += wd + 2
	}
	for _, row := range rows {
		var b strings.Builder
		for i := range widths {
			b.WriteString(row[i] + strings.Repeat(" ", widths[i]-displayWidth(row[i])+2))
		}
		room := max(20, lineWidth-indent)
		for j, part := range wrapDisplay(row[4], room, "") {
			if j == 0 {
				fmt.Fprintln(w, b.String()+part)
				continue
			}
			fmt.Fprintln(w, strings.Repeat(" ", min(indent, lineWidth-room))+part)
		}
	}
	why := fmt.Sprintf("（有%d个错误级问题）", v.Errors)
	if v.Publishable {
		why = "（只有提示，请阅读）"
	}
	fmt.Fprintln(w, "结论："+v.Label+why)
	fmt.Fprintln(w)
}

// findingPlace cites where a finding's first cell stands in the document:
// a PDF by page (and line), other documents by line.
func findingPlace(r *report.Report, f report.Finding) string {
	for _, c := range f.Cells {
		s, ok := r.Sources[c]
		switch {
		case !ok:
			continue
		case s.Page > 0 && s.Line > 0:
			return fmt.Sprintf("第%d页第%d行", s.Page, s.Line)
		case s.Page > 0:
			return fmt.Sprintf("第%d页", s.Page)
		case s.Line > 0:
			return fmt.Sprintf("第%d行", s.Line)
		}
	}
	return "—"
}

// wrapDisplay cuts s into lines of at most width display columns; lines
// after the first start with indent. A number or Latin word is never cut,
// and a line never starts with a closing mark (，。、）” …): it stays with
// the character before it.
func wrapDisplay(s string, width int, indent string) []string {
	var out []string
	var b strings.Builder
	n := 0
	for _, tok := range wrapTokens(s) {
		tw := displayWidth(tok)
		if n+tw > width && n > displayWidth(indent) {
			out = append(out, b.String())
			b.Reset()
			b.WriteString(indent)
			n = displayWidth(indent)
		}
		b.WriteString(tok)
		n += tw
	}
	if b.Len() > 0 || len(out) == 0 {
		out = append(out, b.String())
	}
	return out
}

// closing marks may not begin a line.
const closing = "，。、；：？！）》」』”’…%,.;:?!)"

// wrapTokens splits s into the pieces a line may break between.
func wrapTokens(s string) []string {
	var toks []string
	ascii := func(r rune) bool { return r < 0x80 && r != ' ' }
	for _, r := range s {
		last := len(toks) - 1
		switch {
		case last >= 0 && strings.ContainsRune(closing, r):
			toks[last] += string(r)
		case last >= 0 && ascii(r) && lastRuneASCII(toks[last]):
			toks[last] += string(r)
		default:
			toks = append(toks, string(r))
		}
	}
	return toks
}

func lastRuneASCII(s string) bool {
	rs := []rune(s)
	r := rs[len(rs)-1]
	return r < 0x80 && r != ' ' && !strings.ContainsRune(closing, r)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
