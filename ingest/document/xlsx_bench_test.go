package document_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"nianbao/ingest/document"
)

// BenchmarkXLSX: the national sample's workbooks (as BenchmarkRead/xlsx)
// read before and after the fast reader, beside the floors of reading a
// workbook at all, in one process on the same workbooks:
//
//   - unzip: every member inflated once, nothing parsed;
//   - xml-tokens: encoding/xml's RawToken over every .xml member, already
//     inflated;
//   - scanner-tokens: the fast reader's scanner over the same bytes;
//   - excelize: document.Read with the fast reader off (the reading before);
//   - fast: document.Read (the workbook's members known after the first).
//
// Each prints CPU ms, allocations and KB per workbook.
//
//	go test ./ingest/document -run '^$' -bench '^BenchmarkXLSX$' -benchtime 5x
func BenchmarkXLSX(b *testing.B) {
	books := sampleOf(b, "xlsx")
	var parts [][]byte // every .xml member of every workbook, inflated
	for _, d := range books {
		zr, err := zip.NewReader(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".xml") {
				rc, err := f.Open()
				if err != nil {
					b.Fatal(err)
				}
				p, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					b.Fatal(err)
				}
				parts = append(parts, p)
			}
		}
	}
	cases := []struct {
		name string
		run  func() error
	}{
		{"unzip", func() error {
			for _, d := range books {
				zr, err := zip.NewReader(bytes.NewReader(d), int64(len(d)))
				if err != nil {
					return err
				}
				for _, f := range zr.File {
					rc, err := f.Open()
					if err != nil {
						return err
					}
					_, err = io.Copy(io.Discard, rc)
					rc.Close()
					if err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"xml-tokens", func() error {
			for _, p := range parts {
				dec := xml.NewDecoder(bytes.NewReader(p))
				var err error
				for err == nil {
					_, err = dec.RawToken()
				}
				if !errors.Is(err, io.EOF) {
					return err
				}
			}
			return nil
		}},
		{"scanner-tokens", func() error {
			for _, p := range parts {
				if !document.ScanXML(p) {
					return errors.New("the scanner declined a part of a national workbook")
				}
			}
			return nil
		}},
		{"excelize", func() error {
			document.SetFastXLSX(false)
			defer document.SetFastXLSX(true)
			return readAll(books)
		}},
		{"fast", func() error { return readAll(books) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if err := c.run(); err != nil { // warm: the fast reader learns the sample's members
				b.Fatal(err)
			}
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu := cpuTime(b)
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
			cpu = cpuTime(b) - cpu
			runtime.ReadMemStats(&m1)
			n := float64(b.N * len(books))
			b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms/workbook")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/workbook")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n/1024, "KB/workbook")
			b.ReportMetric(float64(len(books)), "workbooks")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func readAll(books [][]byte) error {
	for _, d := range books {
		if _, err := document.Read("r.xlsx", d); err != nil {
			return err
		}
	}
	return nil
}
