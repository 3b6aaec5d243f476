package document

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RemoveStaleTemp removes from dir (os.TempDir() when empty) the files
// named TempPrefix… whose last change is older than age: what a parse
// killed with its process (kill -9, an OOM kill) could not remove itself.
// A file younger than age may belong to a parse still running in another
// process, so it stays. It returns how many files were removed.
func RemoveStaleTemp(dir string, age time.Duration) (int, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), TempPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < age {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed++
		}
	}
	return removed, nil
}
