package registry

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Unit is one row of a county's own list of departments and units.
type Unit struct {
	Place   Place
	Aliases []Alias
}

// headers maps the column names a county may use to ours.
var headers = map[string]string{
	"name": "name", "名称": "name", "单位名称": "name", "单位": "name",
	"short_name": "short", "简称": "short",
	"level": "level", "层级": "level", "级别": "level", "类别": "level",
	"county": "county", "所属县": "county", "所属县区": "county", "县区": "county", "县": "county", "county_code": "county",
	"code": "code", "区划代码": "code", "代码": "code",
	"aliases": "aliases", "别名": "aliases", "曾用名": "aliases",
	"effective_on": "effective_on", "更名日期": "effective_on", "生效日期": "effective_on",
}

// ReadUnits reads a county's list (CSV or XLSX, first sheet) of units:
// columns name, level, county (code or name), and optionally short_name,
// code, aliases (separated by ; ； or |) and effective_on (the date the
// current name took effect, so the aliases are the older names). Each
// unit's county must be one county of reg: a list never guesses.
func ReadUnits(reg *Registry, file string, data []byte) ([]Unit, error) {
	rows, err := readTable(file, data)
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: 没有数据行（需要表头 name, level, county）", file)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if k, ok := headers[strings.ToLower(h)]; ok {
			col[k] = i
		}
	}
	for _, need := range []string{"name", "county"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: 缺少列 %s（表头应有 name, level, county）", file, need)
		}
	}
	get := func(row []string, k string) string {
		i, ok := col[k]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	var out []Unit
	for n, row := range rows[1:] {
		line := n + 2
		name := get(row, "name")
		if name == "" {
			continue
		}
		county, why := reg.county(get(row, "county"))
		if county == nil {
			return nil, fmt.Errorf("%s 第 %d 行 %s: %s", file, line, name, why)
		}
		level := GuessLevel(name)
		if s := get(row, "level"); s != "" {
			l, ok := ParseLevel(s)
			if !ok {
				return nil, fmt.Errorf("%s 第 %d 行 %s: 不认识的层级“%s”（可用：%s）", file, line, name, s, levelList())
			}
			level = l
		}
		p := Place{Name: name, Short: get(row, "short"), Level: level, Code: get(row, "code"),
			CountyCode: county.Code, County: county.Name, CityCode: county.CityCode, City: county.City,
			ProvinceCode: county.ProvinceCode, Province: county.Province, Source: "import"}
		if p.Short == "" {
			p.Short = stripPrefixes(Short(name), county)
		}
		p.ID = p.Code
		if p.ID == "" {
			p.ID = UnitID("u", county.Code, p.Short)
		}
		u := Unit{Place: p}
		for _, a := range strings.FieldsFunc(get(row, "aliases"), func(r rune) bool { return r == ';' || r == '；' || r == '|' || r == '、' }) {
			if a = strings.TrimSpace(a); a != "" {
				u.Aliases = append(u.Aliases, Alias{ID: p.ID, Name: a, EffectiveOn: get(row, "effective_on")})
			}
		}
		out = append(out, u)
	}
	return out, nil
}

func levelList() string {
	s := make([]string, len(Levels))
	for i, l := range Levels {
		s[i] = string(l)
	}
	return strings.Join(s, "、")
}

func readTable(file string, data []byte) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv":
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return rows, nil
	case ".xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%s: 工作簿没有工作表", file)
		}
		return f.GetRows(sheets[0])
	}
	return nil, fmt.Errorf("%s: 只能导入 .csv 或 .xlsx", file)
}
