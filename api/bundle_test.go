package api_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/store"
)

// bundleServer is a server whose export limit does not get in the way of
// a test making a dozen calls from one address.
func bundleServer(t *testing.T) (http.Handler, *store.Store) {
	t.Helper()
	st, _ := querytest.Seed(t)
	return api.New(query.New(st), st, api.Options{ExportDir: t.TempDir(), ExportsPerMinute: 100}), st
}

func getFrom(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// readParquet writes files (name → bytes) under a folder and reads them
// back with DuckDB: rows per report id, and the counties named.
func readParquet(t *testing.T, st *store.Store, files map[string][]byte) (map[int64]int, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.DB().Query(`SELECT report_id, count(*), any_value(county)
		FROM read_parquet(? || '/**/*.parquet', hive_partitioning = true) GROUP BY report_id`, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	per := map[int64]int{}
	counties := map[string]bool{}
	for rows.Next() {
		var id int64
		var n int
		var county string
		if err := rows.Scan(&id, &n, &county); err != nil {
			t.Fatal(err)
		}
		per[id] = n
		counties[county] = true
	}
	var names []string
	for c := range counties {
		names = append(names, c)
	}
	sort.Strings(names)
	return per, names
}

// apiCells is what the API answers about a county's year: each report's
// id, agency and number of cells.
func apiCells(t *testing.T, h http.Handler, county string, year string) (map[int64]int, map[int64]string) {
	t.Helper()
	w := getFrom(h, "/api/v1/reports?county="+url.QueryEscape(county)+"&year="+year)
	var list struct {
		Reports []struct {
			ID     int64  `json:"id"`
			Agency string `json:"agency"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != http.StatusOK {
		t.Fatalf("reports: %d %v %s", w.Code, err, w.Body.String())
	}
	cells, agencies := map[int64]int{}, map[int64]string{}
	for _, r := range list.Reports {
		var d struct {
			Cells map[string]float64 `json:"cells"`
		}
		rw := getFrom(h, "/api/v1/reports/"+itoa(r.ID))
		if err := json.Unmarshal(rw.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		cells[r.ID], agencies[r.ID] = len(d.Cells), r.Agency
	}
	return cells, agencies
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestCountyBundle opens the county bundle back: the members listed, each
// report's XLSX and DOCX, every workbook opened with excelize, the Parquet
// read with DuckDB holding that county's rows only, as many per report as
// the API's cells; the county by its code gives the same members.
func TestCountyBundle(t *testing.T) {
	h, st := bundleServer(t)
	w := getFrom(h, "/api/v1/bundle?county="+url.QueryEscape("乐至县")+"&year=2022")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d, %s: %.300s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("乐至县_2022_年报数据包.zip")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		members[f.Name] = data
		names = append(names, f.Name)
	}
	t.Logf("members: %v", names)
	cells, agencies := apiCells(t, h, "乐至县", "2022")
	if len(cells) != 2 {
		t.Fatalf("the seed has 2 reports of 乐至县 2022, the API lists %d", len(cells))
	}
	want := []string{"说明.txt", "乐至县_2022_汇总表.xlsx", "乐至县_2022_报送情况.xlsx", "乐至县2022年度政府信息公开年报评分表.xlsx"}
	for _, a := range agencies {
		want = append(want, "年报/乐至县_2022_"+a+".xlsx", "年报/乐至县_2022_"+a+".docx")
	}
	for _, name := range want {
		if _, ok := members[name]; !ok {
			t.Errorf("no member %s", name)
		}
	}
	parquet := map[string][]byte{}
	for name, data := range members {
		switch {
		case strings.HasSuffix(name, ".xlsx"):
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s does not open: %v", name, err)
				continue
			}
			if rows, err := f.GetRows(f.GetSheetList()[0]); err != nil || len(rows) < 2 {
				t.Errorf("%s: first sheet %d rows (%v)", name, len(rows), err)
			}
			f.Close()
		case strings.HasSuffix(name, ".docx"):
			if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
				t.Errorf("%s is not a Word file: %v", name, err)
			}
		case strings.HasSuffix(name, ".parquet"):
			if !strings.HasPrefix(name, "parquet/year=2022/") {
				t.Errorf("parquet member %s outside year=2022", name)
			}
			parquet[strings.TrimPrefix(name, "parquet/")] = data
		case name == "说明.txt":
			for _, w := range want[1:] {
				if !strings.Contains(string(data), w) && !strings.HasSuffix(w, ".docx") {
					t.Errorf("说明.txt does not name %s:\n%s", w, data)
				}
			}
		default:
			t.Errorf("unexpected member %s", name)
		}
	}
	per, counties := readParquet(t, st, parquet)
	if len(counties) != 1 || counties[0] != "乐至县" {
		t.Errorf("parquet counties %v, want only 乐至县", counties)
	}
	if len(per) != len(cells) {
		t.Errorf("parquet holds %d reports, the API %d", len(per), len(cells))
	}
	for id, n := range cells {
		if per[id] != n {
			t.Errorf("report %d: %d parquet rows, %d cells in the API", id, per[id], n)
		}
	}

	byCode := getFrom(h, "/api/v1/bundle?county=512022&year=2022")
	zc, err := zip.NewReader(bytes.NewReader(byCode.Body.Bytes()), int64(byCode.Body.Len()))
	if err != nil {
		t.Fatalf("by code: %d %v", byCode.Code, err)
	}
	if len(zc.File) != len(zr.File) {
		t.Errorf("by code %d members, by name %d", len(zc.File), len(zr.File))
	}

	// A 示例数据 report says so in its files' names and in 说明.txt.
	sw := getFrom(h, "/api/v1/bundle?county="+url.QueryEscape("示范县")+"&year=2020")
	zs, err := zip.NewReader(bytes.NewReader(sw.Body.Bytes()), int64(sw.Body.Len()))
	if err != nil {
		t.Fatalf("示范县: %d %v %.300s", sw.Code, err, sw.Body.String())
	}
	seen := map[string]string{}
	for _, f := range zs.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		seen[f.Name] = string(data)
	}
	if _, ok := seen["年报/示例数据_示范县_2020_城关镇.xlsx"]; !ok {
		t.Errorf("示范县 2020 members %v: want 年报/示例数据_示范县_2020_城关镇.xlsx", slices.Collect(maps.Keys(seen)))
	}
	if !strings.Contains(seen["说明.txt"], "其中 1 份为示例数据") {
		t.Errorf("说明.txt of 示范县 2020 does not say the report is 示例数据:\n%s", seen["说明.txt"])
	}

	for _, c := range []struct {
		query  string
		status int
	}{
		{"county=" + url.QueryEscape("乐至县"), http.StatusBadRequest},
		{"county=" + url.QueryEscape("乐至县") + "&year=二〇二二", http.StatusBadRequest},
		{"year=2022", http.StatusBadRequest},
		{"county=" + url.QueryEscape("没有这个县") + "&year=2022", http.StatusNotFound},
	} {
		if w := getFrom(h, "/api/v1/bundle?"+c.query); w.Code != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.query, w.Code, c.status, w.Body.String())
		}
	}
}

// TestParquetExportFiltered: the API's export of one county and year
// holds that county's rows only, as many as the API's cells; a bad year
// is refused; the unfiltered export is still the cached one.
func TestParquetExportFiltered(t *testing.T) {
	h, st := bundleServer(t)
	w := getFrom(h, "/api/v1/export/parquet?county="+url.QueryEscape("乐至县")+"&year=2022")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(w.Body.Bytes()))
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		files[hd.Name] = data
	}
	per, counties := readParquet(t, st, files)
	cells, _ := apiCells(t, h, "乐至县", "2022")
	if len(counties) != 1 || counties[0] != "乐至县" || len(per) != len(cells) {
		t.Fatalf("counties %v, %d reports (API %d)", counties, len(per), len(cells))
	}
	for id, n := range cells {
		if per[id] != n {
			t.Errorf("report %d: %d rows, %d cells", id, per[id], n)
		}
	}
	if w := getFrom(h, "/api/v1/export/parquet?year=abc"); w.Code != http.StatusBadRequest {
		t.Errorf("year=abc: %d", w.Code)
	}
	if w := getFrom(h, "/api/v1/export/parquet?county="+url.QueryEscape("没有这个县")); w.Code != http.StatusNotFound {
		t.Errorf("unknown county: %d %s", w.Code, w.Body.String())
	}
	before := api.ExportRuns()
	a, b := getFrom(h, "/api/v1/export/parquet"), getFrom(h, "/api/v1/export/parquet")
	if a.Code != http.StatusOK || b.Header().Get("ETag") != a.Header().Get("ETag") || api.ExportRuns()-before != 1 {
		t.Errorf("unfiltered export: %d, ETags %q %q, %d runs", a.Code, a.Header().Get("ETag"), b.Header().Get("ETag"), api.ExportRuns()-before)
	}
}
