package main

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateNationalFormats: generate --national --formats txt writes
// text files only, each folder's manifest naming exactly the files beside
// it; an unknown format is refused with exit 2, naming it.
func TestGenerateNationalFormats(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"generate", "--national", "--seed", "2", "--limit", "60", "--formats", "txt", "--out", dir}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	files, listed := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Name() != "manifest.csv" {
			files++
			if filepath.Ext(path) != ".txt" {
				t.Errorf("%s: not a text file", path)
			}
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			return err
		}
		for _, r := range rows[1:] {
			listed++
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), r[0])); err != nil {
				t.Errorf("%s names %s, not written: %v", path, r[0], err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 || files >= 60 || listed != files {
		t.Errorf("%d text files of 60 reports, %d manifest rows: want some but not all, each listed once", files, listed)
	}

	errOut.Reset()
	if code := run([]string{"generate", "--national", "--formats", "txt,pdf", "--out", t.TempDir()}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "pdf") {
		t.Errorf("--formats txt,pdf: exit %d, %q: want 2 naming pdf", code, errOut.String())
	}
}
