package assess

import (
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
		})
	}
}
