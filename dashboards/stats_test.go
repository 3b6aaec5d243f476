package dashboards

import (
	"strings"
	"testing"
)

// TestPinyinOrder: lists follow pinyin, as a clerk looks a town up, not
// the code points (which put 劳动镇 before 宝林镇).
func TestPinyinOrder(t *testing.T) {
	cases := []struct{ in, want string }{
		{"天池镇 劳动镇 城关镇 回澜镇 宝林镇", "宝林镇 城关镇 回澜镇 劳动镇 天池镇"},
		{"资阳市 乐至县 安岳县", "安岳县 乐至县 资阳市"},
	}
	for _, c := range cases {
		names := strings.Fields(c.in)
		sortNames(names)
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("sortNames(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestShortProvince(t *testing.T) {
	for in, want := range map[string]string{"四川省": "四川", "广西壮族自治区": "广西", "新疆维吾尔自治区": "新疆", "北京市": "北京",
		"内蒙古自治区": "内蒙古", "香港特别行政区": "香港", "宁夏回族自治区": "宁夏"} {
		if got := shortProvince(in); got != want {
			t.Errorf("shortProvince(%s) = %s, want %s", in, got, want)
		}
	}
}
