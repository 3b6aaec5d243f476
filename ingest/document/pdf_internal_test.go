package document

import (
	"reflect"
	"testing"
)

func TestPDFPageNumbers(t *testing.T) {
	out := "标题\n正文一\n\n\n          - 1 -\n\f" +
		"第2页\n规章 0 0 0\n行政许可 3\n\n\f" +
		"行政处罚 4119\n行政强制 3\n   3/5  \n\f" +
		"表四\n 1 1 0 0 2\n4\n\f" +
		"  第 5 页，共 5 页\n结尾\n\f"
	doc := pdfText(out)
	want := []string{"标题", "正文一", "规章 0 0 0", "行政许可 3", "行政处罚 4119", "行政强制 3", "表四", " 1 1 0 0 2", "结尾"}
	wantPages := []int{1, 1, 2, 2, 3, 3, 4, 4, 5}
	if got := doc.Text; got != joinLines(want) {
		t.Errorf("text = %q, want %q", got, joinLines(want))
	}
	var pages []int
	for _, o := range doc.Origins {
		pages = append(pages, o.Page)
	}
	if !reflect.DeepEqual(pages, wantPages) {
		t.Errorf("pages = %v, want %v", pages, wantPages)
	}
}

func TestIsPageNumber(t *testing.T) {
	cases := []struct {
		line string
		page int
		want bool
	}{
		{"- 3 -", 3, true}, {"—12—", 3, true}, {"第3页", 3, true}, {"3/5", 3, true},
		{"3", 3, true}, {"2", 3, true}, {"95", 3, false}, {"0 0 0", 3, false},
		{"行政许可 3", 3, false}, {"", 1, false}, {"Page 2 of 5", 2, true},
	}
	for _, c := range cases {
		if got := isPageNumber(c.line, c.page); got != c.want {
			t.Errorf("isPageNumber(%q, %d) = %v, want %v", c.line, c.page, got, c.want)
		}
	}
}

func joinLines(ls []string) string {
	s := ""
	for _, l := range ls {
		s += l + "\n"
	}
	return s
}
