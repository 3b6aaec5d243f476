package assess

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Copying (雷同) is measured with exact Jaccard similarity of character
// shingles, not MinHash: a county compares a few dozen reports a year, each
// narrative a few thousand characters, so the exact sets cost little and an
// assessor gets the true share rather than an estimate whose error would
// have to be explained next to a deduction.

// ShingleSize is the length of a shingle in characters. Five characters
// is about two Chinese words: long enough that ordinary phrases shared by
// every report (政府信息公开) are not a match by themselves.
const ShingleSize = 5

// CompareSections are the narrative sections compared: 一 总体情况,
// 五 存在的主要问题及改进情况, 六 其他需要报告的事项.
var CompareSections = []int{1, 5, 6}

// normalise drops spaces (line breaks and spacing differ between copies,
// punctuation is kept so the passages shown stay readable) and replaces the body's own names with a mark, so a text
// copied with the name changed is still the same text.
func normalise(text string, names []string) []rune {
	// A report copied from last year has its years changed and nothing else.
	text = yearRe.ReplaceAllString(text, "□年")
	for _, n := range names {
		if n != "" {
			text = strings.ReplaceAll(text, n, "□")
		}
	}
	var out []rune
	for _, r := range text {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

var yearRe = regexp.MustCompile(`(?:19|20)\d\d年`)

// Text is a narrative prepared for comparison.
type Text struct {
	runes    []rune
	shingles map[string]struct{}
}

// Prepare strips the boilerplate from the compared sections and shingles
// what is left. names are the body's own names (agency, county, 我镇).
func Prepare(sections []Section, names []string) Text {
	var b strings.Builder
	for _, s := range sections {
		for _, n := range CompareSections {
			if s.Number == n {
				b.WriteString(StripBoilerplate(s.Body))
				b.WriteString("。")
			}
		}
	}
	rs := normalise(b.String(), names)
	t := Text{runes: rs, shingles: map[string]struct{}{}}
	for i := 0; i+ShingleSize <= len(rs); i++ {
		t.shingles[string(rs[i:i+ShingleSize])] = struct{}{}
	}
	return t
}

// String is the compared text: boilerplate stripped, names replaced by □.
func (t Text) String() string { return string(t.runes) }

// Empty tells whether nothing is left to compare.
func (t Text) Empty() bool { return len(t.shingles) == 0 }

// Jaccard is |A∩B| / |A∪B| of two texts' shingles.
func Jaccard(a, b Text) float64 {
	if a.Empty() || b.Empty() {
		return 0
	}
	small, large := a.shingles, b.shingles
	if len(small) > len(large) {
		small, large = large, small
	}
	inter := 0
	for s := range small {
		if _, ok := large[s]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a.shingles)+len(b.shingles)-inter)
}

// Passage is a run of text two reports share, as it stands in each.
type Passage struct {
	Text string `json:"text"`
}

// SharedPassages returns the runs of a's text (normalised) made of shingles
// also in b, longest first, at most max of them and none shorter than
// minLen characters: what the page shows side by side.
func SharedPassages(a, b Text, minLen, max int) []string {
	var runs []string
	i := 0
	for i+ShingleSize <= len(a.runes) {
		if _, ok := b.shingles[string(a.runes[i:i+ShingleSize])]; !ok {
			i++
			continue
		}
		j := i
		for j+ShingleSize <= len(a.runes) {
			if _, ok := b.shingles[string(a.runes[j:j+ShingleSize])]; !ok {
				break
			}
			j++
		}
		run := string(a.runes[i : j-1+ShingleSize])
		if len([]rune(run)) >= minLen {
			runs = append(runs, run)
		}
		i = j
	}
	sort.SliceStable(runs, func(x, y int) bool { return len([]rune(runs[x])) > len([]rune(runs[y])) })
	if len(runs) > max {
		runs = runs[:max]
	}
	return runs
}
