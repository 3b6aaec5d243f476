package api

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"nianbao/query"
)

// The whole-country answers (answercache.go) are encoded here by hand,
// row by row into the answer's builder, rather than by json.Marshal: at
// 200 000 reports encoding/json spent 41 ms on the outcomes of every
// county (2.6 MB) and 1.1 s on the cells of every county (11.8 MB, each
// row first made a map[string]any by CellsResult.MarshalJSON), against
// 20 ms and 280 ms for their raw queries on a quiet machine. The bytes are
// exactly json.Marshal's — field order, map keys sorted, floats and
// strings written as encoding/json writes them; TestWholeJSONAsMarshal
// compares both for every form, grouping and awkward string — so a
// reader cannot tell which path answered.

// jsonOut appends JSON to buf and hands it to w in pieces.
type jsonOut struct {
	w   io.Writer
	buf []byte
	err error
}

// jsonPiece is the size at which the encoded bytes go to the writer.
const jsonPiece = 32 << 10

func (j *jsonOut) flush() {
	if len(j.buf) > 0 && j.err == nil {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
}

// row ends a row: the bytes go on once there are enough of them.
func (j *jsonOut) row() {
	if len(j.buf) >= jsonPiece {
		j.flush()
	}
}

func (j *jsonOut) raw(s string) { j.buf = append(j.buf, s...) }

// key writes "k": for keys that are constants of this file (plain ASCII).
func (j *jsonOut) key(k string) {
	j.buf = append(j.buf, '"')
	j.buf = append(j.buf, k...)
	j.buf = append(j.buf, '"', ':')
}

// str writes s as encoding/json does. Almost every string (Chinese
// names, codes) needs no escape; the others, with <, >, & (escaped for
// HTML), control characters, invalid UTF-8 or U+2028/U+2029, are left to
// encoding/json itself.
func (j *jsonOut) str(s string) {
	if plainJSON(s) {
		j.buf = append(j.buf, '"')
		j.buf = append(j.buf, s...)
		j.buf = append(j.buf, '"')
		return
	}
	b, err := json.Marshal(s)
	if err != nil && j.err == nil {
		j.err = err
	}
	j.buf = append(j.buf, b...)
}

func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9): // U+2028, U+2029
			return false
		}
	}
	return utf8.ValidString(s)
}

// num writes f as encoding/json writes a float64: the shortest form, in
// exponent form below 1e-6 and from 1e21, the exponent without a leading
// zero (1e-07 is written 1e-7). NaN and infinities, which JSON cannot
// hold, fail as in json.Marshal.
func (j *jsonOut) num(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if j.err == nil {
			j.err = fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
		}
		j.buf = append(j.buf, '0')
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	j.buf = strconv.AppendFloat(j.buf, f, format, -1, 64)
	if format == 'e' {
		if n := len(j.buf); n >= 4 && j.buf[n-4] == 'e' && j.buf[n-3] == '-' && j.buf[n-2] == '0' {
			j.buf[n-2] = j.buf[n-1]
			j.buf = j.buf[:n-1]
		}
	}
}

func (j *jsonOut) ptr(p *float64) {
	if p == nil {
		j.raw("null")
		return
	}
	j.num(*p)
}

func (j *jsonOut) int(n int) { j.buf = strconv.AppendInt(j.buf, int64(n), 10) }

// strs writes a []string (null when nil, as encoding/json).
func (j *jsonOut) strs(s []string) {
	if s == nil {
		j.raw("null")
		return
	}
	j.buf = append(j.buf, '[')
	for i, x := range s {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.str(x)
	}
	j.buf = append(j.buf, ']')
}

// sortedKeys are m's keys in encoding/json's order (byte order).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// object writes a map with its keys sorted, each value by val (null for
// a nil map, as encoding/json). keys, when not nil, are the sorted keys
// of another row's map, which the rows of an answer share: a map with
// other keys is written again with its own.
func object[V any](j *jsonOut, m map[string]V, keys []string, val func(V)) {
	if m == nil {
		j.raw("null")
		return
	}
	if len(keys) != len(m) {
		keys = sortedKeys(m)
	}
	start := len(j.buf) // within a row: nothing was flushed since
	j.buf = append(j.buf, '{')
	for i, k := range keys {
		v, ok := m[k]
		if !ok {
			j.buf = j.buf[:start]
			object(j, m, sortedKeys(m), val)
			return
		}
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.str(k)
		j.buf = append(j.buf, ':')
		val(v)
	}
	j.buf = append(j.buf, '}')
}

// firstKeys are the sorted keys of the first map of an answer's rows,
// kept in *keys: sorted once per answer rather than once per row.
func firstKeys[V any](keys *[]string, m map[string]V) []string {
	if *keys == nil && m != nil {
		*keys = sortedKeys(m)
	}
	return *keys
}

// writeWholeJSON writes v, one of the results of the whole-country
// routes, as json.Marshal would; false when v is of another type (the
// caller then marshals it).
func writeWholeJSON(w io.Writer, v any) (bool, error) {
	j := &jsonOut{w: w, buf: make([]byte, 0, 2*jsonPiece)}
	switch r := v.(type) {
	case query.OutcomesResult:
		j.outcomes(r)
	case query.ApplicationsResult:
		j.applications(r)
	case query.ReviewsResult:
		j.reviews(r)
	case query.ProactiveResult:
		j.proactive(r)
	case query.CellsResult:
		j.cells(r)
	default:
		return false, nil
	}
	j.flush()
	return true, j.err
}

// group writes the fields of query.Group (embedded first in every row).
func (j *jsonOut) group(g query.Group) {
	j.raw(`{"group":`)
	j.str(g.Group)
	if g.County != "" {
		j.raw(`,"county":`)
		j.str(g.County)
	}
	j.raw(`,"reports":`)
	j.int(g.Reports)
}

// rows writes the "rows" array of n rows, each by row(i).
func (j *jsonOut) rows(isNil bool, n int, row func(i int)) {
	j.raw(`"rows":`)
	if isNil {
		j.raw("null")
		return
	}
	j.buf = append(j.buf, '[')
	for i := range n {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		row(i)
		j.row()
	}
	j.buf = append(j.buf, ']')
}

func (j *jsonOut) groupBy(g query.GroupBy) {
	j.raw(`{"group_by":`)
	j.str(string(g))
	j.buf = append(j.buf, ',')
}

func (j *jsonOut) outcomes(r query.OutcomesResult) {
	j.groupBy(r.GroupBy)
	var counts, shares []string
	j.rows(r.Rows == nil, len(r.Rows), func(i int) {
		row := &r.Rows[i]
		j.group(row.Group)
		j.raw(`,"total":`)
		j.num(row.Total)
		c := &row.Counts
		j.raw(`,"counts":{"granted":`)
		j.num(c.Granted)
		j.raw(`,"partial":`)
		j.num(c.Partial)
		j.raw(`,"denied":`)
		j.num(c.Denied)
		j.raw(`,"denied_by_reason":`)
		object(j, c.DeniedBy, firstKeys(&counts, c.DeniedBy), j.num)
		j.raw(`,"unavailable":`)
		j.num(c.Unavailable)
		j.raw(`,"not_processed":`)
		j.num(c.NotProcessed)
		j.raw(`,"other":`)
		j.num(c.Other)
		s := &row.Shares
		j.raw(`},"shares":{"granted":`)
		j.ptr(s.Granted)
		j.raw(`,"partial":`)
		j.ptr(s.Partial)
		j.raw(`,"denied":`)
		j.ptr(s.Denied)
		j.raw(`,"denied_by_reason":`)
		object(j, s.DeniedBy, firstKeys(&shares, s.DeniedBy), j.ptr)
		j.raw(`,"unavailable":`)
		j.ptr(s.Unavailable)
		j.raw(`,"not_processed":`)
		j.ptr(s.NotProcessed)
		j.raw(`,"other":`)
		j.ptr(s.Other)
		j.raw(`},"without_table3":`)
		j.int(row.WithoutTable3)
		j.raw(`,"disclosure_rate":`)
		j.ptr(row.DisclosureRate)
		j.raw(`,"substantive_rate":`)
		j.ptr(row.SubstantiveRate)
		j.buf = append(j.buf, '}')
	})
	j.buf = append(j.buf, '}')
}

func (j *jsonOut) applications(r query.ApplicationsResult) {
	j.groupBy(r.GroupBy)
	j.rows(r.Rows == nil, len(r.Rows), func(i int) {
		row := &r.Rows[i]
		j.group(row.Group)
		for _, f := range []struct {
			k string
			v float64
		}{{"new", row.New}, {"carried_over", row.CarriedOver}, {"received", row.Received}, {"carry_forward", row.CarryForward}} {
			j.buf = append(j.buf, ',')
			j.key(f.k)
			j.num(f.v)
		}
		a := &row.ByApplicant
		j.raw(`,"by_applicant":{"natural":`)
		j.num(a.Natural)
		j.raw(`,"commercial":`)
		j.num(a.Commercial)
		j.raw(`,"research":`)
		j.num(a.Research)
		j.raw(`,"social":`)
		j.num(a.Social)
		j.raw(`,"legal":`)
		j.num(a.Legal)
		j.raw(`,"other_org":`)
		j.num(a.OtherOrg)
		j.raw(`},"without_table3":`)
		j.int(row.WithoutTable3)
		j.raw(`,"previous_new":`)
		j.ptr(row.PreviousNew)
		j.raw(`,"change":`)
		j.ptr(row.Change)
		j.raw(`,"change_rate":`)
		j.ptr(row.ChangeRate)
		j.buf = append(j.buf, '}')
	})
	j.buf = append(j.buf, '}')
}

func (j *jsonOut) reviews(r query.ReviewsResult) {
	j.groupBy(r.GroupBy)
	counts := func(k string, c *query.ReviewCounts) {
		j.buf = append(j.buf, ',')
		j.key(k)
		j.raw(`{"upheld":`)
		j.num(c.Upheld)
		j.raw(`,"corrected":`)
		j.num(c.Corrected)
		j.raw(`,"other":`)
		j.num(c.Other)
		j.raw(`,"pending":`)
		j.num(c.Pending)
		j.raw(`,"total":`)
		j.num(c.Total)
		j.raw(`,"correction_rate":`)
		j.ptr(c.CorrectionRate)
		j.buf = append(j.buf, '}')
	}
	j.rows(r.Rows == nil, len(r.Rows), func(i int) {
		row := &r.Rows[i]
		j.group(row.Group)
		counts("reconsideration", &row.Reconsideration)
		counts("litigation_direct", &row.LitigationDirect)
		counts("litigation_after", &row.LitigationAfter)
		counts("litigation", &row.Litigation)
		j.raw(`,"without_table4":`)
		j.int(row.WithoutTable4)
		j.buf = append(j.buf, '}')
	})
	j.buf = append(j.buf, '}')
}

func (j *jsonOut) proactive(r query.ProactiveResult) {
	j.groupBy(r.GroupBy)
	j.raw(`"codes":`)
	object(j, r.Codes, nil, j.strs)
	j.raw(`,"labels":`)
	object(j, r.Labels, nil, j.str)
	j.buf = append(j.buf, ',')
	// The rows of each edition share their codes.
	byEdition := map[string]*[]string{}
	j.rows(r.Rows == nil, len(r.Rows), func(i int) {
		row := &r.Rows[i]
		j.group(row.Group)
		j.raw(`,"edition":`)
		j.str(row.Edition)
		j.raw(`,"values":`)
		keys := byEdition[row.Edition]
		if keys == nil {
			keys = new([]string)
			byEdition[row.Edition] = keys
		}
		object(j, row.Values, firstKeys(keys, row.Values), j.ptr)
		j.buf = append(j.buf, '}')
	})
	j.buf = append(j.buf, '}')
}

// cells writes what CellsResult.MarshalJSON writes: each row a map of
// the group (under "group" and under the grouping's own name), the
// reports, the nested values and every code at the top level, keys
// sorted.
func (j *jsonOut) cells(r query.CellsResult) {
	j.groupBy(r.GroupBy)
	j.raw(`"codes":`)
	j.strs(r.Codes)
	j.raw(`,"labels":`)
	object(j, r.Labels, nil, j.str)
	j.buf = append(j.buf, ',')
	var values []string // the sorted codes of the first row's values
	var fields []cellField
	// MarshalJSON makes the rows a slice of its own: never null.
	j.rows(false, len(r.Rows), func(i int) {
		row := &r.Rows[i]
		codes := firstKeys(&values, row.Values)
		if len(codes) != len(row.Values) || !hasAll(row.Values, codes) {
			codes = sortedKeys(row.Values)
		}
		fields = cellFields(r.GroupBy, row, codes, fields[:0])
		j.buf = append(j.buf, '{')
		for n, f := range fields {
			if n > 0 {
				j.buf = append(j.buf, ',')
			}
			j.str(f.key)
			j.buf = append(j.buf, ':')
			switch f.kind {
			case cellString:
				j.str(f.s)
			case cellInt:
				j.int(f.n)
			case cellValues:
				object(j, row.Values, codes, j.ptr)
			case cellValue:
				j.ptr(row.Values[f.key])
			}
		}
		j.buf = append(j.buf, '}')
	})
	j.buf = append(j.buf, '}')
}

func hasAll(m map[string]*float64, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

type cellKind uint8

const (
	cellString cellKind = iota
	cellInt
	cellValues // the nested "values"
	cellValue  // one code's value
)

type cellField struct {
	key  string
	kind cellKind
	s    string
	n    int
}

// cellFields are the keys of one row's map in CellsResult.MarshalJSON,
// sorted, each with the value the map ends up holding (later
// assignments there win: the grouping's name over "county", the year as
// a number over its text, a code over any of them).
func cellFields(g query.GroupBy, row *query.CellsRow, codes []string, out []cellField) []cellField {
	set := func(f cellField) {
		for i := range out {
			if out[i].key == f.key {
				out[i] = f
				return
			}
		}
		out = append(out, f)
	}
	set(cellField{key: "group", kind: cellString, s: row.Group.Group})
	set(cellField{key: "reports", kind: cellInt, n: row.Reports})
	set(cellField{key: "values", kind: cellValues})
	if row.County != "" {
		set(cellField{key: "county", kind: cellString, s: row.County})
	}
	if g != query.GroupNone {
		set(cellField{key: string(g), kind: cellString, s: row.Group.Group})
	}
	if g == query.GroupYear {
		if y, err := strconv.Atoi(row.Group.Group); err == nil {
			set(cellField{key: "year", kind: cellInt, n: y})
		}
	}
	head := len(out)
	for _, c := range codes {
		if slices.ContainsFunc(out[:head], func(f cellField) bool { return f.key == c }) {
			set(cellField{key: c, kind: cellValue})
			continue
		}
		out = append(out, cellField{key: c, kind: cellValue})
	}
	// The few group fields go among the codes (sorted already).
	slices.SortStableFunc(out, func(a, b cellField) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	return out
}
