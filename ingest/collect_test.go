package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"nianbao/ingest"
)

// TestCollectFilesFollowsALinkedFolder: a folder given as a link to it is
// walked as the folder (it was taken for one file and failed with "is a
// directory"); hidden files and manifests stay out, as in a folder given
// as itself, and "." still means the current folder.
func TestCollectFilesFollowsALinkedFolder(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	for _, f := range []string{"乐至县/2024/劳动镇.txt", "乐至县/2024/manifest.csv", "乐至县/.hidden.txt", "安岳县/2023/龙台镇.html"} {
		path := filepath.Join(corpus, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "linked")
	if err := os.Symlink(corpus, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	want := []string{"乐至县/2024/劳动镇.txt", "安岳县/2023/龙台镇.html"}
	for _, root := range []string{corpus, link} {
		got, err := ingest.CollectFiles([]string{root})
		if err != nil {
			t.Fatalf("%s: %v", root, err)
		}
		var rel []string
		for _, g := range got {
			r, err := filepath.Rel(root, g)
			if err != nil {
				t.Fatal(err)
			}
			rel = append(rel, filepath.ToSlash(r))
		}
		if !slices.Equal(rel, want) {
			t.Errorf("%s: %q, want %q", root, rel, want)
		}
	}
	t.Chdir(corpus)
	got, err := ingest.CollectFiles([]string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf(".: %q, want %d files", got, len(want))
	}
}
