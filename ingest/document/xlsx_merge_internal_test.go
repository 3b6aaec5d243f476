package document

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestScannedMergesAreExcelizes: the merged cells taken from the text
// check's pass are the ones excelize's GetMergeCells gives, refs written
// backwards or with "$" included; where the pass cannot be sure
// (overlapping ranges, which excelize joins; a ref it cannot read; two
// sheets) it declines, and the reader asks excelize.
func TestScannedMergesAreExcelizes(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "report2021.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		data     []byte
		declined bool
	}{
		{"fixture", fixture, false},
		{"plain", workbook(t, []string{"A1:B1", "C2:D4"}, false), false},
		{"backwards and $", workbook(t, []string{"$B$2:$A$1", "D4:C3"}, false), false},
		{"overlapping", workbook(t, []string{"A1:C3", "B2:D4"}, false), true},
		{"no range", workbook(t, []string{"A1:B1", "C3"}, false), true},
		{"two sheets", workbook(t, []string{"A1:B1"}, true), true},
	}
	for _, c := range cases {
		zr, err := zip.NewReader(bytes.NewReader(c.data), int64(len(c.data)))
		if err != nil {
			t.Fatal(err)
		}
		scan, err := checkCellText(&readCtx{ctx: context.Background(), lim: BuiltinLimits()}, zr)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(c.data))
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		got, ok := scannedMerges(scan, len(sheets))
		if ok == c.declined {
			t.Errorf("%s: scanned %v, want declined %v", c.name, ok, c.declined)
		}
		if ok {
			want, err := f.GetMergeCells(sheets[0], true)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && c.name != "fixture" {
				t.Errorf("%s: no merged cells scanned", c.name)
			}
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: scanned %v, excelize %v", c.name, got, want)
			}
		}
		f.Close()
	}
}

// workbook writes a workbook with some text and the given merged ranges
// put straight into its XML (excelize's MergeCell would tidy them).
func workbook(t *testing.T, refs []string, second bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r := 1; r <= 5; r++ {
		for c := 1; c <= 5; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			f.SetCellValue("Sheet1", cell, cell)
		}
	}
	if second {
		f.NewSheet("Sheet2")
		f.SetCellValue("Sheet2", "A1", "x")
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return rewriteZip(t, buf.Bytes(), func(name, b string) string {
		if name == "xl/worksheets/sheet1.xml" {
			var mc strings.Builder
			mc.WriteString(`<mergeCells count="` + string(rune('0'+len(refs))) + `">`)
			for _, r := range refs {
				mc.WriteString(`<mergeCell ref="` + r + `"/>`)
			}
			mc.WriteString(`</mergeCells>`)
			b = strings.Replace(b, "</sheetData>", "</sheetData>"+mc.String(), 1)
		}
		return b
	})
}
