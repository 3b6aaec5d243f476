package assess

import (
	"context"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"nianbao/report"
	"nianbao/store"
)

// Area is a part of a scheme's 100 points (宿迁-style: 主动公开 40, 依申请
// 公开 25, …). An area nothing in a report can judge (平台建设, 日常工作)
// is marked not assessable: its points are shown, never invented.
type Area struct {
	Name          string  `json:"name"`
	Weight        float64 `json:"weight"`
	NotAssessable bool    `json:"not_assessable,omitempty"`
	Note          string  `json:"note,omitempty"`
}

// Item is one line of a scheme an assessor gives a verdict on. Its
// verdict comes from the deductions of its rules (fail), the reader's
// flags on the cells it depends on (uncertain) or the scheme saying a
// report cannot show it (not assessable).
type Item struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Area string `json:"area,omitempty"`
	// Rules are rule codes (docs/rules.md) and the two deductions that
	// are not findings: not_filed and corrected_cases.
	Rules []string `json:"rules,omitempty"`
	// Cells are cell-code prefixes (t3, t4.litigation, …) the item reads:
	// a reader's flag (parse_ambiguous, parse_missing, parse_no_data) on
	// one of them makes the item uncertain rather than passed.
	Cells []string `json:"cells,omitempty"`
	// Levels the item applies to (county, department, town); empty: all.
	// A rule whose every item excludes a level deducts nothing there.
	Levels        []string `json:"levels,omitempty"`
	NotAssessable bool     `json:"not_assessable,omitempty"`
	Note          string   `json:"note,omitempty"`
}

// Deductions that are not findings of a rule.
const (
	RuleNotFiled  = "not_filed"
	RuleCorrected = "corrected_cases"
	// RuleRectifyOverdue: findings sent back (退回修改) and not fixed by
	// their deadline (rectify_overdue_per_case).
	RuleRectifyOverdue = "rectify_overdue"
)

// readerFlags are the rules by which the reader says it could not read
// a cell with confidence.
var readerFlags = []string{report.RuleAmbiguous, report.RuleMissing, report.RuleNoData}

//go:embed schemes/*.yaml
var schemeFiles embed.FS

// SchemeInfo is a line of GET /api/v1/schemes.
type SchemeInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Source  string `json:"source"`
	SHA     string `json:"sha"`
}

// shippedSchemes reads the embedded packs once, in file-name order.
var shippedSchemes = sync.OnceValues(func() ([]*Sheet, error) {
	ents, err := schemeFiles.ReadDir("schemes")
	if err != nil {
		return nil, err
	}
	var out []*Sheet
	schemeTexts = map[string][]byte{}
	for _, e := range ents {
		b, err := schemeFiles.ReadFile(path.Join("schemes", e.Name()))
		if err != nil {
			return nil, err
		}
		s, err := ParseSheet(e.Name(), b, nil)
		if err != nil {
			return nil, err
		}
		if s.ID == "" {
			return nil, fmt.Errorf("内置方案 %s 缺少 id", e.Name())
		}
		s.Source = fmt.Sprintf("内置评估方案 %s（%s 版）", s.ID, s.Version)
		schemeTexts[s.ID] = b
		out = append(out, s)
	}
	return out, nil
})

// Schemes lists the shipped packs.
func Schemes() []SchemeInfo {
	ss, err := shippedSchemes()
	if err != nil {
		panic(err) // embedded at build time and tested
	}
	out := make([]SchemeInfo, 0, len(ss))
	for _, s := range ss {
		out = append(out, SchemeInfo{ID: s.ID, Name: s.Name, Version: s.Version, Source: s.Citation, SHA: s.SHA})
	}
	return out
}

// SchemeByID returns a copy of a shipped pack; false when none has the id.
func SchemeByID(id string) (*Sheet, bool) {
	ss, err := shippedSchemes()
	if err != nil {
		panic(err)
	}
	for _, s := range ss {
		if s.ID == id {
			return s.clone(), true
		}
	}
	return nil, false
}

// schemeTexts are the packs' YAML texts by id, filled with shippedSchemes.
var schemeTexts map[string][]byte

// SchemeText is a shipped pack's YAML, for an admin to store as a sheet
// and give to a county or city (PUT /api/v1/sheets/{name}): a pack is a
// sheet, so the choice is the sheet's, audited.
func SchemeText(id string) ([]byte, bool) {
	if _, err := shippedSchemes(); err != nil {
		panic(err)
	}
	b, ok := schemeTexts[id]
	return b, ok
}

// ItemList is the sheet's items; a sheet that lists none (every sheet
// stored before packs) is judged by the national pack's items.
func (s *Sheet) ItemList() []Item {
	if len(s.Items) > 0 {
		return s.Items
	}
	if n, ok := SchemeByID("national"); ok {
		return n.Items
	}
	return nil
}

// ruleApplies says whether a rule deducts for a body of a level: no item
// names the rule, or one that names it applies to the level.
func (s *Sheet) ruleApplies(rule, level string) bool {
	named := false
	for _, it := range s.Items {
		if !slices.Contains(it.Rules, rule) {
			continue
		}
		named = true
		if len(it.Levels) == 0 || slices.Contains(it.Levels, level) {
			return true
		}
	}
	return !named
}

// checkPack checks the pack fields of a sheet, with positions.
func (d *doc) checkPack(s *Sheet) error {
	if s.ID != "" && (strings.Trim(s.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || len(s.ID) > 40) {
		return d.errAt([]any{"id"}, "应为小写字母、数字和“-”组成的编号（不超过 40 个字符），实为 %q", s.ID)
	}
	total := 0.0
	areas := map[string]bool{}
	for i, a := range s.Areas {
		if strings.TrimSpace(a.Name) == "" {
			return d.errAt([]any{"areas", i}, "缺少 name（评估领域的名称）")
		}
		if areas[a.Name] {
			return d.errAt([]any{"areas", i, "name"}, "领域“%s”写了两次", a.Name)
		}
		areas[a.Name] = true
		if err := d.between([]any{"areas", i, "weight"}, a.Weight, 0, 1000); err != nil {
			return err
		}
		total += a.Weight
	}
	if len(s.Areas) > 0 && total <= 0 {
		return d.errAt([]any{"areas"}, "的权重之和应大于 0")
	}
	codes := map[string]bool{}
	for i, it := range s.Items {
		at := []any{"items", i}
		if strings.TrimSpace(it.Code) == "" || strings.TrimSpace(it.Name) == "" {
			return d.errAt(at, "每个评估项都要有 code（编号）和 name（名称）")
		}
		if codes[it.Code] {
			return d.errAt(append(at, "code"), "评估项编号 %s 写了两次", it.Code)
		}
		codes[it.Code] = true
		if it.Area != "" && len(s.Areas) > 0 && !areas[it.Area] {
			return d.errAt(append(at, "area"), "领域“%s”不在 areas 中", it.Area)
		}
		if !it.NotAssessable && len(it.Rules) == 0 {
			return d.errAt(at, "评估项 %s 没有 rules：能从年报判断的项要写明依据的规则，不能判断的写 not_assessable: true", it.Code)
		}
		for j, r := range it.Rules {
			if _, ok := report.RuleByCode(r); !ok && r != RuleNotFiled && r != RuleCorrected && r != RuleRectifyOverdue {
				return d.errAt(append(at, "rules", j), "不是规则代码：%q（规则代码见 docs/rules.md，另有 not_filed、corrected_cases、rectify_overdue）", r)
			}
		}
		for j, l := range it.Levels {
			if !slices.Contains(levelOrder, l) {
				return d.errAt(append(at, "levels", j), "应为 county、department 或 town，实为 %q", l)
			}
		}
	}
	return nil
}

// UnknownSchemeError is a scheme id no shipped pack has.
type UnknownSchemeError struct{ ID string }

func (e *UnknownSchemeError) Error() string {
	return fmt.Sprintf("没有编号为 %q 的评估方案（可用的方案见 /api/v1/schemes）", e.ID)
}

// SchemeOrSheet is the sheet an assessment request scores under: the
// shipped pack id names (with the server's deadlines, as every sheet
// has), else the county's own (SheetFor). Re-scoring under another pack
// reads the same stored findings and writes nothing.
func SchemeOrSheet(ctx context.Context, st *store.Store, county, id string) (*Sheet, error) {
	if id == "" {
		return SheetFor(ctx, st, county)
	}
	sheet, ok := SchemeByID(id)
	if !ok {
		return nil, &UnknownSchemeError{ID: id}
	}
	srv, err := ServerSheet(st)
	if err != nil {
		return nil, err
	}
	sheet.Deadlines = srv.Deadlines.clone()
	return sheet, nil
}
