package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/accuracy"
	"nianbao/generate"
	"nianbao/internal/corpus"
)

func scoreJSON(t *testing.T, args ...string) (scoreOutput, int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"score", "--json"}, args...), &out, &errOut)
	var got scoreOutput
	if code == 0 || code == 2 {
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
	}
	return got, code, errOut.String()
}

// TestScoreExcerpts scores the 50 real excerpts against their truth: the
// classes of each file add up to its truth cells, the total to all the
// truth's cells; a truth value changed on purpose is reported silently
// wrong (exit 2).
func TestScoreExcerpts(t *testing.T) {
	dir := corpus.Dir(t, "excerpts")
	truthPath := filepath.Join(dir, "truth.json")
	var truth []map[string]any
	b, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, e := range truth {
		want += len(e["cells"].(map[string]any))
	}
	got, code, stderr := scoreJSON(t, "--truth", truthPath, dir)
	if code != 0 && code != 2 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(got.Files) != len(truth) {
		t.Errorf("%d files scored, truth has %d", len(got.Files), len(truth))
	}
	for _, s := range got.Files {
		if s.Exact+s.Missing()+s.Wrong+s.Silent != s.Counts.Cells {
			t.Errorf("%s: exact %d + missing %d + wrong %d + silent %d != %d cells", s.File, s.Exact, s.Missing(), s.Wrong, s.Silent, s.Counts.Cells)
		}
	}
	if got.Total.Cells != want {
		t.Errorf("total %d truth cells, the truth file has %d", got.Total.Cells, want)
	}
	if got.Total.YearScored != len(truth) || got.Total.EditionScored != len(truth) {
		t.Errorf("years scored %d, editions %d, want %d", got.Total.YearScored, got.Total.EditionScored, len(truth))
	}
	t.Logf("excerpts: %d cells, exact %d, missing %d+%d, wrong %d, silent %d; agency %d/%d, year %d/%d",
		got.Total.Cells, got.Total.Exact, got.Total.MissingFlagged, got.Total.MissingUnflagged, got.Total.Wrong, got.Total.Silent,
		got.Total.AgencyRight, got.Total.AgencyScored, got.Total.YearRight, got.Total.YearScored)

	// Corrupt one truth value the parser reads exactly: it must come back
	// as silently wrong.
	file, code0 := "", ""
	for _, s := range got.Files {
		for _, e := range truth {
			if filepath.Base(s.File) != e["file"] {
				continue
			}
			for c := range e["cells"].(map[string]any) {
				if !nonExact(s, c) {
					file, code0 = e["file"].(string), c
					break
				}
			}
		}
		if file != "" {
			break
		}
	}
	if file == "" {
		t.Fatal("no exact cell to corrupt")
	}
	for _, e := range truth {
		if e["file"] == file {
			cells := e["cells"].(map[string]any)
			cells[code0] = cells[code0].(float64) + 1000
		}
	}
	bad, _ := json.Marshal(truth)
	badPath := filepath.Join(t.TempDir(), "truth.json")
	if err := os.WriteFile(badPath, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	got, code, stderr = scoreJSON(t, "--truth", badPath, filepath.Join(dir, file))
	if code != 2 {
		t.Errorf("exit %d with a silently wrong cell, want 2 (stderr %s)", code, stderr)
	}
	if len(got.Files) != 1 || !hasSilent(got.Files[0], code0) {
		t.Errorf("%s %s corrupted: not reported silently wrong: %+v", file, code0, got.Files)
	}
}

func nonExact(s accuracy.Score, code string) bool {
	for _, c := range s.Details {
		if c.Code == code {
			return true
		}
	}
	return false
}

func hasSilent(s accuracy.Score, code string) bool {
	for _, c := range s.Details {
		if c.Code == code && c.Class == accuracy.Silent {
			return true
		}
	}
	return false
}

// The simple truth form (one object with file and cells), text output
// aligned by display width, and the usage errors.
func TestScoreSimpleTruthAndText(t *testing.T) {
	dir := t.TempDir()
	r := generate.Corpus(generate.Options{Seed: 2, Towns: []int{1}, FirstYear: 2022, LastYear: 2022})[0]
	if err := os.WriteFile(filepath.Join(dir, "青石.txt"), generate.Render(r, generate.LayoutRowPipe), 0o644); err != nil {
		t.Fatal(err)
	}
	truth, _ := json.Marshal(map[string]any{"file": "青石.txt", "cells": r.Cells})
	truthPath := filepath.Join(dir, "truth.json")
	os.WriteFile(truthPath, truth, 0o644)

	got, code, stderr := scoreJSON(t, "--truth", truthPath, dir)
	if code != 0 || len(got.Files) != 1 {
		t.Fatalf("exit %d, %d files: %s", code, len(got.Files), stderr)
	}
	if s := got.Files[0]; s.Counts.Cells != len(r.Cells) || s.Exact+s.Missing()+s.Wrong+s.Silent != s.Counts.Cells {
		t.Errorf("counts %+v for %d truth cells", s.Counts, len(r.Cells))
	}

	var out, errOut bytes.Buffer
	run([]string{"score", "--truth", truthPath, filepath.Join(dir, "青石.txt")}, &out, &errOut)
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "文件") || !strings.HasPrefix(lines[len(lines)-1], "合计") {
		t.Fatalf("text output:\n%s", out.String())
	}
	for _, l := range lines[1:3] {
		if displayWidth(l) != displayWidth(lines[0]) {
			t.Errorf("columns not aligned: header %d wide, row %d:\n%s\n%s", displayWidth(lines[0]), displayWidth(l), lines[0], l)
		}
	}

	for _, args := range [][]string{
		{"score", dir},                  // no truth
		{"score", "--truth", truthPath}, // no file
		{"score", "--truth", "/nonexistent.json", dir},
		{"score", "--truth", filepath.Join(dir, "青石.txt"), dir}, // not JSON
	} {
		if code := run(args, &bytes.Buffer{}, &bytes.Buffer{}); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}

// A file that cannot be read is scored all missing, and the exit is 1.
func TestScoreUnreadableFile(t *testing.T) {
	truth, _ := json.Marshal([]map[string]any{{"file": "corrupt.docx", "cells": map[string]float64{"t3.new.total": 3}}})
	truthPath := filepath.Join(t.TempDir(), "truth.json")
	os.WriteFile(truthPath, truth, 0o644)
	var out, errOut bytes.Buffer
	code := run([]string{"score", "--json", "--truth", truthPath, "testdata/corrupt.docx"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "corrupt.docx") {
		t.Fatalf("exit %d, stderr %q; want 1 naming the file", code, errOut.String())
	}
	var got scoreOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Total.MissingUnflagged != 1 {
		t.Errorf("scores %+v (%v); want the one cell missing", got.Total, err)
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "文件": 4, "缺失(有提示)": 12, "０１": 4, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
