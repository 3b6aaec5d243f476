package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// rowColumns are rows kept as Go columns until they are handed to DuckDB
// a chunk at a time (insertColumns), instead of one Appender call per row:
// BenchmarkAppendCells's tableudf way. Measured slower than the Appender
// (docs/benchmarks.md, "Ingest writer, fourth pass"), so only the
// benchmark uses it: filling the table function's chunk costs the same
// cgo call per string as the Appender's, and the INSERT runs the whole
// executor on top.
type rowColumns struct {
	cols []column
	n    int
}

type colKind uint8

const (
	kindNone colKind = iota // only NULLs so far
	kindInt64
	kindInt32
	kindFloat64
	kindString
	kindBool
	kindTime
	kindAny // mixed: values kept as given
)

// column is one column's values, in the slice of its kind.
type column struct {
	kind colKind
	i64  []int64
	i32  []int32
	f64  []float64
	str  []string
	b    []bool
	ts   []time.Time
	any  []any
	null []bool // nil: no NULL yet
}

func (r *rowColumns) add(vals ...driver.Value) {
	if r.cols == nil {
		r.cols = make([]column, len(vals))
	}
	for i, v := range vals {
		r.cols[i].add(r.n, v)
	}
	r.n++
}

func (c *column) add(row int, v driver.Value) {
	if v == nil {
		if c.null == nil {
			c.null = make([]bool, row, row+1)
		}
		c.null = append(c.null, true)
		c.zero()
		return
	}
	if c.null != nil {
		c.null = append(c.null, false)
	}
	if c.kind == kindNone {
		c.kind = kindOf(v)
		c.backfill(row)
	}
	switch c.kind {
	case kindInt64:
		if x, ok := v.(int64); ok {
			c.i64 = append(c.i64, x)
			return
		}
	case kindInt32:
		if x, ok := v.(int32); ok {
			c.i32 = append(c.i32, x)
			return
		}
	case kindFloat64:
		if x, ok := v.(float64); ok {
			c.f64 = append(c.f64, x)
			return
		}
	case kindString:
		if x, ok := v.(string); ok {
			c.str = append(c.str, x)
			return
		}
	case kindBool:
		if x, ok := v.(bool); ok {
			c.b = append(c.b, x)
			return
		}
	case kindTime:
		if x, ok := v.(time.Time); ok {
			c.ts = append(c.ts, x)
			return
		}
	case kindAny:
		c.any = append(c.any, v)
		return
	}
	// A value of another type than the column's first: keep the column as
	// given values from here on.
	c.toAny(row)
	c.any = append(c.any, v)
}

func kindOf(v driver.Value) colKind {
	switch v.(type) {
	case int64:
		return kindInt64
	case int32:
		return kindInt32
	case float64:
		return kindFloat64
	case string:
		return kindString
	case bool:
		return kindBool
	case time.Time:
		return kindTime
	}
	return kindAny
}

// zero appends the zero value for a NULL row.
func (c *column) zero() {
	switch c.kind {
	case kindInt64:
		c.i64 = append(c.i64, 0)
	case kindInt32:
		c.i32 = append(c.i32, 0)
	case kindFloat64:
		c.f64 = append(c.f64, 0)
	case kindString:
		c.str = append(c.str, "")
	case kindBool:
		c.b = append(c.b, false)
	case kindTime:
		c.ts = append(c.ts, time.Time{})
	case kindAny:
		c.any = append(c.any, nil)
	}
}

// backfill gives the rows before the first value (all NULL) their zero.
func (c *column) backfill(rows int) {
	for range rows {
		c.zero()
	}
}

func (c *column) value(row int) any {
	if c.null != nil && c.null[row] {
		return nil
	}
	switch c.kind {
	case kindInt64:
		return c.i64[row]
	case kindInt32:
		return c.i32[row]
	case kindFloat64:
		return c.f64[row]
	case kindString:
		return c.str[row]
	case kindBool:
		return c.b[row]
	case kindTime:
		return c.ts[row]
	case kindAny:
		return c.any[row]
	}
	return nil
}

func (c *column) toAny(rows int) {
	vals := make([]any, rows)
	for i := range rows {
		vals[i] = c.value(i)
	}
	*c = column{kind: kindAny, any: vals, null: c.null}
}

// typeInfo is the DuckDB type the column is handed over as; INSERT casts it
// to the table's.
func (c *column) typeInfo() (duckdb.TypeInfo, error) {
	t := duckdb.TYPE_VARCHAR
	switch c.kind {
	case kindInt64:
		t = duckdb.TYPE_BIGINT
	case kindInt32:
		t = duckdb.TYPE_INTEGER
	case kindFloat64:
		t = duckdb.TYPE_DOUBLE
	case kindBool:
		t = duckdb.TYPE_BOOLEAN
	case kindTime:
		t = duckdb.TYPE_TIMESTAMP
	case kindAny:
		return nil, fmt.Errorf("column of mixed types")
	}
	return duckdb.NewTypeInfo(t)
}

// fill writes rows [from, from+n) of the column into vector col of chunk.
func (c *column) fill(chunk duckdb.DataChunk, col, from, n int) error {
	var err error
	for i := range n {
		row := from + i
		if c.null != nil && c.null[row] {
			err = chunk.SetValue(col, i, nil)
		} else {
			switch c.kind {
			case kindInt64:
				err = duckdb.SetChunkValue(chunk, col, i, c.i64[row])
			case kindInt32:
				err = duckdb.SetChunkValue(chunk, col, i, c.i32[row])
			case kindFloat64:
				err = duckdb.SetChunkValue(chunk, col, i, c.f64[row])
			case kindString:
				err = duckdb.SetChunkValue(chunk, col, i, c.str[row])
			case kindBool:
				err = duckdb.SetChunkValue(chunk, col, i, c.b[row])
			case kindTime:
				err = duckdb.SetChunkValue(chunk, col, i, c.ts[row])
			default:
				err = chunk.SetValue(col, i, nil)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// columnsSource is one insertColumns' rows as DuckDB's table function
// reads them, a chunk per call.
type columnsSource struct {
	rows  *rowColumns
	infos []duckdb.ColumnInfo
	pos   int
}

func (s *columnsSource) ColumnInfos() []duckdb.ColumnInfo     { return s.infos }
func (s *columnsSource) Cardinality() *duckdb.CardinalityInfo { return nil }
func (s *columnsSource) Init()                                {}

func (s *columnsSource) FillChunk(chunk duckdb.DataChunk) error {
	n := min(duckdb.GetDataChunkCapacity(), s.rows.n-s.pos)
	for i := range s.rows.cols {
		if err := s.rows.cols[i].fill(chunk, i, s.pos, n); err != nil {
			return err
		}
	}
	s.pos += n
	return chunk.SetSize(n)
}

// pending are the rows of the insertColumns running, by token: DuckDB
// binds the table function with the token, and the function reads them.
var (
	pending     sync.Map // int64 → *rowColumns
	pendingSeq  atomic.Int64
	registerUDF sync.Map // driver connection → registered
)

// columnsFunction is the table function's name, registered on each
// writing connection (insertColumns).
const columnsFunction = "nianbao_rows"

var columnsUDF = duckdb.ChunkTableFunction{
	Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{mustType(duckdb.TYPE_BIGINT)}},
	BindArguments: func(_ map[string]any, args ...any) (duckdb.ChunkTableSource, error) {
		tok, _ := args[0].(int64)
		v, ok := pending.Load(tok)
		if !ok {
			return nil, fmt.Errorf("rows %d: not pending", tok)
		}
		rows := v.(*rowColumns)
		src := &columnsSource{rows: rows}
		for i := range rows.cols {
			ti, err := rows.cols[i].typeInfo()
			if err != nil {
				return nil, err
			}
			src.infos = append(src.infos, duckdb.ColumnInfo{Name: fmt.Sprintf("c%d", i), T: ti})
		}
		return src, nil
	},
}

func mustType(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(err)
	}
	return ti
}

// insertColumns inserts rows into table in one statement through the
// table function.
func (w *writer) insertColumns(ctx context.Context, table string, rows *rowColumns) error {
	if rows.n == 0 {
		return nil
	}
	var key any
	if err := w.conn.Raw(func(dc any) error { key = dc; return nil }); err != nil {
		return err
	}
	if _, done := registerUDF.Load(key); !done {
		if err := duckdb.RegisterTableUDF(w.conn, columnsFunction, columnsUDF); err != nil {
			return err
		}
		registerUDF.Store(key, true)
	}
	tok := pendingSeq.Add(1)
	pending.Store(tok, rows)
	defer pending.Delete(tok)
	_, err := w.conn.ExecContext(ctx, "INSERT INTO "+table+" SELECT * FROM "+columnsFunction+"(?)", tok)
	return err
}
