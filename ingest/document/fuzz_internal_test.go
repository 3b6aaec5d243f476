package document

import (
	"strings"
	"testing"
)

// FuzzPDFText fuzzes what follows pdftotext: splitting its output into
// pages and lines and dropping page numbers. (pdftotext itself is bounded
// by its limits and exercised by TestHostileInputs; running it per fuzz
// input would test poppler at a few inputs a second.)
func FuzzPDFText(f *testing.F) {
	f.Add("第一页\n  表格 | 1 |\n- 1 -\n\f第二页\n2\n\f")
	f.Add("\f\f\f")
	f.Add(strings.Repeat("本年新收政府信息公开申请数量    3\n", 20) + "\f第 2 页\n")
	f.Fuzz(func(t *testing.T, out string) {
		doc := pdfText(out)
		if n := strings.Count(doc.Text, "\n"); n != len(doc.Origins) {
			t.Fatalf("%d lines but %d origins", n, len(doc.Origins))
		}
		for _, o := range doc.Origins {
			if o.Page < 1 || o.Page > strings.Count(out, "\f")+1 {
				t.Fatalf("origin page %d of %d pages", o.Page, strings.Count(out, "\f")+1)
			}
		}
		if len(doc.Text) > len(out)+1 {
			t.Fatalf("%d bytes of text from %d of output", len(doc.Text), len(out))
		}
	})
}
