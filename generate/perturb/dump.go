package perturb

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Dump writes a failing result to a folder of its own under dir, for the
// person hunting the parser bug: the perturbed input as read (input.txt,
// or input.html/.docx/.xlsx), the truth (truth.json), the parse with its
// findings and sources (parse.json), and the cells that miss the target
// with the text of their lines (diff.txt). It returns the folder.
func Dump(dir string, k int, r Result) (string, error) {
	c := r.Case
	name := fmt.Sprintf("%s-%03d-%s-%d", c.Perturbation, k, c.Truth.Agency, c.Truth.Year)
	name = strings.NewReplacer("/", "_", "+", "_").Replace(name)
	out := filepath.Join(dir, name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("dump %s: %w", out, err)
	}
	write := func(file string, data []byte) error {
		if err := os.WriteFile(filepath.Join(out, file), data, 0o644); err != nil {
			return fmt.Errorf("dump %s: %w", file, err)
		}
		return nil
	}
	input := "input.txt"
	data := []byte(c.Text)
	if c.Data != nil {
		input, data = "input"+filepath.Ext(c.File), c.Data
	}
	if err := write(input, data); err != nil {
		return "", err
	}
	truth := map[string]any{"file": c.File, "perturbation": c.Perturbation, "base": c.Base, "steps": c.Steps,
		"agency": c.Truth.Agency, "county": c.Truth.County, "year": c.Truth.Year, "edition": c.Truth.Edition,
		"cells": c.Want(), "undetermined": c.Undetermined}
	if err := writeJSON(write, "truth.json", truth); err != nil {
		return "", err
	}
	if r.Report != nil {
		if err := writeJSON(write, "parse.json", r.Report); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	b.WriteString(FormatExample(r, len(r.Failures)))
	if r.Report != nil && c.Data == nil {
		ls := strings.Split(c.Text, "\n")
		b.WriteString("\nWhere the parser read the failing cells:\n")
		for _, f := range r.Failures {
			src, ok := r.Report.Sources[f.Code]
			if !ok || src.Line < 1 || src.Line > len(ls) {
				continue
			}
			fmt.Fprintf(&b, "  %s line %d raw %q: %s\n", f.Code, src.Line, src.Raw, clip(ls[src.Line-1], 160))
		}
	}
	if err := write("diff.txt", []byte(b.String())); err != nil {
		return "", err
	}
	return out, nil
}

func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

func writeJSON(write func(string, []byte) error, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("dump %s: %w", name, err)
	}
	return write(name, b)
}
