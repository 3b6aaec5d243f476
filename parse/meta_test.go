package parse

import (
	"testing"

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
