package document_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/document"
)

// Issue 20: inputs that are small on the wire but whose cell text, once
// decoded, is many times their size. Each reader must refuse them at
// text_bytes while decoding, before the text is held: the time and the
// bytes allocated are measured here, in this process, and must stay far
// below what materialising the text would cost (29 GB for the first case).

const (
	amplifyMaxAlloc = 200 << 20 // bytes allocated by one read
	amplifyMaxTime  = 20 * time.Second
)

func TestAmplifiedTextRefused(t *testing.T) {
	cases := []struct {
		name, file string
		gen        func(io.Writer) error
	}{
		{"xlsx 29000 cells of one 1 MB shared string", "shared.xlsx", genSharedStringXLSX(29_000, 1<<20, 1)},
		{"xlsx one row of 16000 cells of one shared string", "row.xlsx", genSharedStringXLSX(16_000, 1<<20, 16_000)},
		{"xlsx shared string of runs", "runs.xlsx", genSharedRunsXLSX(20_000, 64<<10)},
		{"docx 30 MB of text in 3000 runs", "text.docx", genRepeatedTextDOCX(3000, 10<<10)},
		{"html 4 MB of entities", "entities.html", genEntitiesHTML(800_000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.gen(&buf); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := document.Read(tc.file, data)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: input %d KB, %v, allocated %d MB, %v", tc.name, len(data)>>10, elapsed.Round(time.Millisecond), alloc>>20, err)
			var le *document.LimitError
			if !errors.As(err, &le) || le.Limit != "text_bytes" || le.File != tc.file {
				t.Fatalf("error %v, want the text_bytes limit naming %s", err, tc.file)
			}
			if alloc > amplifyMaxAlloc {
				t.Errorf("allocated %d MB, ceiling %d MB", alloc>>20, amplifyMaxAlloc>>20)
			}
			if elapsed > amplifyMaxTime {
				t.Errorf("took %v, ceiling %v", elapsed, amplifyMaxTime)
			}
		})
	}
}

// TestAmplifiedTextUnderLimitRead: the same shapes, small enough, are
// read, so the count is of the text and not of the cells.
func TestAmplifiedTextUnderLimitRead(t *testing.T) {
	var buf bytes.Buffer
	if err := genSharedStringXLSX(200, 1000, 10)(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("small.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(doc.Text, strings.Repeat("年", 10)); got < 200 {
		t.Errorf("read %d cells of the shared string, want 200", got)
	}
	lim := document.BuiltinLimits()
	lim.TextBytes = 150 * 1000 // 200 cells of 1000 bytes pass this
	if _, err := document.ReadContext(t.Context(), "small.xlsx", buf.Bytes(), lim); err == nil {
		t.Error("200 cells of 1000 bytes read under a 150 KB text limit")
	}
}

// genSharedStringXLSX: cells cells (perRow to a row) all naming shared
// string 0, of size bytes of 年.
func genSharedStringXLSX(cells, size, perRow int) func(io.Writer) error {
	return func(w io.Writer) error {
		sst := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>` +
			strings.Repeat("年", size/3) + `</t></si></sst>`
		return sheetWith(w, sst, func(fw io.Writer) error {
			for i := 0; i < cells; i += perRow {
				fmt.Fprintf(fw, `<row r="%d">`, i/perRow+1)
				for j := 0; j < perRow && i+j < cells; j++ {
					io.WriteString(fw, `<c t="s"><v>0</v></c>`)
				}
				io.WriteString(fw, `</row>`)
			}
			return nil
		})
	}
}

// genSharedRunsXLSX: the shared string is made of rich-text runs, which
// excelize joins anew for every cell.
func genSharedRunsXLSX(cells, size int) func(io.Writer) error {
	return func(w io.Writer) error {
		run := `<r><t>` + strings.Repeat("a", 1000) + `</t></r>`
		sst := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>` +
			strings.Repeat(run, size/1000) + `</si></sst>`
		return sheetWith(w, sst, func(fw io.Writer) error {
			for i := 0; i < cells; i++ {
				fmt.Fprintf(fw, `<row r="%d"><c t="s"><v>0</v></c></row>`, i+1)
			}
			return nil
		})
	}
}

func sheetWith(w io.Writer, sst string, rows func(io.Writer) error) error {
	parts := map[string]string{"xl/sharedStrings.xml": sst}
	for k, v := range xlsxParts {
		parts[k] = v
	}
	parts["[Content_Types].xml"] = strings.Replace(xlsxParts["[Content_Types].xml"], `</Types>`,
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`, 1)
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(xlsxParts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	return zipParts(w, parts, "xl/worksheets/sheet1.xml", func(fw io.Writer) error {
		io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		if err := rows(fw); err != nil {
			return err
		}
		_, err := io.WriteString(fw, `</sheetData></worksheet>`)
		return err
	})
}

// genRepeatedTextDOCX: paragraphs of repeated text, under the zip member
// limit but many times the text limit.
func genRepeatedTextDOCX(paras, size int) func(io.Writer) error {
	return func(w io.Writer) error {
		return zipParts(w, nil, "word/document.xml", func(fw io.Writer) error {
			io.WriteString(fw, docxHead)
			p := `<w:p><w:r><w:t>` + strings.Repeat("公开", size/6) + `</w:t></w:r></w:p>`
			for i := 0; i < paras; i++ {
				io.WriteString(fw, p)
			}
			_, err := io.WriteString(fw, `</w:body></w:document>`)
			return err
		})
	}
}

// genEntitiesHTML: named references that decode to more bytes than they
// take (&nGt; is 5 bytes, ≫⃒ is 6), just under the text limit as sent.
func genEntitiesHTML(n int) func(io.Writer) error {
	return func(w io.Writer) error {
		io.WriteString(w, "<html><body><p>")
		for i := 0; i < n; i++ {
			io.WriteString(w, "&nGt;")
		}
		_, err := io.WriteString(w, "</p></body></html>")
		return err
	}
}
