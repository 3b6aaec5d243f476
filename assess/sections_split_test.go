package assess

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/internal/corpus"
	"nianbao/registry"
)

// splitSectionsBefore is SplitSections as it was before it cut bodies from
// the text and passed lines that cannot be headings (issue 25, item 1):
// every line trimmed and matched, every body copied line by line. It is
// the oracle of TestSplitSectionsAsBefore.
func splitSectionsBefore(text string) []Section {
	var out []Section
	cur := Section{Number: 0}
	var body strings.Builder
	flush := func() {
		cur.Body = strings.TrimSpace(body.String())
		out = append(out, cur)
		body.Reset()
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(strings.Trim(line, "#*| \t\r"))
		if n := headingNumber(t); n > 0 {
			flush()
			cur = Section{Number: n}
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return out
}

// TestSplitSectionsAsBefore holds SplitSections to the former function on
// made edge cases, the national generator's texts and the real reports of
// the shared corpus.
func TestSplitSectionsAsBefore(t *testing.T) {
	texts := []string{
		"",
		"\n",
		"一、总体情况",
		"一、总体情况\n",
		"前言\n一、总体情况\n正文\n二、主动公开政府信息情况",
		"前言\r\n一、总体情况\r\n正文\r\n\r\n二、主动公开政府信息情况\r\n表\r\n",
		"# \u3000# 一、总体情况\n不是标题\n",
		"#* | \t一、总体情况 |\n正文\n\u3000\u3000三、收到和处理政府信息公开申请情况\n",
		"第一部分 总体情况\n正文\n第五部分：存在的主要问题及改进情况\n问题\n",
		"四、政府信息公开行政复议、行政诉讼情况\n五．存在的主要问题\n六、其他需要报告的事项\n无\n",
		"一、本年新收政府信息公开申请数量\n一、\n七、其他\n\xff一、总体情况\n\ufeff一、总体情况\n",
		"正文" + strings.Repeat("很长", 30) + "\n一、总体情况" + strings.Repeat("字", 40) + "\n",
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	national := 0
	err = generate.National(generate.NationalPlaces(reg, 2), generate.NationalOptions{Seed: 2, Limit: 300, Formats: []string{"txt"}}, func(d generate.NationalDoc) error {
		texts = append(texts, string(d.Data))
		national++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	made := len(texts)
	for _, sub := range []string{"excerpts", "seed", "peer"} {
		files, _ := filepath.Glob(filepath.Join(corpus.Dir(t, sub), "*"))
		for _, f := range files {
			if ext := filepath.Ext(f); ext != ".txt" && ext != ".md" {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(data))
		}
	}
	if len(texts)-made < 50 {
		t.Fatalf("%d texts of the shared corpus, want at least 50", len(texts)-made)
	}
	headings := 0
	for i, text := range texts {
		got, want := SplitSections(text), splitSectionsBefore(text)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("text %d (%.40q…): sections\n%+v\nwant\n%+v", i, text, got, want)
		}
		headings += len(want) - 1
	}
	// A national text prints its six headings: far fewer found would
	// leave the comparison saying little.
	if national < 100 || headings < 5*national {
		t.Errorf("%d headings found in %d texts (%d national): too few for the comparison to say much", headings, len(texts), national)
	}
}
