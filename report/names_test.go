package report

import "testing"

func TestBodyName(t *testing.T) {
	for _, tc := range []struct{ county, agency, want string }{
		{"乐至县", "劳动镇", "乐至县劳动镇"},
		{"洪泽区", "洪泽区人民政府", "洪泽区人民政府"},
		{"", "公安局", "公安局"},
		{"乐至县", "乐至县公安局", "乐至县公安局"},
	} {
		if got := BodyName(tc.county, tc.agency); got != tc.want {
			t.Errorf("BodyName(%q, %q) = %q, want %q", tc.county, tc.agency, got, tc.want)
		}
	}
}
