// Command mutate is a small mutation tester: it changes one thing at a
// time in the non-test Go files of a package (an operator, a comparison's
// boundary, an integer constant, a call statement), runs the package's
// tests on the changed copy and lists the changes no test noticed
// ("survivors"). A survivor is a place where a real bug would pass every
// test. The worktree is never written: each mutant is handed to the go
// command through -overlay.
//
//	go run ./scripts/mutate [-timeout 3m] [-run REGEXP] [-files a.go,b.go] [-at a.go:12,b.go:40] [-out FILE] ./report ./assess
//
// It takes long (one test build per mutant): make mutate runs it, make test
// does not.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Mutant is one change to one file.
type Mutant struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Col   int    `json:"col"`
	Kind  string `json:"kind"`
	From  string `json:"from"`
	To    string `json:"to"`
	start int
	end   int
	// Outcome: killed (a test failed), survived, unbuilt (the change does
	// not compile: not a mutant) or timeout (counted as killed: a test hung).
	Outcome string  `json:"outcome"`
	Seconds float64 `json:"seconds"`
}

func (m Mutant) String() string {
	return fmt.Sprintf("%s:%d:%d %s: %s → %s", m.File, m.Line, m.Col, m.Kind, m.From, m.To)
}

// swaps are the operator mutations: arithmetic sign, comparison
// boundary, equality, logic.
var swaps = map[token.Token]token.Token{
	token.ADD: token.SUB, token.SUB: token.ADD,
	token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR,
	token.EQL: token.NEQ, token.NEQ: token.EQL,
	token.LAND: token.LOR, token.LOR: token.LAND,
}

// mutants lists the mutations of one file, in the order they stand.
func mutants(fset *token.FileSet, path string, src []byte) ([]Mutant, error) {
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []Mutant
	add := func(pos token.Pos, end token.Pos, kind, from, to string) {
		p := fset.Position(pos)
		out = append(out, Mutant{File: path, Line: p.Line, Col: p.Column, Kind: kind, From: from, To: to,
			start: p.Offset, end: fset.Position(end).Offset})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			// An import path holds nothing to mutate.
			if n.Tok == token.IMPORT {
				return false
			}
		case *ast.BinaryExpr:
			to, ok := swaps[n.Op]
			if !ok {
				return true
			}
			if n.Op == token.ADD && (isString(n.X) || isString(n.Y)) {
				return true // "t3." + row: a string, not a sum
			}
			add(n.OpPos, n.OpPos+token.Pos(len(n.Op.String())), "operator", n.Op.String(), to.String())
		case *ast.BasicLit:
			if n.Kind != token.INT {
				return true
			}
			v, err := strconv.ParseInt(n.Value, 0, 64)
			if err != nil {
				return true
			}
			end := n.Pos() + token.Pos(len(n.Value))
			add(n.Pos(), end, "constant", n.Value, strconv.FormatInt(v+1, 10))
			if v > 0 {
				add(n.Pos(), end, "constant", n.Value, strconv.FormatInt(v-1, 10))
			}
		case *ast.ExprStmt:
			if _, ok := n.X.(*ast.CallExpr); ok {
				add(n.Pos(), n.End(), "call removed", oneLine(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]), "{}")
			}
		}
		return true
	})
	return out, nil
}

func isString(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING || e.Kind == token.CHAR
	case *ast.BinaryExpr:
		return isString(e.X) || isString(e.Y)
	case *ast.ParenExpr:
		return isString(e.X)
	}
	return false
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return s
}

// run tests one mutant through an overlay and says what became of it.
func run(ctx context.Context, m *Mutant, src []byte, pkg, runRe string, timeout time.Duration, tmp string) error {
	mutated := append(append(append([]byte{}, src[:m.start]...), m.To...), src[m.end:]...)
	file := filepath.Join(tmp, "mutant.go")
	if err := os.WriteFile(file, mutated, 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(m.File)
	if err != nil {
		return err
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: file}})
	overlay := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlay, ov, 0o644); err != nil {
		return err
	}
	args := []string{"test", "-count=1", "-overlay", overlay, "-timeout", timeout.String()}
	if runRe != "" {
		args = append(args, "-run", runRe)
	}
	args = append(args, pkg)
	cctx, cancel := context.WithTimeout(ctx, timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, "go", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	began := time.Now()
	err = cmd.Run()
	m.Seconds = time.Since(began).Seconds()
	text := out.String()
	switch {
	case err == nil:
		m.Outcome = "survived"
	case strings.Contains(text, "[build failed]") || strings.Contains(text, "[setup failed]") || strings.Contains(text, "vet: "):
		m.Outcome = "unbuilt"
	case cctx.Err() != nil || strings.Contains(text, "test timed out"):
		m.Outcome = "timeout"
	default:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return fmt.Errorf("go test: %w", err)
		}
		m.Outcome = "killed"
	}
	return nil
}

func main() {
	timeout := flag.Duration("timeout", 3*time.Minute, "how long one mutant's tests may run")
	runRe := flag.String("run", "", "run only the tests matching this expression (go test -run)")
	files := flag.String("files", "", "mutate only these files of the package (comma-separated base names)")
	out := flag.String("out", "", "write every mutant and its outcome to this JSON file")
	at := flag.String("at", "", "mutate only these lines (comma-separated file.go:line, e.g. to test survivors again)")
	list := flag.Bool("list", false, "list the mutants without running them")
	max := flag.Int("max", 0, "stop after this many mutants (0: all)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "用法：go run ./scripts/mutate [选项] 包目录...\n逐个变异包中的非测试代码，运行该包的测试，列出测试没有发现的变异（存活者）。\n选项：")
		flag.PrintDefaults()
	}
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	only := map[string]bool{}
	for _, f := range strings.Split(*files, ",") {
		if f = strings.TrimSpace(f); f != "" {
			only[f] = true
		}
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(*at, ",") {
		if l = strings.TrimSpace(l); l != "" {
			lines[l] = true
		}
	}
	tmp, err := os.MkdirTemp("", "mutate")
	if err != nil {
		log.Error("temporary directory", "err", err)
		os.Exit(1)
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	var all []*Mutant
	exit := 0
	for _, dir := range flag.Args() {
		pkg := "./" + filepath.Clean(dir)
		paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		sort.Strings(paths)
		fset := token.NewFileSet()
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") || (len(only) > 0 && !only[filepath.Base(path)]) {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				log.Error("read", "file", path, "err", err)
				os.Exit(1)
			}
			ms, err := mutants(fset, path, src)
			if err != nil {
				log.Error("parse", "file", path, "err", err)
				os.Exit(1)
			}
			for i := range ms {
				m := &ms[i]
				if *max > 0 && len(all) >= *max {
					break
				}
				if len(lines) > 0 && !lines[fmt.Sprintf("%s:%d", filepath.Base(m.File), m.Line)] {
					continue
				}
				all = append(all, m)
				if *list {
					fmt.Println(m)
					continue
				}
				if err := run(ctx, m, src, pkg, *runRe, *timeout, tmp); err != nil {
					log.Error("mutant", "mutant", m.String(), "err", err)
					os.Exit(1)
				}
				log.Info("mutant", "n", len(all), "outcome", m.Outcome, "mutant", m.String(), "seconds", fmt.Sprintf("%.1f", m.Seconds))
			}
		}
	}
	if *list {
		return
	}
	count := map[string]int{}
	for _, m := range all {
		count[m.Outcome]++
	}
	w := io.Writer(os.Stdout)
	fmt.Fprintf(w, "变异 %d 个：被测试发现 %d，超时 %d，无法编译 %d，存活 %d\n", len(all), count["killed"], count["timeout"], count["unbuilt"], count["survived"])
	if n := count["killed"] + count["timeout"] + count["survived"]; n > 0 {
		fmt.Fprintf(w, "变异得分 %.1f%%（被发现的占可编译变异的比例）\n", 100*float64(count["killed"]+count["timeout"])/float64(n))
	}
	for _, m := range all {
		if m.Outcome == "survived" {
			fmt.Fprintln(w, "存活 "+m.String())
			exit = 3
		}
	}
	if *out != "" {
		b, _ := json.MarshalIndent(all, "", "  ")
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			log.Error("write", "file", *out, "err", err)
			os.Exit(1)
		}
	}
	os.Exit(exit)
}
