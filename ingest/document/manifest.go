package document

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"nianbao/report"
)

// ManifestFile is the name of the manifest a folder of reports may carry.
const ManifestFile = "manifest.csv"

// ManifestEntry is what a folder's manifest says about one file.
type ManifestEntry struct {
	File         string
	Agency       string
	County       string
	Year         int // 0 when not given
	DivisionCode string
	// CountyCode is the GB/T 2260 code of the agency's county: it tells
	// apart counties of one name (市中区, 朝阳区), which the name cannot.
	CountyCode  string
	PublishedOn string // YYYY-MM-DD, or "" when not given
}

// Manifest holds the entries of a folder's manifest.csv.
type Manifest struct {
	Dir     string
	Entries []ManifestEntry
	byFile  map[string]int
}

var manifestColumns = map[string]string{
	"file": "file", "文件": "file", "文件名": "file",
	"agency": "agency", "机关": "agency", "机关名称": "agency",
	"county": "county", "县": "county", "区县": "county", "县（区）": "county",
	"year": "year", "年度": "year",
	"division_code": "division_code", "区划代码": "division_code", "行政区划代码": "division_code",
	"county_code": "county_code", "区县代码": "county_code", "县级区划代码": "county_code",
	"published_on": "published_on", "发布日期": "published_on",
}

// LoadManifest reads dir/manifest.csv (UTF-8 or GBK, with a header row
// naming the columns file, agency, county, year, division_code,
// county_code, published_on; any may be missing but file). A folder without a manifest
// gives an error wrapping fs.ErrNotExist.
func LoadManifest(dir string) (Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	text, err := Decode(data)
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest %s: %w", path, err)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest %s: %w", path, err)
	}
	if len(recs) == 0 {
		return Manifest{}, fmt.Errorf("manifest %s: empty file, want a header row", path)
	}
	cols := map[string]int{}
	for i, h := range recs[0] {
		if k, ok := manifestColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			cols[k] = i
		}
	}
	if _, ok := cols["file"]; !ok {
		return Manifest{}, fmt.Errorf("manifest %s: header row has no file column (got %q)", path, strings.Join(recs[0], ","))
	}
	m := Manifest{Dir: dir, byFile: map[string]int{}}
	for n, rec := range recs[1:] {
		get := func(k string) string {
			if i, ok := cols[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := ManifestEntry{File: get("file"), Agency: get("agency"), County: get("county"), DivisionCode: get("division_code"), CountyCode: get("county_code")}
		if e.File == "" {
			continue
		}
		line := n + 2
		if c := e.CountyCode; c != "" && (len(c) != 6 || strings.Trim(c, "0123456789") != "") {
			return Manifest{}, fmt.Errorf("manifest %s line %d: county_code %q is not a six-digit GB/T 2260 county code", path, line, c)
		}
		if y := get("year"); y != "" {
			if e.Year, err = strconv.Atoi(y); err != nil {
				return Manifest{}, fmt.Errorf("manifest %s line %d: year %q is not a number", path, line, y)
			}
		}
		if p := get("published_on"); p != "" {
			if e.PublishedOn = report.FindDate(p); e.PublishedOn == "" {
				return Manifest{}, fmt.Errorf("manifest %s line %d: published_on %q is not a date (want YYYY-MM-DD)", path, line, p)
			}
		}
		if _, dup := m.byFile[e.File]; dup {
			return Manifest{}, fmt.Errorf("manifest %s line %d: file %q listed twice", path, line, e.File)
		}
		m.byFile[e.File] = len(m.Entries)
		m.Entries = append(m.Entries, e)
	}
	return m, nil
}

// Lookup finds the entry of a file, by the name as listed or by its base
// name (a path like dir/a.pdf finds the entry a.pdf).
func (m Manifest) Lookup(file string) (ManifestEntry, bool) {
	if i, ok := m.byFile[file]; ok {
		return m.Entries[i], true
	}
	if i, ok := m.byFile[filepath.Base(file)]; ok {
		return m.Entries[i], true
	}
	if rel, err := filepath.Rel(m.Dir, file); err == nil {
		if i, ok := m.byFile[filepath.ToSlash(rel)]; ok {
			return m.Entries[i], true
		}
	}
	return ManifestEntry{}, false
}
