package perturb

import (
	"math/rand/v2"
	"strings"
)

// toTraditional maps the simplified characters of the reports' labels,
// headings and common narrative words to their traditional forms, as
// copies converted by Chinese-variant tools show them. Pairs are
// simplified, traditional.
var toTraditional = func() map[rune]rune {
	pairs := "规規范範许許处處罚罰强強业業费費购購数數废廢现現决決额額万萬发發对對总總项項减減务務" +
		"采採请請况況织織组組构構机機会會结結转轉办辦开開区區计計这這属屬国國稳穩护護权權类類" +
		"内內过過执執询詢无無关關没沒补補后後确確访訪举舉报報诉訴复復议議获獲认認缴繳审審维維" +
		"纠糾经經县縣镇鎮乡鄉员員门門单單级級统統动動为為实實与與证證条條网網设設传傳书書问問" +
		"题題进進应應当當际際职職责責点點专專资資导導领領党黨标標准準见見广廣众眾监監训訓听聽" +
		"编編辑輯签簽户戶栏欄号號长長东東达達农農卫衛产產场場时時间間从從态態劳勞论論术術" +
		"体體团團华華门門亿億页頁传傳带帶将將随隨纪紀录錄续續线線击擊错錯误誤划劃账賬历歷届屆" +
		"阳陽凤鳳龙龍鱼魚兰蘭访訪缴繳继繼问問动動养養种種粮糧励勵奖獎惩懲义義厅廳贯貫" +
		"彻徹优優环環图圖杂雜极極价價积積台臺余餘预預紧緊质質检檢测測层層订訂释釋变變迁遷异異" +
		"视視频頻边邊递遞运運输輸铁鐵电電话話邮郵简簡称稱旧舊闻聞评評贷貸赔賠拟擬参參冲衝阵陣" +
		"凭憑虑慮适適邻鄰缘緣报報读讀处處门門库庫仅僅紧緊详詳细細况況证證办辦务務"
	m := map[rune]rune{}
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()

// traditional converts the text to traditional characters.
var traditional = Transform{"traditional", func(c *Case, _ *rand.Rand) bool {
	c.Text = strings.Map(func(r rune) rune {
		if t, ok := toTraditional[r]; ok {
			return t
		}
		return r
	}, c.Text)
	return true
}}
