package assess

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"nianbao/report"
	"nianbao/store"
)

//go:embed scoresheet.json
var defaultSheet []byte

//go:embed deadlines.json
var defaultDeadlines []byte

// Rating is a traffic-light band of the score sheet.
type Rating struct {
	Min   float64 `json:"min"`
	Code  string  `json:"code"` // green, yellow, red
	Label string  `json:"label"`
}

// Sheet is a score sheet: the points, deductions, weights and thresholds
// an assessing office applies. The default is scoresheet.json beside this
// file; an office may load its own (YAML or JSON, same fields) with
// LoadSheet, and an admin may store one per county or city (SheetFor).
// The fields are documented in docs/metrics.md, section 评分表的格式.
type Sheet struct {
	Name              string             `json:"name"`
	Comment           string             `json:"_comment,omitempty"`
	Base              float64            `json:"base"`
	Deductions        map[string]float64 `json:"deductions"`
	MaxPerRule        float64            `json:"max_per_rule"`
	CorrectionPerCase float64            `json:"correction_per_case"`
	LatePerDay        float64            `json:"late_per_day"`
	LateMax           float64            `json:"late_max"`
	Levels            map[string]float64 `json:"levels"`
	Sampling          map[string]int     `json:"sampling"`
	Ratings           []Rating           `json:"ratings"`
	CopyThreshold     float64            `json:"copy_threshold"`
	JumpFactor        float64            `json:"jump_factor"`
	JumpMinDiff       float64            `json:"jump_min_diff"`
	JumpCodes         []string           `json:"jump_codes"`
	FeeYuanThreshold  float64            `json:"fee_yuan_threshold"`
	AggregateCovers   bool               `json:"aggregate_covers_units"`

	// JumpMin is the size both years must reach for their ratio to count;
	// JumpLarge the size that counts on its own when the other year is 0
	// or under JumpMin (yoy_jump, crossyear.go).
	JumpMin   float64 `json:"jump_min"`
	JumpLarge float64 `json:"jump_large"`
	// PeerMin is the smallest group of peers (same county, year, level)
	// compared with; PeerZeroMedian the peers' median that makes a zero
	// suspect (peer_zero, peer_blank: peerchecks.go).
	PeerMin        int     `json:"peer_min"`
	PeerZeroMedian float64 `json:"peer_zero_median"`

	// RectifyOverduePerCase is the points a body loses for each finding
	// sent back to it (退回修改) and still open past its deadline;
	// RectifyOverdueMax caps the sum (0: max_per_rule). Both optional: a
	// sheet without them deducts nothing for it.
	RectifyOverduePerCase float64 `json:"rectify_overdue_per_case,omitempty"`
	RectifyOverdueMax     float64 `json:"rectify_overdue_max,omitempty"`
	// Deadlines may be given in the sheet itself; a sheet without them
	// takes the server's (--deadlines, else deadlines.json).
	Deadlines Deadlines `json:"deadlines"`
	// A scheme pack (issue 21, schemes.go) is a sheet that also says who
	// published it and what it assesses: these fields are optional, so
	// every sheet stored before still reads.
	ID          string `json:"id,omitempty"`
	Version     string `json:"version,omitempty"`
	Citation    string `json:"source,omitempty"`
	Areas       []Area `json:"areas,omitempty"`
	Items       []Item `json:"items,omitempty"`
	UnitsPooled bool   `json:"units_pooled,omitempty"`
	// SHA is the sha256 of the sheet's text, Source where it came from
	// (shown beside the name on the score sheet and in its workbook).
	SHA    string `json:"-"`
	Source string `json:"-"`
}

// Deadlines are the publication deadlines by level, with provincial
// overrides (deadlines.json).
type Deadlines struct {
	Comment        string                       `json:"_comment,omitempty"`
	Default        map[string]string            `json:"default"`
	Provinces      map[string]map[string]string `json:"provinces"`
	CountyProvince map[string]string            `json:"county_province"`
}

// DefaultSheet returns the shipped score sheet and deadlines.
func DefaultSheet() *Sheet {
	s, err := shippedSheet()
	if err != nil {
		panic(err) // embedded at build time and tested
	}
	return s.clone()
}

// The shipped sheet and deadlines are read once: DefaultSheet is asked
// per report by some callers, and reading YAML takes most of a
// millisecond. Callers get clones, free to change.
var (
	shippedSheet = sync.OnceValues(func() (*Sheet, error) {
		s, err := ParseSheet("scoresheet.json", defaultSheet, nil)
		if err == nil {
			s.Source = "内置默认评分表"
		}
		return s, err
	})
	shippedDeadlines = sync.OnceValues(func() (*Deadlines, error) {
		return ParseDeadlines("deadlines.json", defaultDeadlines)
	})
	// shippedFields is the shipped sheet as written, unchecked: the values
	// of fields a sheet leaves out (fillDefaults).
	shippedFields = sync.OnceValues(func() (*Sheet, error) {
		s := &Sheet{}
		return s, yaml.UnmarshalWithOptions(defaultSheet, s, yaml.DisallowUnknownField())
	})
)

// clone copies a sheet with its maps and lists.
func (s *Sheet) clone() *Sheet {
	c := *s
	c.Deductions, c.Levels, c.Sampling = maps.Clone(s.Deductions), maps.Clone(s.Levels), maps.Clone(s.Sampling)
	c.Ratings, c.JumpCodes = slices.Clone(s.Ratings), slices.Clone(s.JumpCodes)
	c.Deadlines = s.Deadlines.clone()
	c.Areas, c.Items = slices.Clone(s.Areas), slices.Clone(s.Items)
	return &c
}

func (d Deadlines) clone() Deadlines {
	c := d
	c.Default, c.CountyProvince = maps.Clone(d.Default), maps.Clone(d.CountyProvince)
	if d.Provinces != nil {
		c.Provinces = make(map[string]map[string]string, len(d.Provinces))
		for p, m := range d.Provinces {
			c.Provinces[p] = maps.Clone(m)
		}
	}
	return c
}

// LoadSheet reads a score sheet file (and a deadlines file, "" for the
// default deadlines), YAML or JSON.
func LoadSheet(sheetPath, deadlinesPath string) (*Sheet, error) {
	sb, err := os.ReadFile(sheetPath)
	if err != nil {
		return nil, fmt.Errorf("评分表 %s：%w", sheetPath, err)
	}
	var dl *Deadlines
	if deadlinesPath != "" {
		if dl, err = LoadDeadlines(deadlinesPath); err != nil {
			return nil, err
		}
	}
	s, err := ParseSheet(filepath.Base(sheetPath), sb, dl)
	if err != nil {
		return nil, err
	}
	s.Source = "评分表文件 " + sheetPath
	return s, nil
}

// LoadDeadlines reads a deadlines file, YAML or JSON.
func LoadDeadlines(path string) (*Deadlines, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("发布期限 %s：%w", path, err)
	}
	return ParseDeadlines(filepath.Base(path), b)
}

// ReadServerSheet reads and checks the files of --sheet and --deadlines
// (either may be ""), for store.SetServerSheet.
func ReadServerSheet(sheetPath, deadlinesPath string) (store.ServerSheet, error) {
	ss := store.ServerSheet{File: sheetPath, DeadlinesFile: deadlinesPath}
	if deadlinesPath != "" {
		b, err := os.ReadFile(deadlinesPath)
		if err != nil {
			return ss, fmt.Errorf("发布期限 %s：%w", deadlinesPath, err)
		}
		if _, err := ParseDeadlines(filepath.Base(deadlinesPath), b); err != nil {
			return ss, err
		}
		ss.Deadlines = b
	}
	if sheetPath != "" {
		b, err := os.ReadFile(sheetPath)
		if err != nil {
			return ss, fmt.Errorf("评分表 %s：%w", sheetPath, err)
		}
		if _, err := ParseSheet(filepath.Base(sheetPath), b, nil); err != nil {
			return ss, err
		}
		ss.Body = b
	}
	return ss, nil
}

// ServerSheet is the sheet the store's server was started with
// (store.SetServerSheet), else the shipped one.
func ServerSheet(st *store.Store) (*Sheet, error) {
	ss := st.ServerSheet()
	dl, err := serverDeadlines(ss)
	if err != nil {
		return nil, err
	}
	if ss.Body == nil {
		s := DefaultSheet()
		if dl != nil {
			s.Deadlines = *dl
		}
		return s, nil
	}
	s, err := ParseSheet(filepath.Base(ss.File), ss.Body, dl)
	if err != nil {
		return nil, err
	}
	s.Source = "服务器评分表 " + ss.File
	return s, nil
}

func serverDeadlines(ss store.ServerSheet) (*Deadlines, error) {
	if ss.Deadlines == nil {
		return nil, nil
	}
	return ParseDeadlines(filepath.Base(ss.DeadlinesFile), ss.Deadlines)
}

// SheetFor is the one answer to "which score sheet applies to this
// county": the stored sheet an admin chose for the county, else the one
// chosen for its city, else the server's (ServerSheet). The assessment,
// its workbook, `analytics assess` without --sheet and every re-check ask
// it, so that findings written with a county's sheet are never recomputed
// with another.
func SheetFor(ctx context.Context, st *store.Store, county string) (*Sheet, error) {
	a, ok, err := st.SheetOf(ctx, county)
	if err != nil {
		return nil, err
	}
	if !ok {
		return ServerSheet(st)
	}
	dl, err := serverDeadlines(st.ServerSheet())
	if err != nil {
		return nil, err
	}
	s, err := ParseSheet(a.Name, []byte(a.Body), dl)
	if err != nil {
		// Stored sheets were checked when saved; one failing now was
		// stored by an older version with looser checks.
		return nil, fmt.Errorf("%s的评分表“%s”已不符合格式，请管理员重新上传：%w", county, a.Name, err)
	}
	s.Source = fmt.Sprintf("为%s指定的评分表（%s，%s）", a.Place, a.SetBy, a.SetAt.In(report.ChinaTime).Format("2006-01-02 15:04"))
	return s, nil
}

// SheetError is a fault of a sheet or deadlines file at a place in it.
type SheetError struct {
	File   string
	Line   int // 0: the file as a whole
	Column int
	Msg    string
}

func (e *SheetError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s：%s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s 第%d行：%s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s 第%d行第%d列：%s", e.File, e.Line, e.Column, e.Msg)
}

// ParseSheet reads a score sheet, YAML or JSON (JSON is YAML), and checks
// it: unknown fields, wrong types and values out of bounds are refused
// with the line and column. A field left out takes the shipped sheet's
// value but for name, which is required. Deadlines left out of the sheet
// are dl, or the shipped deadlines when dl is nil.
func ParseSheet(file string, body []byte, dl *Deadlines) (*Sheet, error) {
	d, err := readDoc(file, body)
	if err != nil {
		return nil, err
	}
	s := &Sheet{}
	if err := d.decode(s); err != nil {
		return nil, err
	}
	if err := d.fillDefaults(s); err != nil {
		return nil, err
	}
	if err := d.checkSheet(s); err != nil {
		return nil, err
	}
	if err := d.checkPack(s); err != nil {
		return nil, err
	}
	if d.has("deadlines") {
		if err := d.checkDeadlines(&s.Deadlines, "deadlines"); err != nil {
			return nil, err
		}
	} else if dl != nil {
		s.Deadlines = dl.clone()
	} else {
		def, err := shippedDeadlines()
		if err != nil {
			return nil, err
		}
		s.Deadlines = def.clone()
	}
	s.SHA = store.SheetSHA(body)
	return s, nil
}

// ParseDeadlines reads a deadlines file, YAML or JSON, and checks it.
func ParseDeadlines(file string, body []byte) (*Deadlines, error) {
	d, err := readDoc(file, body)
	if err != nil {
		return nil, err
	}
	dl := &Deadlines{}
	if err := d.decode(dl); err != nil {
		return nil, err
	}
	if err := d.checkDeadlines(dl, ""); err != nil {
		return nil, err
	}
	return dl, nil
}

// doc is a parsed sheet or deadlines file, kept to tell where a value is.
type doc struct {
	file string
	root ast.Node
}

func readDoc(file string, body []byte) (*doc, error) {
	if strings.TrimSpace(string(body)) == "" {
		return nil, &SheetError{File: file, Msg: "文件是空的"}
	}
	f, err := parser.ParseBytes(body, 0)
	if err != nil {
		return nil, yamlError(file, nil, err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, &SheetError{File: file, Msg: "应只有一个 YAML 文档（一个 JSON 对象）"}
	}
	root := f.Docs[0].Body
	if _, ok := root.(*ast.MappingNode); !ok {
		if _, ok := root.(*ast.MappingValueNode); !ok {
			return nil, posError(file, root, "最外层应为“字段: 值”的映射（JSON 对象）")
		}
	}
	return &doc{file: file, root: root}, nil
}

func (d *doc) decode(v any) error {
	if err := yaml.NodeToValue(d.root, v, yaml.DisallowUnknownField()); err != nil {
		return yamlError(d.file, d.root, err)
	}
	return nil
}

// yamlError says a YAML library error in Chinese at its place, naming
// the field when root (the parsed file) holds the value at fault.
func yamlError(file string, root ast.Node, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &SheetError{File: file, Msg: "读不懂：" + err.Error()}
	}
	e := &SheetError{File: file, Msg: "格式有误：" + ye.GetMessage()}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	var (
		unknown *yaml.UnknownFieldError
		typ     *yaml.TypeError
		dup     *yaml.DuplicateKeyError
		node    *yaml.UnexpectedNodeTypeError
	)
	// want is what a value of the wrong type should have been.
	want := ""
	switch {
	case errors.As(err, &unknown):
		e.Msg = fmt.Sprintf("未知字段 %s（可用的字段见 docs/metrics.md 评分表的格式）", tokenValue(ye))
	case errors.As(err, &typ):
		want = map[reflect.Kind]string{reflect.Float64: "数", reflect.Int: "整数", reflect.String: "文字", reflect.Bool: "true 或 false",
			reflect.Map: "“字段: 值”的映射", reflect.Slice: "列表", reflect.Struct: "“字段: 值”的映射"}[typ.DstType.Kind()]
		if want == "" {
			want = typ.DstType.String()
		}
	case errors.As(err, &node):
		want = map[ast.NodeType]string{ast.SequenceType: "列表", ast.MappingType: "“字段: 值”的映射"}[node.Expected]
		if want == "" {
			want = node.Expected.String()
		}
	case errors.As(err, &dup):
		e.Msg = fmt.Sprintf("字段 %s 写了两次", tokenValue(ye))
	}
	if want != "" {
		e.Msg = fmt.Sprintf("应为%s，实为 %s", want, tokenValue(ye))
		if p := pathOf(root, ye.GetToken(), nil); p != nil {
			e.Msg = pathName(p) + " " + e.Msg
		}
	}
	return e
}

// pathOf finds the path of keys and indexes to the value whose token is
// tk (nil when not found).
func pathOf(n ast.Node, tk *token.Token, path []any) []any {
	if n == nil || tk == nil {
		return nil
	}
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		for _, mv := range v.Values {
			if p := pathOf(mv, tk, path); p != nil {
				return p
			}
		}
	case *ast.MappingValueNode:
		return pathOf(v.Value, tk, append(slices.Clip(path), keyString(v)))
	case *ast.SequenceNode:
		for i, e := range v.Values {
			if p := pathOf(e, tk, append(slices.Clip(path), i)); p != nil {
				return p
			}
		}
	default:
		if t := v.GetToken(); t != nil && t.Position != nil && tk.Position != nil &&
			t.Position.Line == tk.Position.Line && t.Position.Column == tk.Position.Column {
			return path
		}
	}
	return nil
}

func tokenValue(ye yaml.Error) string {
	if tk := ye.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func posError(file string, n ast.Node, msg string) *SheetError {
	e := &SheetError{File: file, Msg: msg}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

// node finds the value at a path of keys (string) and list indexes (int);
// where a step is missing, the deepest node found stands in, so an error
// is still placed near its cause.
func (d *doc) node(path ...any) ast.Node {
	n := d.root
	for _, step := range path {
		var next ast.Node
		switch v := unwrap(n).(type) {
		case *ast.MappingNode:
			next = lookup(v.Values, step)
		case *ast.MappingValueNode:
			next = lookup([]*ast.MappingValueNode{v}, step)
		case *ast.SequenceNode:
			if i, ok := step.(int); ok && i < len(v.Values) {
				next = v.Values[i]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// key finds a map's key node, to place an error about the key itself.
func (d *doc) key(path []any, k string) ast.Node {
	parent := unwrap(d.node(path...))
	var values []*ast.MappingValueNode
	switch v := parent.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	}
	for _, mv := range values {
		if keyString(mv) == k {
			return mv.Key
		}
	}
	return parent
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

func lookup(values []*ast.MappingValueNode, step any) ast.Node {
	k, ok := step.(string)
	if !ok {
		return nil
	}
	for _, mv := range values {
		if keyString(mv) == k {
			return mv.Value
		}
	}
	return nil
}

func keyString(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	if s, ok := mv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return strings.Trim(mv.Key.String(), `"'`)
}

// has tells whether the file gives a top-level field.
func (d *doc) has(field string) bool {
	n := d.node(field)
	return n != d.root
}

// errAt is a fault of the value at path; the message names the path.
func (d *doc) errAt(path []any, format string, args ...any) error {
	if top, ok := path[0].(string); ok && !d.has(top) {
		// A default that no longer fits, e.g. ratings above a lower base.
		return posError(d.file, nil, pathName(path)+" "+fmt.Sprintf(format, args...)+fmt.Sprintf("（文件未写 %s，用的是默认评分表的值，请写明）", top))
	}
	return posError(d.file, d.node(path...), pathName(path)+" "+fmt.Sprintf(format, args...))
}

func pathName(path []any) string {
	var b strings.Builder
	for i, p := range path {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// fillDefaults gives each top-level field the file leaves out the shipped
// sheet's value; a field given replaces the default whole (levels given
// with two levels do not inherit the third).
func (d *doc) fillDefaults(s *Sheet) error {
	if !d.has("name") {
		return posError(d.file, nil, "缺少 name（评分表的名称，显示在评分表和工作簿表头上）")
	}
	shipped, err := shippedFields()
	if err != nil {
		return err
	}
	def := shipped.clone()
	sv, dv := reflect.ValueOf(s).Elem(), reflect.ValueOf(def).Elem()
	for i := range sv.NumField() {
		tag := strings.Split(sv.Type().Field(i).Tag.Get("json"), ",")[0]
		if tag == "" || tag == "-" || tag == "_comment" || tag == "deadlines" || d.has(tag) {
			continue
		}
		sv.Field(i).Set(dv.Field(i))
	}
	return nil
}

// between checks a number against its bounds.
func (d *doc) between(path []any, v, lo, hi float64) error {
	if math.IsNaN(v) || v < lo || v > hi {
		return d.errAt(path, "应为 %s 到 %s 之间的数，实为 %s", num(lo), num(hi), num(v))
	}
	return nil
}

// levelOrder is the order levels are checked and listed in.
var levelOrder = []string{LevelCounty, LevelDepartment, LevelTown}

// checkSheet holds the bounds of docs/metrics.md's table of fields.
func (d *doc) checkSheet(s *Sheet) error {
	name := strings.TrimSpace(s.Name)
	if name == "" || len([]rune(name)) > 60 || name != s.Name {
		return d.errAt([]any{"name"}, "应为 1 到 60 个字的名称（前后不带空格），实为 %q", s.Name)
	}
	if s.Base <= 0 {
		return d.errAt([]any{"base"}, "应为大于 0 的数，实为 %s", num(s.Base))
	}
	if err := d.between([]any{"base"}, s.Base, 0, 1000); err != nil {
		return err
	}
	for _, c := range sortedKeys(s.Deductions) {
		if _, ok := report.RuleByCode(c); !ok {
			return posError(d.file, d.key([]any{"deductions"}, c), fmt.Sprintf("deductions 中的 %s 不是规则代码（规则代码见 docs/rules.md）", c))
		}
		if err := d.between([]any{"deductions", c}, s.Deductions[c], 0, s.Base); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		field string
		v     float64
	}{{"max_per_rule", s.MaxPerRule}, {"correction_per_case", s.CorrectionPerCase}, {"late_per_day", s.LatePerDay}, {"late_max", s.LateMax},
		{"rectify_overdue_per_case", s.RectifyOverduePerCase}, {"rectify_overdue_max", s.RectifyOverdueMax}} {
		if err := d.between([]any{f.field}, f.v, 0, s.Base); err != nil {
			return err
		}
	}
	sum := 0.0
	for _, l := range sortedKeys(s.Levels) {
		if !slices.Contains(levelOrder, l) {
			return posError(d.file, d.key([]any{"levels"}, l), fmt.Sprintf("levels 中的 %s 不是层级：应为 county（县级政府）、department（县级部门）、town（乡镇街道）", l))
		}
		if err := d.between([]any{"levels", l}, s.Levels[l], 0, 100); err != nil {
			return err
		}
		sum += s.Levels[l]
	}
	for _, l := range levelOrder {
		if _, ok := s.Levels[l]; !ok {
			return d.errAt([]any{"levels"}, "缺少层级 %s 的权重（不计该层级请写 0）", l)
		}
	}
	if sum <= 0 {
		return d.errAt([]any{"levels"}, "的权重之和应大于 0，实为 %s", num(sum))
	}
	for _, l := range sortedKeys(s.Sampling) {
		if !slices.Contains(levelOrder, l) {
			return posError(d.file, d.key([]any{"sampling"}, l), fmt.Sprintf("sampling 中的 %s 不是层级：应为 county、department、town", l))
		}
		if err := d.between([]any{"sampling", l}, float64(s.Sampling[l]), 0, 10000); err != nil {
			return err
		}
	}
	if len(s.Ratings) == 0 || len(s.Ratings) > 10 {
		return d.errAt([]any{"ratings"}, "应有 1 到 10 条分数线，实有 %d 条", len(s.Ratings))
	}
	codes := map[string]bool{}
	for i, r := range s.Ratings {
		at := []any{"ratings", i}
		if r.Code != "green" && r.Code != "yellow" && r.Code != "red" {
			return d.errAt(append(at, "code"), "应为 green、yellow 或 red，实为 %q", r.Code)
		}
		if codes[r.Code] {
			return d.errAt(append(at, "code"), "%s 写了两次", r.Code)
		}
		codes[r.Code] = true
		if strings.TrimSpace(r.Label) == "" {
			return d.errAt(at, "缺少 label（评级的中文名称）")
		}
		if err := d.between(append(at, "min"), r.Min, 0, s.Base); err != nil {
			return err
		}
		if i > 0 && r.Min >= s.Ratings[i-1].Min {
			return d.errAt(append(at, "min"), "应小于上一条分数线 %s（分数线从高到低排列），实为 %s", num(s.Ratings[i-1].Min), num(r.Min))
		}
	}
	if last := len(s.Ratings) - 1; s.Ratings[last].Min != 0 {
		return d.errAt([]any{"ratings", last, "min"}, "最后一条分数线应为 0，使每个分数都有评级，实为 %s", num(s.Ratings[last].Min))
	}
	if s.CopyThreshold <= 0 {
		return d.errAt([]any{"copy_threshold"}, "应为大于 0、不大于 1 的比例，实为 %s", num(s.CopyThreshold))
	}
	if err := d.between([]any{"copy_threshold"}, s.CopyThreshold, 0, 1); err != nil {
		return err
	}
	if err := d.between([]any{"jump_factor"}, s.JumpFactor, 1, 1000); err != nil {
		return err
	}
	if err := d.between([]any{"jump_min_diff"}, s.JumpMinDiff, 0, 1e9); err != nil {
		return err
	}
	if err := d.between([]any{"jump_min"}, s.JumpMin, 0, 1e9); err != nil {
		return err
	}
	if err := d.between([]any{"jump_large"}, s.JumpLarge, s.JumpMin, 1e9); err != nil {
		return err
	}
	if err := d.between([]any{"peer_min"}, float64(s.PeerMin), 1, 1000); err != nil {
		return err
	}
	if err := d.between([]any{"peer_zero_median"}, s.PeerZeroMedian, 1, 1e9); err != nil {
		return err
	}
	for i, c := range s.JumpCodes {
		if !report.Code(c).Known() {
			return d.errAt([]any{"jump_codes", i}, "不是单元格代码：%q（代码见 docs/report-format.md）", c)
		}
	}
	return d.between([]any{"fee_yuan_threshold"}, s.FeeYuanThreshold, 0, 1e9)
}

// checkDeadlines checks deadlines given at prefix ("" for a deadlines
// file, "deadlines" inside a sheet).
func (d *doc) checkDeadlines(dl *Deadlines, prefix string) error {
	at := func(p ...any) []any {
		if prefix == "" {
			return p
		}
		return append([]any{prefix}, p...)
	}
	date := func(path []any, v string) error {
		t, err := time.Parse("2006-01-02", "2001-"+v)
		if err != nil || t.Format("01-02") != v {
			return d.errAt(path, "应为“月-日”的日期，例如 03-31（2 月 29 日不可用），实为 %q", v)
		}
		return nil
	}
	for _, l := range levelOrder {
		v, ok := dl.Default[l]
		if !ok {
			return d.errAt(at("default"), "缺少层级 %s 的期限", l)
		}
		if err := date(at("default", l), v); err != nil {
			return err
		}
	}
	for _, l := range sortedKeys(dl.Default) {
		if !slices.Contains(levelOrder, l) {
			return posError(d.file, d.key(at("default"), l), fmt.Sprintf("%s 中的 %s 不是层级：应为 county、department、town", pathName(at("default")), l))
		}
	}
	for _, p := range sortedKeys(dl.Provinces) {
		for _, l := range sortedKeys(dl.Provinces[p]) {
			if !slices.Contains(levelOrder, l) {
				return posError(d.file, d.key(at("provinces", p), l), fmt.Sprintf("%s 中的 %s 不是层级：应为 county、department、town", pathName(at("provinces", p)), l))
			}
			if err := date(at("provinces", p, l), dl.Provinces[p][l]); err != nil {
				return err
			}
		}
	}
	for _, c := range sortedKeys(dl.CountyProvince) {
		if _, ok := dl.Provinces[dl.CountyProvince[c]]; !ok {
			return d.errAt(at("county_province", c), "的省 %q 在 provinces 中没有期限", dl.CountyProvince[c])
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Deduction is the points a finding of a rule costs.
func (s *Sheet) Deduction(rule string) float64 {
	if v, ok := s.Deductions[rule]; ok {
		return v
	}
	r, _ := report.RuleByCode(rule)
	return r.Deduction
}

// Rate gives the traffic light of a score.
func (s *Sheet) Rate(score float64) Rating {
	for _, r := range s.Ratings {
		if score >= r.Min {
			return r
		}
	}
	return s.Ratings[len(s.Ratings)-1]
}

// Deadline is the last day a body of a level in a county may publish its
// report for a year.
func (s *Sheet) Deadline(county, level string, year int) (time.Time, error) {
	md := s.Deadlines.Default[level]
	if p, ok := s.Deadlines.CountyProvince[county]; ok {
		if v, ok := s.Deadlines.Provinces[p][level]; ok {
			md = v
		}
	}
	t, err := time.Parse("2006-01-02", fmt.Sprintf("%d-%s", year+1, md))
	if err != nil {
		return t, fmt.Errorf("发布期限 %q（%s）: %w", md, level, err)
	}
	return t, nil
}
