package report

import (
	"slices"
	"testing"
)

// TestLayoutCoversPrintedCodes: the layout holds every printed cell of an
// edition once, in print order, each row with a cell per column of its
// block whose row and column parts are the row's and the column's keys.
func TestLayoutCoversPrintedCodes(t *testing.T) {
	for _, ed := range []string{Edition2019, Edition2021} {
		var got, want []Code
		for c := range PrintedCodes(ed) {
			want = append(want, c)
		}
		for _, tl := range Layout(ed) {
			for _, b := range tl.Blocks {
				for _, r := range b.Rows {
					if len(r.Cells) != len(b.Columns) {
						t.Errorf("%s table %d row %s: %d cells under %d columns", ed, tl.Table, r.Key, len(r.Cells), len(b.Columns))
						continue
					}
					for i, c := range r.Cells {
						if c.Table() != tl.Table || c.Row() != r.Key || c.Column() != b.Columns[i].Key {
							t.Errorf("%s: %s under table %d row %s column %s", ed, c, tl.Table, r.Key, b.Columns[i].Key)
						}
					}
					got = append(got, r.Cells...)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: layout cells\n%v\nwant the printed codes\n%v", ed, got, want)
		}
	}
}

// TestLayoutWording: the template's words where they differ from the
// catalogue, and the headings a row stands under.
func TestLayoutWording(t *testing.T) {
	find := func(ed string, table int, key string) (LayoutBlock, LayoutRow) {
		for _, tl := range Layout(ed) {
			for _, b := range tl.Blocks {
				for _, r := range b.Rows {
					if tl.Table == table && r.Key == key {
						return b, r
					}
				}
			}
		}
		t.Fatalf("%s: no row %s in table %d", ed, key, table)
		return LayoutBlock{}, LayoutRow{}
	}
	cases := []struct {
		ed                   string
		table                int
		key                  string
		heading, group, item string
		result               bool
		firstHead            string
	}{
		{Edition2021, 2, "fees", "第二十条第（八）项", "", "行政事业性收费", false, "本年收费金额（单位：万元）"},
		{Edition2019, 2, "procurement", "第二十条第（九）项", "", "政府集中采购", false, "采购项目数量"},
		{Edition2019, 2, "other_services", "第二十条第（五）项", "", "其他对外管理服务事项", false, "上一年项目数量"},
		{Edition2021, 3, "denied.state_secret", "", "（三）不予公开", "1.属于国家秘密", true, "自然人"},
		{Edition2021, 3, "other.unpaid_fee", "", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", true, "自然人"},
		{Edition2019, 3, "other", "", "", "（六）其他处理", true, "自然人"},
		{Edition2021, 3, "carry_forward", "", "", "四、结转下年度继续办理", false, "自然人"},
		{Edition2021, 3, "total", "", "", "（七）总计", true, "自然人"},
		{Edition2021, 4, "litigation_after", "", "行政诉讼", "复议后起诉", false, "结果维持"},
	}
	for _, tc := range cases {
		b, r := find(tc.ed, tc.table, tc.key)
		if b.Heading != tc.heading || r.Group != tc.group || r.Item != tc.item || r.Result != tc.result || b.Columns[0].Printed != tc.firstHead {
			t.Errorf("%s %s: heading %q group %q item %q result %v first head %q", tc.ed, tc.key, b.Heading, r.Group, r.Item, r.Result, b.Columns[0].Printed)
		}
	}
}

func TestLayoutTitles(t *testing.T) {
	want := []string{"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"}
	for _, ed := range []string{Edition2019, Edition2021} {
		for i, tl := range Layout(ed) {
			if tl.Table != i+2 || tl.Title != want[i] {
				t.Errorf("%s table %d: %d %q", ed, i+2, tl.Table, tl.Title)
			}
		}
	}
}
