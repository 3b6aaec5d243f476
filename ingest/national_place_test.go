package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/registry"
)

// TestNationalCorpusPlacedInItsCounties ingests a national sample and
// checks that every 示例数据 agency sits in the county its folder names —
// county code, city and province from the registry — so the pickers can
// group it; a town's report is filed under the registry's town, a
// department (the registry lists none) is a 示例数据 agency of its own.
func TestNationalCorpusPlacedInItsCounties(t *testing.T) {
	ctx := context.Background()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := generate.WriteNational(dir, generate.NationalPlaces(reg, 3), generate.NationalOptions{Seed: 9, Limit: 60, FirstYear: 2023, LastYear: 2024}); err != nil {
		t.Fatal(err)
	}
	// Each file's county, by its content: <province>/<county code>_<county>/<year>/<name>.<ext>
	folderOf := map[string]string{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "manifest.csv" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(data)
		folderOf[hex.EncodeToString(sum[:])] = strings.Split(filepath.ToSlash(rel), "/")[1][:6]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st := registeredStore(t, t.TempDir(), "n.duckdb")
	sum, err := ingest.IngestPathsWith(ctx, st, []string{dir}, ingest.Meta{}, ingest.Options{}, nil)
	if err != nil || sum.Failed > 0 || sum.Stored != 60 {
		t.Fatalf("stored %d of 60, failed %d: %v %v", sum.Stored, sum.Failed, err, sum.Failures)
	}
	rows, err := st.DB().QueryContext(ctx, `
		SELECT r.source_file, r.sha256, r.county, a.source, a.county_code, a.county, a.province, a.city
		FROM reports r JOIN agencies a ON a.id = r.agency_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, onRegistry := 0, 0
	for rows.Next() {
		var file, sum, county, source, code, aCounty, province, city string
		if err := rows.Scan(&file, &sum, &county, &source, &code, &aCounty, &province, &city); err != nil {
			t.Fatal(err)
		}
		n++
		want, _ := reg.Get(folderOf[sum])
		if source == "gbt2260" {
			// A town named exactly as the registry does is filed under
			// it; the 示例数据 mark is the report's (issue 22).
			onRegistry++
		}
		switch {
		case source != "synthetic" && source != "gbt2260":
			t.Errorf("%s: agency source %q, want the registry's town or a synthetic department", file, source)
		case want == nil:
			t.Errorf("%s: folder code %q not in the registry", file, folderOf[sum])
		case code != want.Code || aCounty != want.Name || county != want.Name || province != want.Province || city != want.City:
			t.Errorf("%s: agency in %s %s (%s, %s), report county %s; want %s %s (%s, %s)", file, code, aCounty, province, city, county, want.Code, want.Name, want.Province, want.City)
		}
	}
	if n != 60 {
		t.Fatalf("%d reports joined to agencies, want 60", n)
	}
	if onRegistry == 0 {
		t.Error("no report filed under its registry town")
	}
}
