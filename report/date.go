package report

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The one reader of calendar dates (issue 19 item 2). Every place a date is
// read — the byline 发布日期 of a text, a CMS page's meta tags, a manifest,
// a workbook's column, the signature's date — goes through ParseDate, so a
// day written 08 or in Chinese numerals means the same day everywhere.

// dateDigit is one digit of a date as reports write it: ASCII, full-width,
// or a Chinese numeral (二〇二三年二月八日, 十 for tens).
const dateDigit = `[0-9０-９〇○零Ｏ一二三四五六七八九十]`

// DatePattern matches a date in any of the forms ParseDate reads:
// 2023-02-08, 2023/2/8, 2023.2.8, 2023年2月8日, 二〇二三年二月八日,
// ２０２３年２月８日. Callers build their own regexps around it (a keyword
// before, a line end after) and hand the match to ParseDate.
const DatePattern = dateDigit + `{4}\s*[-/.年－／．]\s*` + dateDigit + `{1,3}\s*[-/.月－／．]\s*` + dateDigit + `{1,3}(?:\s*日)?`

var dateRe = regexp.MustCompile(DatePattern)

// datePartsRe splits a date into year, month and day; the separators are
// anything that is not a digit.
var datePartsRe = regexp.MustCompile(`^(` + dateDigit + `{4})\s*[-/.年－／．]\s*(` + dateDigit + `{1,3})\s*[-/.月－／．]\s*(` + dateDigit + `{1,3})\s*日?$`)

// ParseDate reads a date written in any form found in the wild and gives
// it as YYYY-MM-DD; ok is false for anything that is not a real calendar
// day (2023-02-30, 2023-13-01) or not a date at all. Leading zeros are
// decimal: 08 is the eighth, never an octal mistake.
func ParseDate(s string) (date string, ok bool) {
	m := datePartsRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	y, ok1 := dateNumber(m[1], true)
	mo, ok2 := dateNumber(m[2], false)
	d, ok3 := dateNumber(m[3], false)
	if !ok1 || !ok2 || !ok3 || y < 1900 || y > 2200 {
		return "", false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 2 月 30 日 to 3 月 2 日: a day that moved is not a day.
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// FindDate is the first date in a text, read by ParseDate; "" when none.
func FindDate(s string) string {
	for _, m := range dateRe.FindAllString(s, -1) {
		if d, ok := ParseDate(m); ok {
			return d
		}
	}
	return ""
}

// chineseDigits are the numerals a date may be written in.
var chineseDigits = map[rune]int{'〇': 0, '○': 0, '零': 0, 'Ｏ': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// dateNumber reads one part of a date. A year is read digit by digit
// (二〇二三); a month or day may use 十 (十二, 二十八, 三十一).
func dateNumber(s string, year bool) (int, bool) {
	var ascii strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			ascii.WriteRune(r)
		case r >= '０' && r <= '９':
			ascii.WriteRune('0' + (r - '０'))
		case r == '十':
			if year {
				return 0, false
			}
			ascii.WriteRune('十')
		default:
			v, ok := chineseDigits[r]
			if !ok {
				return 0, false
			}
			ascii.WriteString(strconv.Itoa(v))
		}
	}
	t := ascii.String()
	if i := strings.IndexRune(t, '十'); i >= 0 {
		// 十 = 10, 十二 = 12, 二十 = 20, 三十一 = 31.
		tens, units := 1, 0
		if i > 0 {
			n, err := strconv.Atoi(t[:i])
			if err != nil || n > 9 {
				return 0, false
			}
			tens = n
		}
		if rest := t[i+len("十"):]; rest != "" {
			n, err := strconv.Atoi(rest)
			if err != nil || n > 9 {
				return 0, false
			}
			units = n
		}
		return tens*10 + units, true
	}
	// Base 10 always: strconv.ParseInt(…, 0, …) or fmt.Sscan would read
	// "08" as a bad octal number and lose the date.
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// ChinaTime is China Standard Time, the one zone of every date a person
// reads or a rule counts (deadlines, days left, a letter's date, the audit
// log's times): a fixed offset, since the server's own zone may be UTC.
// Between 16:00 and 24:00 UTC it is already the next day in China.
var ChinaTime = time.FixedZone("CST", 8*3600)

// Today is now in China; days left and days late count from its date.
func Today() time.Time { return time.Now().In(ChinaTime) }
