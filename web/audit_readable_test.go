package web

import (
	"testing"

	"nianbao/store"
)

// TestAuditReadable: each kind of audit entry is shown in words — cells
// by label, a finding by its rule, states and roles in Chinese, no hash.
func TestAuditReadable(t *testing.T) {
	sha := "433d8496e9ef17a4a49812e5c79990bf16ffa27dea72580648724ce39b9399c9"
	for _, tc := range []struct {
		in                     store.AuditEntry
		target, oldVal, newVal string
	}{
		{store.AuditEntry{Action: "correct", Target: "t3.new.natural", OldValue: "0", NewValue: "3"}, "一、本年新收政府信息公开申请数量 · 自然人", "0", "3"},
		{store.AuditEntry{Action: "review", Target: "rule4_review|t4.reconsideration.total", NewValue: "dismissed"}, "规则4：复议诉讼各项之和＝总计（行政复议 · 总计）", "", "已驳回"},
		{store.AuditEntry{Action: "review", Target: "rule2_results|a,b,c,d,e", NewValue: ""}, "规则2：办理结果各项之和＝总计（a、b、c等 5 格）", "", "撤销复核"},
		{store.AuditEntry{Action: "upload", Target: "劳动镇.txt", OldValue: sha, NewValue: sha}, "劳动镇.txt", "已替换原有版本", "已入库"},
		{store.AuditEntry{Action: "filing", Target: "512022105", NewValue: "unpublished"}, "报送情况", "", "未发布（已核实）"},
		{store.AuditEntry{Action: "person-role", Target: "张填报", OldValue: "clerk 乐至县", NewValue: "admin"}, "张填报", "填报员 乐至县", "管理员"},
		{store.AuditEntry{Action: "restore", Target: "report 7", OldValue: "v3", NewValue: "v1"}, "报告 7", "第3版", "第1版"},
		{store.AuditEntry{Action: "merge", Target: "512022105", OldValue: "x512022-1 宝林乡", NewValue: "512022105 宝林镇"}, "合并机关", "宝林乡", "宝林镇"},
	} {
		got := readable(tc.in)
		if got.Target != tc.target || got.OldValue != tc.oldVal || got.NewValue != tc.newVal {
			t.Errorf("%s %q: %q | %q | %q, want %q | %q | %q", tc.in.Action, tc.in.Target, got.Target, got.OldValue, got.NewValue, tc.target, tc.oldVal, tc.newVal)
		}
	}
}
