package ocr

import (
	"slices"
	"strings"
	"unicode/utf8"

	"nianbao/report"
)

// The row order of table 3 as the templates print it (report.Layout): a
// lattice row whose label Tesseract could not read (or read past
// recognition) right under a row it did read is the template's next row
// there — the rules give the rows, the template their order.

// t3Sequences are table 3's printed row wordings in order, one list per
// edition.
var t3Sequences = func() [][]string {
	var out [][]string
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		var seq []string
		for _, t := range report.Layout(ed) {
			if t.Table != 3 {
				continue
			}
			for _, b := range t.Blocks {
				for _, r := range b.Rows {
					seq = append(seq, r.Item)
				}
			}
		}
		out = append(out, seq)
	}
	return out
}()

// normLabel is a label as compared: no spaces, full-width brackets.
func normLabel(s string) string {
	return strings.NewReplacer(" ", "", "(", "（", ")", "）", "〈", "（", "《", "（").Replace(s)
}

// itemCore is a row wording without its numbering (1., （一）, 一、).
func itemCore(item string) string {
	s := strings.TrimLeft(item, "0123456789.")
	if i := strings.Index(s, "）"); strings.HasPrefix(s, "（") && i > 0 && i <= len("（一）") {
		s = s[i+len("）"):]
	}
	if _, rest, ok := strings.Cut(s, "、"); ok && utf8.RuneCountInString(s)-utf8.RuneCountInString(rest) <= 2 {
		s = rest
	}
	return s
}

// minItem is the shortest row wording templateItem goes by: 2021's
// （六）其他处理 3.其他 would be found in 其他法律行政法规禁止公开.
const minItem = 4

// templateItem is the template wording a label reads as: the longest row
// wording (without its numbering) of at least minItem characters it
// contains, "" for none.
func templateItem(label string) string {
	l := normLabel(label)
	best := ""
	for _, seq := range t3Sequences {
		for _, item := range seq {
			c := itemCore(item)
			if utf8.RuneCountInString(c) >= minItem && strings.Contains(l, c) && len(c) > len(itemCore(best)) {
				best = item
			}
		}
	}
	return best
}

// templateNext is the wording of the row after prev in the templates,
// where every edition that prints prev prints the same row after it and
// the label read agrees with it: nothing read, the same item number, or
// at least half of its characters.
func templateNext(prev, label string) string {
	if prev == "" {
		return ""
	}
	next := ""
	for _, seq := range t3Sequences {
		for i, item := range seq {
			if item != prev || i+1 == len(seq) {
				continue
			}
			if next != "" && next != seq[i+1] {
				return "" // the editions part here
			}
			next = seq[i+1]
		}
	}
	if next == "" {
		return ""
	}
	l := normLabel(label)
	if l == "" || leadingNumber(l) != "" && leadingNumber(l) == leadingNumber(next) {
		return next
	}
	n, c := 0, itemCore(next)
	for _, r := range c {
		if strings.ContainsRune(l, r) {
			n++
		}
	}
	if 2*n >= utf8.RuneCountInString(c) {
		return next
	}
	return ""
}

// leadingNumber is the digits a label starts with.
func leadingNumber(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, "0123456789"))]
}

// templateBetween is the k row wordings the templates print between rows
// a and b: those of the editions that print exactly k rows between them,
// where there is one and they agree; nil otherwise. The lattice's row
// count picks the edition: 洪泽区 2024 prints 2019's （六）其他处理 and
// （七）总计 rows under 2021's wordings, its labels unread on a turned page
// — three rows from 4.无正当理由大量反复申请 to 四、结转下年度继续办理, as 2019
// has them, where 2021 has five.
func templateBetween(a, b string, k int) []string {
	var out []string
	for _, seq := range t3Sequences {
		i := slices.Index(seq, a)
		if i < 0 {
			continue
		}
		j := slices.Index(seq[i+1:], b)
		if j != k {
			continue
		}
		if out != nil && !slices.Equal(out, seq[i+1:i+1+j]) {
			return nil
		}
		out = seq[i+1 : i+1+j]
	}
	if len(out) == 0 {
		return nil
	}
	return slices.Clone(out)
}
