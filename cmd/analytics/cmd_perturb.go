package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"nianbao/generate/perturb"
)

func init() {
	register(command{name: "perturb", summary: "read generated reports printed the hard ways (glued, wrapped, 无 for zeros …) and count what the parser gets wrong", run: runPerturb})
}

func runPerturb(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("perturb", "perturb [--n 10000] [--seed 1] [--only NAME[,NAME]] [--dump DIR] [--examples 3] [--json] [--list]", stderr)
	n := fs.Int("n", 10000, "cases in all, spread evenly over the perturbations")
	seed := fs.Uint64("seed", 1, "seed of the corpus and of every random choice")
	only := fs.String("only", "", "run only these perturbations (comma-separated names; see --list)")
	dump := fs.String("dump", "", "write failing cases to this folder: the input, the truth, the parse and the diff")
	examples := fs.Int("examples", 3, "failing cases kept per perturbation (printed, and dumped with --dump)")
	asJSON := fs.Bool("json", false, "print the tallies as JSON")
	list := fs.Bool("list", false, "list the perturbations and what each does")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return 1
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "analytics perturb: 不接受文件参数：%s\n", strings.Join(rest, " "))
		return 1
	}
	if *list {
		var rows [][]string
		for _, p := range perturb.All() {
			rows = append(rows, []string{p.Name, p.Doc})
		}
		for _, r := range rows {
			fmt.Fprintf(stdout, "%s\n    %s\n", r[0], r[1])
		}
		return 0
	}
	if *n <= 0 {
		fmt.Fprintln(stderr, "analytics perturb: --n 必须为正数")
		return 1
	}
	rep, err := perturb.Run(perturb.Options{N: *n, Seed: *seed, Only: *only, Examples: *examples})
	if err != nil {
		fmt.Fprintf(stderr, "analytics perturb: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Perturbations []perturb.Tally `json:"perturbations"`
			Total         perturb.Tally   `json:"total"`
		}{rep.Tallies, rep.Total})
	} else {
		writeTallies(stdout, rep)
	}
	if *dump != "" {
		k := 0
		for _, t := range rep.Tallies {
			for i, ex := range rep.Examples[t.Name] {
				if _, err := perturb.Dump(*dump, i, ex); err != nil {
					fmt.Fprintf(stderr, "analytics perturb: %v\n", err)
					return 1
				}
				k++
			}
		}
		fmt.Fprintf(stderr, "analytics perturb: %d 个未达标的例子写入 %s\n", k, *dump)
	}
	return 0
}

func writeTallies(w io.Writer, rep *perturb.Report) {
	rows := [][]string{{"扰动", "份数", "单元格", "正确", "缺失(有提示)", "缺失(无提示)", "错误(有提示)", "静默错误", "不确定", "未达标", "读取失败", "机关", "年份", "版式"}}
	add := func(t perturb.Tally) {
		rows = append(rows, []string{t.Name, strconv.Itoa(t.Cases), strconv.Itoa(t.Counts.Cells), strconv.Itoa(t.Exact),
			strconv.Itoa(t.MissingFlagged), strconv.Itoa(t.MissingUnflagged), strconv.Itoa(t.Wrong), strconv.Itoa(t.Silent),
			strconv.Itoa(t.Undetermined), strconv.Itoa(t.Failing), strconv.Itoa(t.Errors),
			frac(t.AgencyRight, t.AgencyScored), frac(t.YearRight, t.YearScored), frac(t.EditionRight, t.EditionScored)})
	}
	for _, t := range rep.Tallies {
		add(t)
	}
	add(rep.Total)
	writeColumns(w, rows)
	fmt.Fprintln(w, "\n不确定：文本已不能唯一确定的单元格（应缺失并有提示）；未达标：确定的单元格不正确，或不确定的单元格读错、缺失无提示。")
	for _, t := range rep.Tallies {
		for i, ex := range rep.Examples[t.Name] {
			if i == 1 {
				break // one example per perturbation here; --dump keeps them all
			}
			fmt.Fprintf(w, "\n例（%s）%s\n%s", t.Name, ex.Case.File, perturb.FormatExample(ex, 4))
		}
	}
}
