package change

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"nianbao/query"
	"nianbao/report"
)

// maxExact is the largest integer a float64 holds exactly (2^53).
const maxExact = 1 << 53

// number is a decimal number as JSON writes it (no hex, no underscores,
// no Inf): the one spelling a corrected value may take, from the API, the
// web form and the command line alike.
var number = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// JSONValue takes the value of a correction as the API received it: it
// must be a JSON number. A string ("12"), null, true or a list is refused
// with a sentence, so a client that quotes its numbers learns it at once
// instead of having them accepted by one route and refused by another.
func JSONValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '"' || !number.Match(raw) {
		shown := string(raw)
		if len(shown) > 40 {
			shown = shown[:40] + "…"
		}
		return "", &query.InputError{Field: "value", Message: fmt.Sprintf("更正值应为 JSON 数字（如 12，不带引号），收到 %s", shown)}
	}
	return string(raw), nil
}

// CorrectionValue validates a corrected value for a cell of a report of
// the given edition: the code must be a printed cell of that edition;
// counts are whole numbers ≥ 0; amounts (万元) are ≥ 0 with at most six
// decimals; and no value beyond 2^53, where float64 stops counting by one.
// raw is the number as the person wrote it, so that 9007199254740993 is
// refused instead of silently becoming …992. The API, the web pages and
// `analytics correct` all call it: one rule, one message.
func CorrectionValue(code, edition, raw string) (float64, error) {
	bad := func(msg string) error { return &query.InputError{Field: "value", Message: msg} }
	d, ok := report.Lookup(code)
	if !ok {
		return 0, &query.InputError{Field: "code", Message: "未知的单元格代码：" + code + "（见 /api/v1/codes）"}
	}
	inEdition := false
	for _, e := range d.Editions {
		inEdition = inEdition || e == edition
	}
	if !inEdition || (d.Derived && edition == report.Edition2021) {
		return 0, &query.InputError{Field: "code", Message: fmt.Sprintf("单元格 %s（%s）不属于 %s 版表格，无法更正", code, d.Label, edition)}
	}
	// A number typed with a Chinese input method comes full width
	// (「３」「１２．５」): NFKC makes it the ASCII one it means.
	raw = strings.TrimSpace(norm.NFKC.String(raw))
	if !number.MatchString(raw) {
		return 0, bad(fmt.Sprintf("更正值应为数字，收到 %s", raw))
	}
	// Any error left is a range error: the spelling is a number's.
	v, err := strconv.ParseFloat(raw, 64)
	if strings.HasPrefix(raw, "-") && v != 0 {
		return 0, bad(fmt.Sprintf("更正值不能为负数，收到 %s", raw))
	}
	if err != nil {
		return 0, bad(fmt.Sprintf("更正值 %s 超过可精确保存的上限 2^53（9007199254740992）", raw))
	}
	v = math.Abs(v) // -0 is 0
	tooBig := v > maxExact
	if !strings.ContainsAny(raw, ".eE") {
		// An integer as written: 9007199254740993 parses to …992 as a
		// float, so compare it as an integer.
		n, err := strconv.ParseUint(strings.TrimPrefix(raw, "-"), 10, 64)
		tooBig = tooBig || err != nil || n > maxExact
	}
	if tooBig {
		return 0, bad(fmt.Sprintf("更正值 %s 超过可精确保存的上限 2^53（9007199254740992）", raw))
	}
	mantissa, exp, _ := strings.Cut(strings.ToLower(raw), "e")
	if isAmount(code) {
		_, frac, _ := strings.Cut(mantissa, ".")
		e, _ := strconv.Atoi(exp)
		if len(strings.TrimRight(frac, "0"))-e > 6 {
			return 0, bad(fmt.Sprintf("金额（万元）最多保留 6 位小数，收到 %s", raw))
		}
		return v, nil
	}
	if v != math.Trunc(v) {
		return 0, bad(fmt.Sprintf("单元格 %s 是件数，应为非负整数，收到 %s", code, raw))
	}
	return v, nil
}

// isAmount tells the cells counted in 万元 (the fee and procurement
// amounts of table 2) from the cells that count items.
func isAmount(code string) bool { return strings.HasSuffix(code, ".amount") }
