package assess

import (
	"regexp"
	"slices"
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
	runes []rune
	// shingles are the distinct shingles, packed and sorted, so that two
	// texts are compared by one merge of integers rather than by hashing
	// strings (the string sets made the re-check of a large county take
	// most of a bulk ingest; docs/benchmarks.md).
	shingles []shingle
}

// shingle is five characters packed exactly: a rune fits in 21 bits, so
// the first two go in hi and the last three in lo, and two shingles are
// equal exactly when their characters are (no hash, no collisions).
type shingle struct{ hi, lo uint64 }

func pack(rs []rune) shingle {
	return shingle{
		hi: uint64(rs[0])<<21 | uint64(rs[1]),
		lo: uint64(rs[2])<<42 | uint64(rs[3])<<21 | uint64(rs[4]),
	}
}

func (a shingle) less(b shingle) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

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
	t := Text{runes: rs}
	if len(rs) < ShingleSize {
		return t
	}
	sh := make([]shingle, 0, len(rs)-ShingleSize+1)
	for i := 0; i+ShingleSize <= len(rs); i++ {
		sh = append(sh, pack(rs[i:i+ShingleSize]))
	}
	slices.SortFunc(sh, func(a, b shingle) int {
		switch {
		case a.less(b):
			return -1
		case b.less(a):
			return 1
		}
		return 0
	})
	t.shingles = slices.Compact(sh)
	return t
}

// String is the compared text: boilerplate stripped, names replaced by □.
func (t Text) String() string { return string(t.runes) }

// Empty tells whether nothing is left to compare.
func (t Text) Empty() bool { return len(t.shingles) == 0 }

// has tells whether the text holds the shingle (binary search).
func (t Text) has(x shingle) bool {
	_, ok := slices.BinarySearchFunc(t.shingles, x, func(a, b shingle) int {
		switch {
		case a.less(b):
			return -1
		case b.less(a):
			return 1
		}
		return 0
	})
	return ok
}

// Jaccard is |A∩B| / |A∪B| of two texts' shingles: jaccardIf with every
// share accepted, so the merge never stops early.
func Jaccard(a, b Text) float64 {
	share, _ := jaccardIf(a, b, func(float64) bool { return true })
	return share
}

// jaccardIf is Jaccard(a, b) for a caller that only wants shares that keep
// accepts (keep must hold for a share if it holds for a smaller one, as
// "at least the threshold and above the best so far" does). It stops the
// merge as soon as the shingles left cannot bring the common count to the
// least share keep takes, and then returns exact false with an upper
// bound on the share; with a threshold of 0.93 most pairs stop within a
// few percent of their shingles. Otherwise the share is Jaccard's exactly.
func jaccardIf(a, b Text, keep func(float64) bool) (share float64, exact bool) {
	n, m := len(a.shingles), len(b.shingles)
	if n == 0 || m == 0 {
		return 0, true
	}
	ratio := func(k int) float64 { return float64(k) / float64(n+m-k) }
	// need: the fewest common shingles whose share keep takes.
	lo, hi := 0, min(n, m)+1
	for lo < hi {
		mid := (lo + hi) / 2
		if keep(ratio(mid)) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	need := lo
	if need > min(n, m) {
		return ratio(min(n, m)), false
	}
	inter := 0
	x, y := a.shingles, b.shingles
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		if inter+min(len(x)-i, len(y)-j) < need {
			return ratio(need - 1), false
		}
		switch {
		case x[i] == y[j]:
			inter++
			i++
			j++
		case x[i].less(y[j]):
			i++
		default:
			j++
		}
	}
	return ratio(inter), true
}

// jaccardBound is the largest Jaccard two sets of these sizes can have:
// the smaller one wholly inside the larger.
func jaccardBound(a, b Text) float64 {
	n, m := len(a.shingles), len(b.shingles)
	if n == 0 || m == 0 {
		return 0
	}
	return float64(min(n, m)) / float64(max(n, m))
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
		if !b.has(pack(a.runes[i : i+ShingleSize])) {
			i++
			continue
		}
		j := i
		for j+ShingleSize <= len(a.runes) {
			if !b.has(pack(a.runes[j : j+ShingleSize])) {
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
