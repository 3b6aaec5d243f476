package query

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"nianbao/report"
)

// Group is the part every grouped row shares.
type Group struct {
	// Group is the agency, county, year or edition of the row, or 合计.
	Group string `json:"group"`
	// County accompanies an agency (group_by=agency); empty otherwise.
	County string `json:"county,omitempty"`
	// Reports is the number of reports in the group.
	Reports int `json:"reports"`
}

// CellsRow is one group with the sum of each requested code. A code no
// report of the group prints is null.
type CellsRow struct {
	Group
	Values map[string]*float64 `json:"values"`
}

// CellsResult is the answer of Cells.
type CellsResult struct {
	GroupBy GroupBy           `json:"group_by"`
	Codes   []string          `json:"codes"`
	Labels  map[string]string `json:"labels"`
	Rows    []CellsRow        `json:"rows"`
}

// MarshalJSON writes each row flat as well — the group under its own name
// (agency, county, year, edition) and every code at the top level, as in
// {"agency": "劳动镇", "t3.new.total": 10} — beside the nested "values",
// so a client may read either shape.
func (r CellsResult) MarshalJSON() ([]byte, error) {
	rows := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		m := map[string]any{"group": row.Group.Group, "reports": row.Reports, "values": row.Values}
		if row.County != "" {
			m["county"] = row.County
		}
		if r.GroupBy != GroupNone {
			m[string(r.GroupBy)] = row.Group.Group
		}
		if r.GroupBy == GroupYear {
			if y, err := strconv.Atoi(row.Group.Group); err == nil {
				m["year"] = y
			}
		}
		for code, v := range row.Values {
			m[code] = v
		}
		rows[i] = m
	}
	type plain struct {
		GroupBy GroupBy           `json:"group_by"`
		Codes   []string          `json:"codes"`
		Labels  map[string]string `json:"labels"`
		Rows    []map[string]any  `json:"rows"`
	}
	return json.Marshal(plain{r.GroupBy, r.Codes, r.Labels, rows})
}

// UnknownCodes is the InputError of a code or prefix not in the catalogue;
// Valid lists every known code.
func UnknownCodes(unknown []string) *InputError {
	valid := make([]string, 0, len(report.Cells()))
	for _, d := range report.Cells() {
		valid = append(valid, d.Code)
	}
	return &InputError{
		Field: "codes",
		Message: fmt.Sprintf("未知的单元格代码：%s。代码形如 t3.new.total，也可用前缀如 t3.denied.*；全部 %d 个可用代码见 valid", strings.Join(unknown, "、"),
			len(valid)),
		Valid: valid,
	}
}

// ExpandCodes resolves codes and prefixes ("t3.denied.*") to catalogue
// codes, or returns an InputError naming the unknown ones.
func ExpandCodes(patterns []string) ([]string, error) {
	codes, unknown := report.ExpandCodes(patterns)
	if len(unknown) > 0 {
		return nil, UnknownCodes(unknown)
	}
	if len(codes) == 0 {
		return nil, &InputError{Field: "codes", Message: "请用 codes 指定至少一个单元格代码，例如 codes=t3.new.total,t3.denied.*"}
	}
	return codes, nil
}

// groups lists the groups of a filter and grouping with their report counts.
func (s *Service) groups(ctx context.Context, f Filter, g GroupBy) ([]Group, error) {
	rows, err := s.query(ctx, "Groups", f, g, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var gr Group
		if err := rows.Scan(&gr.Group, &gr.County, &gr.Reports); err != nil {
			return nil, fmt.Errorf("groups: %w", err)
		}
		out = append(out, gr)
	}
	return out, rows.Err()
}

// MaxCellValues bounds the groups × codes of one Cells answer: at
// national size every code by agency would be 40 000 agencies × 226 codes,
// hundreds of megabytes of JSON built in memory for one anonymous request.
const MaxCellValues = 250_000

func (s *Service) cellLimit() int {
	if s.maxCellValues > 0 {
		return s.maxCellValues
	}
	return MaxCellValues
}

// Cells sums each code per group. Codes may be prefixes ending in "*";
// an unknown code gives an InputError listing the valid ones. With
// GroupNone the result has one row (none when no report matches).
func (s *Service) Cells(ctx context.Context, codes []string, f Filter, g GroupBy) (CellsResult, error) {
	expanded, err := ExpandCodes(codes)
	if err != nil {
		return CellsResult{}, err
	}
	f.Limit, f.Offset = 0, 0
	key := fmt.Sprintf("Cells|%s|%s|%s", strings.Join(expanded, ","), f.key(), g)
	return cached(ctx, s, key, func() (CellsResult, error) {
		res := CellsResult{GroupBy: g, Codes: expanded, Labels: map[string]string{}, Rows: []CellsRow{}}
		for _, c := range expanded {
			res.Labels[c] = report.Label(c)
		}
		groups, err := s.groups(ctx, f, g)
		if err != nil {
			return res, err
		}
		if n := len(groups) * len(expanded); n > s.cellLimit() {
			return res, &InputError{Field: "codes", Message: fmt.Sprintf("结果太大：%d 组 × %d 个代码 = %d 个数，上限 %d。请按年度、省、市或县筛选，或少选几个代码", len(groups), len(expanded), n, s.cellLimit())}
		}
		index := map[[2]string]int{}
		for i, gr := range groups {
			row := CellsRow{Group: gr, Values: make(map[string]*float64, len(expanded))}
			for _, c := range expanded {
				row.Values[c] = nil
			}
			res.Rows = append(res.Rows, row)
			index[[2]string{gr.Group, gr.County}] = i
		}
		if _, ok := figureSums(expanded); ok {
			return res, s.cellsFromFigures(ctx, f, g, expanded, index, res.Rows)
		}
		rows, err := s.query(ctx, "Cells", f, g, expanded)
		if err != nil {
			return res, err
		}
		defer rows.Close()
		for rows.Next() {
			var grp, county, code string
			var v float64
			if err := rows.Scan(&grp, &county, &code, &v); err != nil {
				return res, fmt.Errorf("cells: %w", err)
			}
			if i, ok := index[[2]string{grp, county}]; ok {
				res.Rows[i].Values[code] = ptr(v)
			}
		}
		return res, rows.Err()
	})
}

// cellsFromFigures fills out's values from report_figures (CellsFigures.sql)
// for codes that all have a column there.
func (s *Service) cellsFromFigures(ctx context.Context, f Filter, g GroupBy, codes []string, index map[[2]string]int, out []CellsRow) error {
	rows, err := s.query(ctx, "CellsFigures", f, g, codes)
	if err != nil {
		return err
	}
	defer rows.Close()
	var grp, county string
	vals := make([]sql.NullFloat64, len(codes))
	dest := []any{&grp, &county}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("cells: %w", err)
		}
		i, ok := index[[2]string{grp, county}]
		if !ok {
			continue
		}
		for j, v := range vals {
			if v.Valid {
				out[i].Values[codes[j]] = ptr(v.Float64)
			}
		}
	}
	return rows.Err()
}
