package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/generate/perturb"
)

// TestPerturbCommand runs a small sample: the table names every
// perturbation asked for and the total; --json adds up; --dump writes one
// folder per kept failing case, with its input, truth, parse and diff.
func TestPerturbCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"perturb", "--n", "12", "--only", "furniture,wrapped,eight-pipe,html"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"扰动", "furniture", "wrapped", "eight-pipe", "html", "总计"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	dump := t.TempDir()
	out.Reset()
	if code := run([]string{"perturb", "--n", "12", "--only", "wrapped,eight-pipe", "--json", "--dump", dump, "--examples", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got struct {
		Perturbations []perturb.Tally `json:"perturbations"`
		Total         perturb.Tally   `json:"total"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	cases, failing := 0, 0
	for _, p := range got.Perturbations {
		cases += p.Cases
		if p.Exact+p.Missing()+p.Wrong+p.Silent != p.Counts.Cells {
			t.Errorf("%s: classes do not add up: %+v", p.Name, p.Counts)
		}
		if p.FailingCases > 0 {
			failing += min(p.FailingCases, 2)
		}
	}
	if cases != 12 || got.Total.Cases != 12 {
		t.Errorf("%d cases (total %d), want 12", cases, got.Total.Cases)
	}
	dirs, _ := os.ReadDir(dump)
	if len(dirs) != failing {
		t.Errorf("%d folders dumped, want %d (failing cases, at most 2 per perturbation)", len(dirs), failing)
	}
	for _, d := range dirs {
		for _, f := range []string{"input.txt", "truth.json", "parse.json", "diff.txt"} {
			if _, err := os.Stat(filepath.Join(dump, d.Name(), f)); err != nil {
				t.Errorf("%s: %v", d.Name(), err)
			}
		}
	}

	for _, args := range [][]string{{"perturb", "--only", "nosuch"}, {"perturb", "--n", "0"}, {"perturb", "extra.txt"}} {
		if code := run(args, &bytes.Buffer{}, &bytes.Buffer{}); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}
