// Package corpus finds the shared corpus of real reports (../shared next
// to the repository) for tests, which skip when it is absent.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of ../shared/corpus/<sub> relative to the
// repository root, or skips the test with a message when it is absent.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "corpus", sub)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("shared corpus not found at %s (it sits beside the repository in CI); skipping", p)
			}
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Skip("repository root not found; skipping corpus test")
		}
	}
}
