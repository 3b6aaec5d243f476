package change

import (
	"encoding/json"
	"strings"
	"testing"

	"nianbao/query"
)

func TestJSONValue(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
	}{
		{`12`, "12"},
		{` 1.5e3 `, "1.5e3"},
		{`-5`, "-5"},
		{`"12"`, ""},
		{`null`, ""},
		{`true`, ""},
		{`[1]`, ""},
		{`{"v":1}`, ""},
	} {
		got, err := JSONValue(json.RawMessage(tc.raw))
		if tc.want == "" {
			if !query.IsInputError(err) || !strings.Contains(err.Error(), "JSON 数字") {
				t.Errorf("JSONValue(%s) = %q, %v; want a refusal saying JSON 数字", tc.raw, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("JSONValue(%s) = %q, %v; want %q", tc.raw, got, err, tc.want)
		}
	}
}

func TestCorrectionValue(t *testing.T) {
	for _, tc := range []struct {
		code, raw string
		want      float64
		refusal   string
	}{
		{"t3.new.total", "12", 12, ""},
		{"t3.new.total", "-5", 0, "负数"},
		{"t3.new.total", "-0", 0, ""},
		{"t3.new.total", "3.5", 0, "整数"},
		{"t3.new.total", "0x10", 0, "应为数字"},
		{"t3.new.total", "1_000", 0, "应为数字"},
		{"t3.new.total", "Inf", 0, "应为数字"},
		{"t3.new.total", "9007199254740993", 0, "2^53"},
		{"t3.new.total", "1e400", 0, "2^53"},
		{"t3.new.total", "-1e400", 0, "负数"},
		{"t2.fees.amount", "1.123456", 1.123456, ""},
		{"t3.new.total", "３", 3, ""},
		{"t3.new.total", "　１２　", 12, ""},
		{"t2.fees.amount", "１２．５", 12.5, ""},
		{"t3.new.total", "１２．５", 0, "整数"},
		{"t3.new.total", "三", 0, "应为数字"},
		{"t2.fees.amount", "1.1234567", 0, "6 位小数"},
		{"no.such.code", "1", 0, "未知的单元格代码"},
	} {
		got, err := CorrectionValue(tc.code, "2021", tc.raw)
		if tc.refusal != "" {
			if !query.IsInputError(err) || !strings.Contains(err.Error(), tc.refusal) {
				t.Errorf("CorrectionValue(%s, %s) = %v, %v; want a refusal saying %s", tc.code, tc.raw, got, err, tc.refusal)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CorrectionValue(%s, %s) = %v, %v; want %v", tc.code, tc.raw, got, err, tc.want)
		}
	}
}
