package api

import (
	"nianbao/query"
)

// Tables lays the audit log out for Excel: one line per human change.
func (a AuditList) Tables() []query.Table {
	t := query.Table{Title: "操作记录", Columns: []string{"序号", "时间", "操作人", "操作", "机关", "县（市、区）", "年度", "对象", "原值", "新值", "说明"}}
	for _, e := range a.Entries {
		var year any
		if e.Year != 0 {
			year = e.Year
		}
		t.Rows = append(t.Rows, []any{e.Seq, e.At.Format("2006-01-02 15:04:05"), e.Author, e.Action, e.Agency, e.County, year, e.Target, e.OldValue, e.NewValue, e.Comment})
	}
	return []query.Table{t}
}
