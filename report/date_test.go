package report

import "testing"

// TestParseDate: the forms of publication dates found in reports and on
// county websites, and days that do not exist.
func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2023-02-08", "2023-02-08"},
		{"2023-02-09", "2023-02-09"},
		{"2023/2/8", "2023-02-08"},
		{"2023年2月8日", "2023-02-08"},
		{"2023年02月08日", "2023-02-08"},
		{"2023年01月09日", "2023-01-09"},
		{"2023.2.8", "2023-02-08"},
		{"2023 年 2 月 8 日", "2023-02-08"},
		{"二〇二三年二月八日", "2023-02-08"},
		{"二〇二三年十二月三十一日", "2023-12-31"},
		{"二〇二四年一月十日", "2024-01-10"},
		{"二〇二四年一月二十日", "2024-01-20"},
		{"２０２３年２月８日", "2023-02-08"},
		{"２０２３－０２－０８", "2023-02-08"},
		{"2024-02-29", "2024-02-29"},
		{"2023-02-30", ""},
		{"2023-02-29", ""},
		{"2023-13-01", ""},
		{"2023-00-10", ""},
		{"2023-01-32", ""},
		{"二〇二三年二月三十日", ""},
		{"2023-1", ""},
		{"发布日期", ""},
		{"", ""},
		{"十〇二三年二月八日", ""},
	} {
		got, ok := ParseDate(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// TestFindDate: the first real date of a text; a false one before it is
// passed over.
func TestFindDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"发布日期：2023-02-08 来源：劳动镇", "2023-02-08"},
		{"成文日期：2023-02-30，发布日期：2023年01月09日", "2023-01-09"},
		{"乐至县劳动镇人民政府\n二〇二三年一月九日", "2023-01-09"},
		{"没有日期", ""},
	} {
		if got := FindDate(c.in); got != c.want {
			t.Errorf("FindDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
