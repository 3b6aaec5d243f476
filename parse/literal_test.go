package parse

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the hand-written matchers of literal.go
// replaced: the reference they are held to.
var (
	refNumber      = regexp.MustCompile(`^[?]*[ \t]*([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)[ \t]*(万元|元|件|个|条|项|次|宗|家)?$`)
	refZero        = regexp.MustCompile(`^[?]*[ \t]*(/|-{1,2}|—{1,2}|无|空|零|——)$`)
	refGluedSigned = regexp.MustCompile(`^[0-9]+(?:[-.][0-9]+)*[-.]?$`)
)

// literalAgrees reports the first matcher of literal.go that disagrees
// with its regular expression on s.
func literalAgrees(t *testing.T, s string) {
	t.Helper()
	num, ok := numberText(s)
	m := refNumber.FindStringSubmatch(s)
	if ok != (m != nil) || (ok && num != m[1]) {
		t.Errorf("numberText(%q) = %q, %v; the regexp says %q", s, num, ok, m)
	}
	if got, want := zeroText(s), refZero.MatchString(s); got != want {
		t.Errorf("zeroText(%q) = %v, the regexp says %v", s, got, want)
	}
	if got, want := gluedSignedText(s), refGluedSigned.MatchString(s); got != want {
		t.Errorf("gluedSignedText(%q) = %v, the regexp says %v", s, got, want)
	}
}

// literalPieces are what cells are made of, and the near misses.
var literalPieces = []string{"?", " ", "\t", "+", "-", "--", "0", "1", "12", "123", "1234", ",", ",000", ",12", ".", ".5",
	"万元", "元", "件", "个", "家", "万", "/", "—", "——", "无", "空", "零", "x", "\n", "\xff", "年"}

// TestLiteralMatchersAgree holds each hand-written matcher to the regexp
// it replaced: the cases of real cells, then 200 000 strings made of the
// pieces cells are made of.
func TestLiteralMatchersAgree(t *testing.T) {
	for _, s := range []string{"", "0", "12", "1,234", "12,345,678", "1234,567", "1,23", "1,2345", "+5", "-3", "-0", "3.5", "3.", ".5",
		"3.5万元", "5 件", "5件 ", "? 7", "??7", "? ?7", "1,234.50", "/", "--", "---", "—", "———", "无", "? 无", "无无",
		"7-32", "7--3", "1-", "1.", "1-.2", "-1", "11.4", "1 2"} {
		literalAgrees(t, s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range 200000 {
		b.Reset()
		for range rng.IntN(7) {
			b.WriteString(literalPieces[rng.IntN(len(literalPieces))])
		}
		literalAgrees(t, b.String())
		if t.Failed() {
			return
		}
	}
}

// FuzzLiteralMatchers: the same comparison on any input.
func FuzzLiteralMatchers(f *testing.F) {
	for _, s := range literalPieces {
		f.Add(s)
	}
	f.Add("1,234.5万元")
	f.Fuzz(func(t *testing.T, s string) { literalAgrees(t, s) })
}

// refPageNumber is the expression blankPageNumbers replaced: every match's
// group 1 was blanked.
var refPageNumber = regexp.MustCompile(`(?m)^([ \t]*(?:[-—][ \t]*[0-9]{1,3}[ \t]*[-—]|第[ \t]*[0-9]{1,3}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*[0-9]{1,3}[ \t]*页)?|[0-9]{1,3}[ \t]*/[ \t]*[0-9]{1,3})[ \t]*)$`)

func refBlankPageNumbers(norm []byte) {
	for _, m := range refPageNumber.FindAllSubmatchIndex(norm, -1) {
		for i := m[2]; i < m[3]; i++ {
			norm[i] = ' '
		}
	}
}

// TestBlankPageNumbersAgrees holds blankPageNumbers to the multi-line
// expression it replaced, on texts of lines made of page-number pieces.
func TestBlankPageNumbersAgrees(t *testing.T) {
	pieces := []string{"\n", "\n", " ", "\t", "-", "—", "3", "12", "1234", "/", "第", "页", "共", ",", "，", "\f", "规章", "|"}
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for range 100000 {
		b.Reset()
		for range rng.IntN(14) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		got, want := []byte(b.String()), []byte(b.String())
		blankPageNumbers(got)
		refBlankPageNumbers(want)
		if string(got) != string(want) {
			t.Fatalf("blankPageNumbers(%q) = %q, the expression gives %q", b.String(), got, want)
		}
	}
}

// TestFoldBeyondASCII: prepare skips the fold map for ASCII bytes, which
// is right only while no ASCII character is folded.
func TestFoldBeyondASCII(t *testing.T) {
	for r := range fold {
		if r < 0x80 {
			t.Errorf("fold maps ASCII %q: prepare's ASCII fast path would skip it", r)
		}
	}
}

// TestStartReAgrees holds startRe to the expression it wraps: every match
// of every heading and keyword expression over the fixtures' texts (and
// their one-line forms) and over strings made of the expressions' own
// words, and the expressions really take the fast path.
func TestStartReAgrees(t *testing.T) {
	res := map[string]*startRe{"headT2": headT2, "headT3": headT3, "headT4": headT4, "headT5": headT5, "t2Start": t2Start,
		"t2FirstRow": t2FirstRow, "t4Start": t4Start, "edition2019Words": edition2019Words, "edition2021Words": edition2021Words,
		"appsStated": appsStated, "appsNone": appsNone}
	for i, f := range statedFigures {
		res[fmt.Sprintf("statedFigures[%d]", i)] = f.re
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b), strings.ReplaceAll(string(b), "\n", ""))
	}
	words := []string{"行政", "复议", "行政复议", "、", " ", "\n", "行政诉讼", "情况", "政府信息公开", "主动公开", "政府信息", "的", "提起",
		"收到和处理", "申请", "存在的主要问题", "及改进情况", "其他需要报告的事项", "第二十条", "信息内容", "规", "章", "本年", "新制作", "增", "/", "本年制发",
		"收到", "受理", "接到", "新收", "共", "合计", "12", "件", "3",
		// the stated figures' words (narrative_figures.go)
		"办结", "答复", "办理完毕", "结转", "至", "下", "一", "年度", "继续办理", "予以公开", "同意公开", "部分公开", "案件", "起",
		"未", "没有", "无", "发生", "有", "涉及", "和", "及", "行政许可", "行政处罚", "行政强制", "处理", "决定", "制发", "印发", "出台",
		"规范性文件", "未收到", "接收"}
	rng := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	for range 3000 {
		b.Reset()
		for range rng.IntN(20) {
			b.WriteString(words[rng.IntN(len(words))])
		}
		texts = append(texts, b.String())
	}
	for name, x := range res {
		if x.starts == nil {
			t.Errorf("%s: no starting characters derived, the expression would step through every byte", name)
		}
		for _, s := range texts {
			got, want := x.FindAllStringIndex(s, -1), x.re.FindAllStringIndex(s, -1)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s on %q: %v, the expression gives %v", name, s, got, want)
			}
			for _, from := range []int{0, len(s) / 3, len(s) / 2} {
				var got [][]int
				x.scan(s, from, false, func(m []int) bool { got = append(got, m); return true })
				var want [][]int
				for _, m := range x.re.FindAllStringIndex(s[from:], -1) {
					want = append(want, []int{from + m[0], from + m[1]})
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s.scan(%q, %d): %v, the expression gives %v", name, s, from, got, want)
				}
			}
			if got, want := x.FindAllStringSubmatchIndex(s, -1), x.re.FindAllStringSubmatchIndex(s, -1); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s.FindAllStringSubmatchIndex(%q) = %v, the expression gives %v", name, s, got, want)
			}
			if got, want := x.FindStringIndex(s), x.re.FindStringIndex(s); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s.FindStringIndex(%q) = %v, the expression gives %v", name, s, got, want)
			}
		}
	}
}

var refPrefixBefore = regexp.MustCompile(`(?:[一二三四五六七八九十]{1,2}[ \t]*[、.,]|\([ \t]*[一二三四五六七八九十]{1,2}[ \t]*\)|[0-9][ \t]*[.、,]|\([ \t]*[0-9][ \t]*\)|[①②③④⑤⑥⑦⑧⑨⑩])[ \t]*$`)

// TestNumberingStartAgrees holds numberingStart to the expression it
// replaced (where its leftmost match starts), on numberings, near misses
// and windows cut in the middle of a character.
func TestNumberingStartAgrees(t *testing.T) {
	pieces := []string{"一", "二", "十", "三", "、", ".", ",", "(", ")", " ", "\t", "1", "2", "①", "⑩", "⑪", "本年", "x", "\xe4\xb8", "\x80"}
	check := func(s string) {
		a, ok := numberingStart(s)
		m := refPrefixBefore.FindStringIndex(s)
		if ok != (m != nil) || (ok && a != m[0]) {
			t.Fatalf("numberingStart(%q) = %d, %v; the expression gives %v", s, a, ok, m)
		}
	}
	for _, s := range []string{"", "一、", "十一、", "二十一、", "(三)", "( 十二 )", "(二十一)", "1.", "12.", "(1)", "(12)", "①", "  一、 ", "本年(一)", "x(1 )\t"} {
		check(s)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var b strings.Builder
	for range 300000 {
		b.Reset()
		for range rng.IntN(7) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		check(b.String())
	}
}

// FuzzNumberingStart: the same comparison on any input.
func FuzzNumberingStart(f *testing.F) {
	f.Add("十一、")
	f.Add("( 二 )")
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := numberingStart(s)
		m := refPrefixBefore.FindStringIndex(s)
		if ok != (m != nil) || (ok && a != m[0]) {
			t.Fatalf("numberingStart(%q) = %d, %v; the expression gives %v", s, a, ok, m)
		}
	})
}

// TestMayHoldHanYear: wherever hanYear matches, the precheck lets it run.
func TestMayHoldHanYear(t *testing.T) {
	pieces := []string{"二", "〇", "零", "○", "O", "0", "一", "二三", "年", " ", "x", "三"}
	rng := rand.New(rand.NewPCG(9, 10))
	var b strings.Builder
	for range 100000 {
		b.Reset()
		for range rng.IntN(9) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if s := b.String(); hanYear.MatchString(s) && !mayHoldHanYear(s) {
			t.Fatalf("mayHoldHanYear(%q) = false, but hanYear matches", s)
		}
	}
}

// refFindIn is words.findIn without the index of first characters: a
// strings.Index search of the table for each of the label's words.
func refFindIn(w *words, sq squeezed) [][2]int {
	sq.at, sq.firsts = nil, nil
	return w.findIn(sq, "", 0)
}

// TestFindInIndexAgrees holds the indexed label search to the plain one,
// for every row label of tables 2 and 3 over the fixtures (as printed,
// on one line, and with their labels wrapped).
func TestFindInIndexAgrees(t *testing.T) {
	tmpls := [][]rowDef{t3Template, t2Template("2019"), t2Template("2021")}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{string(b), strings.ReplaceAll(string(b), "\n", ""), strings.ReplaceAll(string(b), "本年", "本\n年 ")} {
			for _, tmpl := range tmpls {
				sq := squeeze(s, 3)
				sq.indexFirsts(tmpl)
				if sq.firsts == nil {
					t.Fatal("the template was not indexed")
				}
				for _, row := range tmpl {
					if row.key.re != nil {
						continue
					}
					got, want := row.key.findIn(sq, s, 3), refFindIn(row.key, sq)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s, words %v: %v, the plain search gives %v", f, row.key.alts, got, want)
					}
					n += len(got)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no label found at all: the comparison proves nothing")
	}
}
