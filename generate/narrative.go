package generate

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"nianbao/report"
)

// textRand gives the prose of a report its own stream, fixed by the
// report's identity, so Render needs nothing but the report.
func textRand(r *report.Report) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%d", r.County, r.Agency, r.Year)
	return rand.New(rand.NewPCG(h.Sum64(), 0x6e61727261))
}

// self is how a body calls itself: 我镇, 我乡, 我街道.
func self(agency string) string {
	for _, s := range []string{"街道", "镇", "乡", "局"} {
		if strings.HasSuffix(agency, s) {
			return "我" + s
		}
	}
	return "我单位"
}

// body is the full name of the government of a town: 青石镇人民政府; a
// county's department (公安局) is its own name.
func body(agency string) string {
	if strings.HasSuffix(agency, "街道") {
		return agency + "办事处"
	}
	if strings.HasSuffix(agency, "局") {
		return agency
	}
	return agency + "人民政府"
}

func oneOf(rng *rand.Rand, s ...string) string { return s[rng.IntN(len(s))] }

// statedApplications is the number of new applications the prose states:
// the table's own figure unless the report was made to contradict it.
func statedApplications(r *report.Report) float64 {
	for _, n := range r.Narrative {
		for _, c := range n.Cells {
			if c == "t3.new.total" {
				return n.Value
			}
		}
	}
	return r.Cells["t3.new.total"]
}

type prose struct {
	intro, general, problems, other []string
}

func narrative(r *report.Report) prose {
	rng := textRand(r)
	y, c, a, me := r.Year, r.County, r.Agency, self(r.Agency)
	var p prose
	p.intro = []string{fmt.Sprintf("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定，现公布%s%s%d年政府信息公开工作年度报告。本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。如对本报告有疑问，请与%s党政办公室联系。",
		c, body(a), y, y, y, body(a))}

	items := 20 + rng.IntN(120)
	news := items / 2
	p.general = []string{
		fmt.Sprintf("%d年，%s%s%s，在县委、县政府的坚强领导和县政府信息公开办公室的指导下，认真落实“以公开为常态、不公开为例外”的要求，扎实推进政府信息公开工作。",
			y, c, a, oneOf(rng, "坚持以习近平新时代中国特色社会主义思想为指导", "深入贯彻落实《条例》各项规定", "紧紧围绕中心工作")),
		"(一)主动公开",
		fmt.Sprintf("%d年，%s通过%s人民政府门户网站、政务公开栏等渠道主动公开政府信息%d条，其中工作动态%d条，重大民生信息%d条，其他信息%d条。",
			y, me, c, items, news, items/4, items-news-items/4),
		"(二)依申请公开",
	}
	n := statedApplications(r)
	var apply string
	switch {
	case n == 0 && rng.IntN(2) == 0:
		apply = fmt.Sprintf("%d年，%s%s未收到政府信息公开申请。", y, c, a)
	default:
		apply = fmt.Sprintf("%d年，%s%s严格按照《条例》规定办理依申请公开事项，全年共收到政府信息公开申请%s件", y, c, a, fmtNum(n))
		if co := r.Cells["t3.carried_over.total"]; co > 0 {
			apply += fmt.Sprintf("，上年结转%s件", fmtNum(co))
		}
		if cf := r.Cells["t3.carry_forward.total"]; cf > 0 {
			apply += fmt.Sprintf("，结转下年度继续办理%s件", fmtNum(cf))
		}
		apply += "，均在法定期限内予以答复。"
	}
	p.general = append(p.general, apply,
		"(三)政府信息管理",
		fmt.Sprintf("%s严格执行信息发布“先审后发”和“三级审核”制度，由党政办公室专人编辑、分管领导审核、主要领导签发，确保信息依法、准确、及时公开。%s",
			me, oneOf(rng, "对历年公开的信息开展清理，及时更新失效内容。", "规范公文公开属性认定，做到应公开尽公开。", "建立信息公开台账，做到发布可追溯。")),
		"(四)平台建设",
		fmt.Sprintf("以%s人民政府门户网站为第一平台，%s，做到多渠道发布时内容一致。",
			c, oneOf(rng, "结合政务公开栏、村务公开栏同步发布", "借助微信公众号、便民服务中心电子屏扩大覆盖面", "在便民服务中心设置政务公开专区")),
		"(五)监督保障",
		fmt.Sprintf("%s成立政务公开工作领导小组，明确分管领导和具体经办人员，全年组织业务培训%d次，把政府信息公开工作纳入年度目标考核。",
			me, 1+rng.IntN(4)),
	)
	p.problems = []string{
		fmt.Sprintf("(一)存在的主要问题。%s", oneOf(rng,
			"一是公开内容较为单一，多为工作动态；二是经办人员业务水平有待提高；三是群众对依申请公开渠道了解不多。",
			"一是信息更新不够及时；二是政策解读形式单一；三是基层公开栏维护不到位。")),
		fmt.Sprintf("(二)改进情况。%s", oneOf(rng,
			"一是丰富公开内容，加大民生领域信息公开力度；二是加强业务培训，提升经办人员能力；三是加大宣传，畅通申请渠道。",
			"一是建立信息更新提醒机制；二是采用图解、视频等形式开展政策解读；三是定期检查公开栏内容。")),
	}
	// §六 states the fees as the 2021 measures ask: when table 3 counts
	// applicants who did not pay after a fee notice, the notices went out
	// and the text says so (an assessor checks the two against each other).
	fees := fmt.Sprintf("%d年，%s未收取政府信息公开信息处理费。", y, me)
	if n := r.Cells["t3.other.unpaid_fee.total"]; n > 0 {
		fees = fmt.Sprintf("%d年，%s向申请人发出收费通知%g件，申请人均逾期未缴纳，未实际收取政府信息公开信息处理费。", y, me, n)
	}
	p.other = []string{fees + oneOf(rng, "无其他需要报告的事项。", "")}
	return p
}
