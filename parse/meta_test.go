package parse

import (
	"os"
	"strings"
	"testing"

	"nianbao/registry"
	"nianbao/report"
)

// TestAgencyWaysWritten: the agency is found wherever a report names it,
// page furniture is not part of it, and a sentence fragment is never taken
// for it (it stays empty with a finding).
func TestAgencyWaysWritten(t *testing.T) {
	body := "\n一、总体情况\n本年度按要求公开信息。\n二、主动公开政府信息情况\n"
	cases := []struct {
		name, text     string
		agency, county string
	}{
		{"title", "乐至县劳动镇人民政府2022年政府信息公开工作年度报告" + body, "劳动镇", "乐至县"},
		{"title with page furniture", "第2页 - 乐至县劳动镇人民政府2022年政府信息公开工作年度报告" + body, "劳动镇", "乐至县"},
		{"byline", "2022年政府信息公开工作年度报告\n发布机构：乐至县劳动镇人民政府 发布日期：2023-01-10" + body, "劳动镇", "乐至县"},
		{"source line", "政府信息公开工作年度报告\n信息来源：宁强县自然资源局  浏览次数：12" + body, "自然资源局", "宁强县"},
		{"crawler header", "标题: 海丰县海城镇2024年政府信息公开工作年度报告\n发布时间: 2025-01-20\n原文链接: https://www.example.gov.cn/a.html\n----------\n" + body, "海城镇", "海丰县"},
		{"first sentence", "政府信息公开工作年度报告\n2024年,在县委、县政府的坚强领导下,海城镇以习近平新时代中国特色社会主义思想为指引,严格贯彻条例。" + body, "海城镇", ""},
		{"website named, of the kind the report calls itself", "年度报告\n全年我局在句容市住房和城乡建设局官网上主动公开文件172条。" + body, "住房和城乡建设局", "句容市"},
		{"signature", "2023年政府信息公开工作年度报告" + body + "……\n六、其他需要报告的事项\n无。\n\n大营镇人民政府\n2024年1月20日\n", "大营镇", ""},
		{"lines run together, name printed twice", "示范县云石镇人民政府云石镇2022年政府信息公开工作年度报告" + body, "云石镇", "示范县"},
		{"fragment only", "2022年政府信息公开工作年度报告\n在上级部门的关心指导下我局认真落实条例。全年我局通过略阳县人民政府网站公开信息。" + body, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Text(c.name, c.text, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Agency != c.agency || (c.county != "" && r.County != c.county) {
				t.Errorf("agency %q county %q, want %q %q", r.Agency, r.County, c.agency, c.county)
			}
			flagged := false
			for _, f := range r.Findings {
				flagged = flagged || f.Rule == report.RuleNoAgency
			}
			if flagged != (c.agency == "") {
				t.Errorf("no-agency finding %v, want %v", flagged, c.agency == "")
			}
		})
	}
}

// TestAgencyNames reads testdata/agency-names.tsv: each title, byline or
// signature gives the agency and county wanted, checked against the
// registry; a name one character off a registry name keeps its printed
// spelling and carries a finding proposing the registry's.
func TestAgencyNames(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/agency-names.tsv")
	if err != nil {
		t.Fatal(err)
	}
	body := "\n一、总体情况\n本年度按要求公开信息。\n二、主动公开政府信息情况\n"
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("agency-names.tsv:%d: %d columns, want 5", i+1, len(f))
		}
		n++
		name, text, agency, county, proposal := f[0], strings.ReplaceAll(f[1], `\n`, "\n"), f[2], f[3], f[4]
		t.Run(name, func(t *testing.T) {
			r, err := Text(name, text+body, Meta{Places: reg})
			if err != nil {
				t.Fatal(err)
			}
			if r.Agency != agency || (county != "-" && r.County != county) {
				t.Errorf("agency %q county %q, want %q %q", r.Agency, r.County, agency, county)
			}
			var near []string
			for _, f := range r.Findings {
				if f.Rule == report.RuleAgencyNearMiss {
					near = append(near, f.Message)
				}
			}
			switch {
			case proposal == "-" && len(near) > 0:
				t.Errorf("unexpected proposal: %v", near)
			case proposal != "-" && (len(near) != 1 || !strings.Contains(near[0], "「"+proposal+"」")):
				t.Errorf("proposal findings %v, want one naming 「%s」", near, proposal)
			}
			// Without the registry the text alone gives the same name, and
			// nothing is proposed.
			alone, err := Text(name, text+body, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if alone.Agency != r.Agency || alone.County != r.County {
				t.Errorf("without the registry: agency %q county %q, with it %q %q", alone.Agency, alone.County, r.Agency, r.County)
			}
			for _, f := range alone.Findings {
				if f.Rule == report.RuleAgencyNearMiss {
					t.Errorf("without the registry a proposal: %s", f.Message)
				}
			}
			// Checked afterwards, as the parent of a parse worker does, the
			// same name and the same proposal (once, however often checked).
			CheckAgency(alone, text+body, reg)
			CheckAgency(alone, text+body, reg)
			after := 0
			for _, f := range alone.Findings {
				if f.Rule == report.RuleAgencyNearMiss {
					after++
				}
			}
			if alone.Agency != r.Agency || alone.County != r.County || after != len(near) {
				t.Errorf("checked afterwards: agency %q county %q, %d proposals; read with the registry: %q %q, %d", alone.Agency, alone.County, after, r.Agency, r.County, len(near))
			}
		})
	}
	if n < 15 {
		t.Fatalf("only %d cases read", n)
	}
}
