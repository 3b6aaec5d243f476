package parse

import (
	"regexp"
)

// fold maps characters that vary between copies of the same report to one
// form: full-width ASCII, odd dashes and spaces, and the traditional
// characters that occur in the tables' labels (some copies of reports are
// converted to traditional characters). Every rune maps to one rune, so
// offsets into the folded text keep their line numbers.
var fold = func() map[rune]rune {
	m := map[rune]rune{
		'\u3000': ' ', '\u00a0': ' ', '\u2002': ' ', '\u2003': ' ', '\u2009': ' ', '\u200b': ' ', '\ufeff': ' ',
		'（': '(', '）': ')', '｜': '|', '│': '|', '丨': '|', '／': '/', '．': '.', '，': ',', '：': ':', '；': ';',
		'－': '-', '−': '-', '–': '-', '﹣': '-', '＋': '+', '？': '?', '、': '、',
		'〔': '(', '〕': ')', '【': '[', '】': ']', '％': '%',
	}
	for r := '０'; r <= '９'; r++ {
		m[r] = '0' + (r - '０')
	}
	for r := 'Ａ'; r <= 'Ｚ'; r++ {
		m[r] = 'A' + (r - 'Ａ')
	}
	for r := 'ａ'; r <= 'ｚ'; r++ {
		m[r] = 'a' + (r - 'ａ')
	}
	// Traditional → simplified, limited to characters of the report's
	// vocabulary (labels, headings, narrative keywords).
	pairs := "規规範范檔档條条項项與与務务處处罰罚強强業业費费許许證证開开發发廢废現现數数據据總总計计結结轉转辦办請请讓让應应關关機机" +
		"構构會会組组織织團团體体國国護护權权內内過过資资訊讯詢询執执醫医舉举報报訴诉複复議议審审決决維维糾纠號号採采購购額额萬万" +
		"為为於于鎮镇鄉乡區区縣县華华隊队險险穩稳經经濟济產产場场設设導导覽览聯联繫系專专營营災灾難难們们這这個个時时間间書书當当" +
		"後后從从單单準准則则類类屬属態态徵征勞劳歸归論论術术對对員员學学標标辭辞償偿補补責责題题億亿達达實实際际絡络網网頁页傳传" +
		"帶带將将隨随紀纪錄录續续線线點点擊击認认錯错誤误劃划統统賬账戶户歷历屆届陽阳鳳凤龍龙魚鱼廣广東东蘭兰沒没製制確确訪访無无" +
		"獲获繳缴納纳繼继況况問问動动幹干黨党衛卫療疗藥药養养種种農农糧粮勵励獎奖懲惩職职義义簽签廳厅貫贯徹彻優优環环圖图雜杂誌志" +
		"極极價价級级積积臺台餘余減减預预緊紧復复質质檢检測测監监層层訂订釋释變变遷迁異异視视頻频聽听觀观邊边遞递運运輸输鐵铁電电" +
		"話话郵邮編编簡简稱称舊旧聞闻評评貸贷賠赔擬拟參参衝冲陣阵憑凭慮虑適适鄰邻緣缘"
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()

// foldSet marks the characters of the basic plane that fold maps: 8 KB
// that a report's text is looked up in before the map.
var foldSet = func() (set [1 << 16 / 64]uint64) {
	for r := range fold {
		if r < 1<<16 {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	return
}()

// pinyinNote matches the simplified-form annotations some traditional
// copies carry after characters, such as 數(shù).
var pinyinNote = regexp.MustCompile(`\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)`)
