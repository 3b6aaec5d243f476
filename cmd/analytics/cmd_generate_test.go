package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nianbao/generate"
)

func TestGenerateCommand(t *testing.T) {
	gen := func(extra ...string) (string, string) {
		dir := t.TempDir()
		var out, errOut bytes.Buffer
		args := append([]string{"generate", "--seed", "5", "--out", dir, "--counties", "2", "--towns", "3,2", "--years", "2020-2021"}, extra...)
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		return dir, out.String()
	}
	a, msg := gen()
	if !strings.HasPrefix(msg, "wrote 10 reports") {
		t.Errorf("output %q", msg)
	}
	b, _ := gen()
	ta, err := os.ReadFile(filepath.Join(a, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := os.ReadFile(filepath.Join(b, "truth.json"))
	if !bytes.Equal(ta, tb) {
		t.Error("truth.json differs between two runs with the same seed")
	}
	var truth []generate.TruthEntry
	if err := json.Unmarshal(ta, &truth); err != nil {
		t.Fatal(err)
	}
	if len(truth) != 10 {
		t.Fatalf("%d truth entries, want 10", len(truth))
	}
	for _, e := range truth {
		x, err := os.ReadFile(filepath.Join(a, filepath.FromSlash(e.File)))
		if err != nil {
			t.Fatalf("truth names %s: %v", e.File, err)
		}
		y, _ := os.ReadFile(filepath.Join(b, filepath.FromSlash(e.File)))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", e.File)
		}
		if want := e.County + "/" + strconv.Itoa(e.Year) + "/" + e.Agency + ".txt"; e.File != want {
			t.Errorf("file %s, want %s", e.File, want)
		}
	}
	one, _ := gen("--layouts", "c-row-pipe")
	var t1 []generate.TruthEntry
	js, _ := os.ReadFile(filepath.Join(one, "truth.json"))
	if err := json.Unmarshal(js, &t1); err != nil {
		t.Fatal(err)
	}
	for _, e := range t1 {
		if e.Layout != generate.LayoutRowPipe {
			t.Errorf("%s: layout %s with --layouts c-row-pipe", e.File, e.Layout)
		}
	}
}

func TestGenerateFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"generate", "--seed", "1"}, "--out is required"},
		{[]string{"generate", "--out", "x", "--years", "2024-2019"}, "--years"},
		{[]string{"generate", "--out", "x", "--towns", "a"}, "--towns"},
		{[]string{"generate", "--out", "x", "--counties", "0"}, "--counties"},
		{[]string{"generate", "--out", "x", "--layouts", "z-nope"}, "unknown layout"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, errOut.String(), tc.want)
		}
	}
}
