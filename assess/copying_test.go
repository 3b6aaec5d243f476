package assess

import (
	"regexp"
	"testing"
)

// jaccardStrings is the measure as first written, over sets of strings: the
// packed shingles must give exactly the same share.
func jaccardStrings(a, b []rune) float64 {
	set := func(rs []rune) map[string]bool {
		m := map[string]bool{}
		for i := 0; i+ShingleSize <= len(rs); i++ {
			m[string(rs[i:i+ShingleSize])] = true
		}
		return m
	}
	x, y := set(a), set(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	inter := 0
	for s := range x {
		if y[s] {
			inter++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

func TestJaccardPackedMatchesStrings(t *testing.T) {
	for _, c := range []struct{ name, a, b string }{
		{"same", "本年度我镇政府信息公开工作稳步推进，主动公开信息一百二十条。", "本年度我镇政府信息公开工作稳步推进，主动公开信息一百二十条。"},
		{"partly", "本年度我镇政府信息公开工作稳步推进，主动公开信息一百二十条。", "本年度政府信息公开工作有序开展，主动公开信息一百二十条，依申请公开三件。"},
		{"disjoint", "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥"},
		{"repeated shingles", "公开公开公开公开公开公开", "公开公开公开"},
		{"short", "四个字", "四个字啊"},
		// Characters beyond the basic plane (CJK extension B) and ASCII.
		{"wide runes", "𠀀𠀁𠀂𠀃𠀄𠀅 abc 𠀆𠀇", "𠀀𠀁𠀂𠀃𠀄𠀅 abd 𠀆𠀇"},
	} {
		t.Run(c.name, func(t *testing.T) {
			secs := func(s string) []Section { return []Section{{Number: 1, Body: s}} }
			ta, tb := Prepare(secs(c.a), nil), Prepare(secs(c.b), nil)
			want := jaccardStrings(ta.runes, tb.runes)
			if got := Jaccard(ta, tb); got != want {
				t.Errorf("Jaccard = %v, string sets give %v", got, want)
			}
			if got := Jaccard(tb, ta); got != want {
				t.Errorf("Jaccard reversed = %v, string sets give %v", got, want)
			}
			if b := jaccardBound(ta, tb); want > b {
				t.Errorf("share %v above its bound %v", want, b)
			}
			// Stopping early: exact whenever the share is wanted, a true
			// upper bound when it is not.
			for _, floor := range []float64{0, 0.1, 0.3, 0.5, want, 0.93, 1} {
				keep := func(s float64) bool { return s >= floor }
				got, exact := jaccardIf(ta, tb, keep)
				switch {
				case exact && got != want:
					t.Errorf("floor %v: jaccardIf = %v exact, Jaccard %v", floor, got, want)
				case !exact && (keep(want) || got < want):
					t.Errorf("floor %v: jaccardIf stopped at bound %v, Jaccard %v", floor, got, want)
				}
			}
		})
	}
}

// TestPlainLookupsMatchRegexps: the word lookups that replaced two regular
// expressions of the form checks give what the expressions gave.
func TestPlainLookupsMatchRegexps(t *testing.T) {
	old := regexp.MustCompile(`政府信息公开情况统计表|主动公开政府信息数|收到申请数|依申请公开信息目录数`)
	for _, s := range []string{
		"", "本年度未收取信息处理费。", "本机关未收费。", "收取了复印费", "收取过程中产生的各项工本费用", "收取", "不收取任何费用",
		"收到申请数12件，主动公开政府信息数30条", "主动公开政府信息数30条，收到申请数12件", "依申请公开信息目录数", "政府信息公开情况统计表（2018）",
	} {
		if got, want := statesFee(s), feeStated.MatchString(s); got != want {
			t.Errorf("statesFee(%q) = %v, the expression says %v", s, got, want)
		}
		if got, want := firstOldLayout(s), old.FindString(s); got != want {
			t.Errorf("firstOldLayout(%q) = %q, the expression says %q", s, got, want)
		}
	}
}
