package assess

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"nianbao/report"
)

var (
	// 未收取信息处理费, 没有收取任何费用, 不收取…处理费
	noFeeStated = regexp.MustCompile(`(?:未|没有|不|无)(?:收取|收|产生|发生)[^。；;]{0,12}?(?:处理费|费用)`)
	// 未发出收费通知, 没有向申请人发出收费通知
	noNoticeStated = regexp.MustCompile(`(?:未|没有|无)(?:向[^。；;]{0,8}?)?(?:发出|发放|下发|出具|发送)[^。；;]{0,6}?收费通知`)
)

// unpaidFeeCell is the 2021 row of table 3 counting applications closed
// because the applicant did not pay after a fee notice.
const unpaidFeeCell = "t3.other.unpaid_fee.total"

// FeeFindings compares what section 六 says of the 信息处理费 with table
// 3's fee row (narrative_fee): applications closed for a fee not paid
// mean fee notices went out that year, which a section 六 saying no fee
// notice went out contradicts, and one saying no fee was charged without
// a word on the notices leaves unexplained. Reports without section 六
// or without the row (2019 edition) are not checked.
func FeeFindings(d *Doc) []report.Finding {
	unpaid, ok := d.Cells[unpaidFeeCell]
	if !ok || unpaid <= 0 {
		return nil
	}
	var six strings.Builder
	for _, s := range d.Sections {
		if s.Number == 6 {
			six.WriteString(s.Body)
		}
	}
	text := strings.Join(strings.Fields(six.String()), "")
	var said string
	if m := noNoticeStated.FindStringIndex(text); m != nil {
		said = sentenceAt(text, m[0])
	} else if m := noFeeStated.FindStringIndex(text); m != nil && !strings.Contains(text, "收费通知") {
		said = sentenceAt(text, m[0])
	}
	if said == "" {
		return nil
	}
	rl, _ := report.RuleByCode(report.RuleFeeNarrative)
	return []report.Finding{{Rule: rl.Code, Severity: rl.Severity, Cells: []string{unpaidFeeCell},
		Message: fmt.Sprintf("第六部分称“%s”，但%s为%s件，说明本年向申请人发出过收费通知；两处不一致或说明不全，请核实。",
			said, report.Label(unpaidFeeCell), num(unpaid))}}
}

// sentenceAt is the sentence of text around byte offset i.
func sentenceAt(text string, i int) string {
	start := 0
	if j := strings.LastIndexAny(text[:i], "。；;！!"); j >= 0 {
		_, size := utf8.DecodeRuneInString(text[j:])
		start = j + size
	}
	end := len(text)
	if j := strings.IndexAny(text[i:], "。；;！!"); j >= 0 {
		end = i + j
	}
	s := text[start:end]
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}
