package generate

import "strconv"

// Layout d glues the numbers of a row together ("规章000"). A glued row can
// be read back only if one split of its digits gives the row's width of
// numbers; the renderer glues a row when that holds, either from the width
// alone or with the row's own identity (table 3: applicant columns add up
// to 总计; table 4: each group's outcomes add up to its 总计), and writes
// the numbers space-separated otherwise. A number is read as
// -?(0|[1-9][0-9]*)(\.[0-9]+)?: no leading zeros, a sign only in front.

// validNum tells whether s is one number as a glued row can show it.
func validNum(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	digits := s[start:i]
	if digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return false
	}
	if i < len(s) {
		if s[i] != '.' || i == len(s)-1 {
			return false
		}
		for _, c := range s[i+1:] {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	if s[0] == '-' && digits == "0" && i == len(s) {
		return false
	}
	return true
}

// countSplits counts, up to 2, the ways s reads as k numbers that satisfy
// ok (nil accepts all).
func countSplits(s string, k int, ok func([]float64) bool) int {
	var parts []float64
	var walk func(i int) int
	walk = func(i int) int {
		if len(parts) == k {
			if i == len(s) && (ok == nil || ok(parts)) {
				return 1
			}
			return 0
		}
		left := k - len(parts)
		n := 0
		for j := i + 1; j <= len(s)-(left-1); j++ {
			if !validNum(s[i:j]) {
				continue
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil {
				continue
			}
			parts = append(parts, v)
			n += walk(j)
			parts = parts[:len(parts)-1]
			if n >= 2 {
				return n
			}
		}
		return n
	}
	return walk(0)
}

// gluable tells whether the numbers of a row, written with no separator,
// read back as exactly these numbers.
func gluable(vals []string, values []float64, rule func([]float64) bool) bool {
	s := ""
	for _, v := range vals {
		s += v
	}
	if countSplits(s, len(vals), nil) == 1 {
		return true
	}
	return rule != nil && rule(values) && countSplits(s, len(vals), rule) == 1
}
