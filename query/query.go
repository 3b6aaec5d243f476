// Package query is the read side of Nianbao. A Service answers the
// questions the API and the dashboards ask of the store: the list of
// reports, one report, sums of cells, and the named statistics of
// docs/metrics.md (applications, outcomes, reviews, proactive, compare,
// findings).
//
// Every aggregate runs SQL kept in query/sql/<Method>.sql. Filters, the
// grouping column and code lists reach that SQL only through build, which
// keeps the SQL text and its arguments together; nothing a user types is
// ever formatted into SQL.
//
// Results are plain Go values shared through an in-memory cache that the
// store empties after every write: callers must not modify them. The
// cache is bounded (see lru.go): anonymous readers choosing their own
// filter values cannot grow it past CacheEntries entries or CacheBytes.
package query

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"nianbao/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// ErrNotFound is returned when a report does not exist (it is store.ErrNotFound).
var ErrNotFound = store.ErrNotFound

// Service runs the read queries. It is safe for concurrent use.
type Service struct {
	st *store.Store
	db *sql.DB

	mu     sync.Mutex
	gen    uint64
	cache  *lru
	flight singleflight.Group // one computation per missed key (cached)
	prep   *prepared          // the current generation's (prepared.go)
	med    *medians           // the current generation's province medians (medians.go)
	cix    *countyIndex       // the current generation's reports by county (countysel.go)
	kick   chan struct{}      // PrepareAfterWrites: a write happened
	after  afterPrepare       // work of others once per generation (answers_after.go)
	// maxCellValues replaces MaxCellValues when set (tests).
	maxCellValues int
	// noCountyIndex keeps every county filter in SQL (tests: the
	// reference the county index is held to).
	noCountyIndex bool
	// figuresApart reads CountyFigures by the separate statements (tests:
	// the reference of the one statement).
	figuresApart bool
}

// New returns a Service reading st. Its cache is dropped whenever st commits
// a write.
func New(st *store.Store) *Service {
	s := &Service{st: st, db: st.DB(), cache: newLRU(CacheEntries, CacheBytes)}
	st.OnChange(s.Invalidate)
	return s
}

// Invalidate drops every cached result.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.cache.clear()
	s.prep = nil
	if s.kick != nil {
		select {
		case s.kick <- struct{}{}:
		default: // a computation is already due; it reads the latest generation
		}
	}
	s.mu.Unlock()
}

// Generation counts the writes seen since the Service started; it changes
// whenever cached results may have.
func (s *Service) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Ping tells whether the database answers.
func (s *Service) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// cached returns the value stored under key, or computes and keeps it. A
// value computed while a write committed is returned but not kept.
//
// Concurrent misses of one key in one generation run the SQL once: right
// after a write, eight readers asking for the same county page would
// otherwise run the same scan of every cell eight times over, each with
// its own DuckDB working memory (about 250 MB for a statistic over every
// year at 200 000 reports).
//
// A reader whose ctx is marked by Unkept shares the computation but does
// not keep its result.
func cached[T any](ctx context.Context, s *Service, key string, compute func() (T, error)) (T, error) {
	s.mu.Lock()
	if v, ok := s.cache.get(key); ok {
		s.mu.Unlock()
		return v.(T), nil
	}
	gen := s.gen
	s.mu.Unlock()
	keep := ctx.Value(unkeptKey{}) == nil
	res, err, _ := s.flight.Do(strconv.FormatUint(gen, 10)+"|"+key, func() (any, error) {
		v, err := compute()
		if err != nil || !keep {
			return v, err
		}
		size := sizeOf(key, v) // outside the lock: it encodes v
		s.mu.Lock()
		if s.gen == gen {
			s.cache.add(key, v, size)
		}
		s.mu.Unlock()
		return v, nil
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The request that ran the query went away; this one may not have
		// (if it has, compute fails at once).
		return compute()
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return res.(T), nil
}

type unkeptKey struct{}

// Unkept marks the reads of ctx as ones whose answers are kept elsewhere:
// the API keeps a whole-country answer as its encoded bytes for the
// generation (api/answercache.go), so keeping the result too (the cells
// of every agency: tens of MB of maps) would hold it twice, and evict the
// small answers the cache is for (docs/benchmarks.md, "serve memory").
func Unkept(ctx context.Context) context.Context { return context.WithValue(ctx, unkeptKey{}, true) }

// Filter selects reports. Zero fields select everything.
type Filter struct {
	Year    int    // report year, 0 for all
	County  string // exact county name
	Agency  string // exact agency name
	Edition string // "2019" or "2021"
	// The registry's hierarchy (issue 10): a province, city or county by
	// name or GB/T 2260 code, one agency by its id, and a level — "towns"
	// (乡、镇、街道 and other town-level units), "departments", or one
	// registry level such as 县级政府.
	Province string
	City     string
	AgencyID string
	Level    string
	// HasFindings keeps reports with (true) or without (false) findings.
	HasFindings *bool
	// Dismissed counts findings an assessor dismissed; by default they are
	// left out of every count.
	Dismissed bool
	// Limit and Offset page Reports; Limit 0 means DefaultLimit.
	Limit  int
	Offset int
}

// DefaultLimit and MaxLimit bound the page size of Reports.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

func (f Filter) key() string {
	hf := "-"
	if f.HasFindings != nil {
		hf = fmt.Sprint(*f.HasFindings)
	}
	return fmt.Sprintf("y=%d|c=%q|a=%q|e=%q|f=%s|d=%v|l=%d|o=%d|p=%q|ci=%q|id=%q|lv=%q", f.Year, f.County, f.Agency, f.Edition, hf, f.Dismissed, f.Limit, f.Offset,
		f.Province, f.City, f.AgencyID, f.Level)
}

// clause renders the filter as a condition on the reports table aliased r.
func (f Filter) clause() (string, []any) { return f.clauseWith(nil) }

// clauseWith is clause with the counties' places of this generation (nil:
// computed in the statement, see placement).
func (f Filter) clauseWith(pl *placement) (string, []any) { return f.clauseSel(pl, nil) }

// clauseSel is clauseWith with the reports the county index selected for
// the filter's county, year and level in this generation (nil: the SQL
// conditions select them; countysel.go): they replace the county and
// level conditions.
func (f Filter) clauseSel(pl *placement, sel *selection) (string, []any) {
	conds := []string{"TRUE"}
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.Year != 0 {
		add("r.year = ?", f.Year)
	}
	if sel != nil {
		add("r.id IN (SELECT unnest(?::BIGINT[]))", sel.ids)
	} else if f.County != "" {
		if isCode(f.County) {
			add("r.agency_id IN (SELECT id FROM agencies WHERE county_code = ?)", f.County)
		} else {
			add("r.county = ?", f.County)
		}
	}
	if f.City != "" {
		cond, cargs := pl.placedIn("city", f.City)
		conds = append(conds, cond)
		args = append(args, cargs...)
	}
	if f.Province != "" {
		cond, cargs := pl.placedIn("province", f.Province)
		conds = append(conds, cond)
		args = append(args, cargs...)
	}
	if f.AgencyID != "" {
		add("r.agency_id = ?", f.AgencyID)
	}
	if sel != nil {
		// the level is in the selection
	} else if f.Level == LevelNoDepartments {
		conds = append(conds, "(r.agency_id IS NULL OR r.agency_id NOT IN (SELECT id FROM agencies WHERE list_contains(?::VARCHAR[], level)))")
		args = append(args, "["+strings.Join(governmentLevels, ", ")+"]")
	} else if levels := LevelSet(f.Level); len(levels) > 0 {
		add("r.agency_id IN (SELECT id FROM agencies WHERE list_contains(?::VARCHAR[], level))", "["+strings.Join(levels, ", ")+"]")
	}
	if f.Agency != "" {
		add("r.agency = ?", f.Agency)
	}
	if f.Edition != "" {
		add("r.edition = ?", f.Edition)
	}
	if f.HasFindings != nil {
		add("EXISTS (SELECT 1 FROM "+f.findings()+" hf WHERE hf.report_id = r.id) = ?", *f.HasFindings)
	}
	return "(" + strings.Join(conds, " AND ") + ")", args
}

// isCode tells a GB/T 2260 code (digits only) from a name.
func isCode(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// LevelNoDepartments selects every report but those of county or city
// governments and their departments: what a page of towns charts, keeping
// agencies the registry could not place.
const LevelNoDepartments = "no_departments"

var governmentLevels = []string{"省级", "市级", "县级政府", "县级部门", "市级部门"}

// LevelSet expands a level filter to the registry levels it selects:
// "towns" the town-level ones, "departments" county and city departments,
// anything else itself; "" selects all (nil).
func LevelSet(level string) []string {
	switch strings.TrimSpace(level) {
	case "":
		return nil
	case "towns":
		return []string{"镇", "乡", "街道", "乡级其他"}
	case "departments":
		return []string{"县级部门", "市级部门"}
	}
	return []string{strings.TrimSpace(level)}
}

// findings is the relation of findings the filter counts: all of them, or
// those not dismissed by a review (see store migration 002).
func (f Filter) findings() string {
	if f.Dismissed {
		return "findings_reviewed"
	}
	return "(SELECT * FROM findings_reviewed WHERE review <> 'dismissed')"
}

// findingsOfSel is findings for the reports of the statement's CTE sel
// only (sel has the reports' id, agency, county and year): the view
// findings_reviewed (store migration 002) joins every finding to every
// report before any filter reaches it, which cost the report list of one
// county 137 ms at 200 000 reports (13 ms so; with the findings narrowed
// to the selected ids before the join, the join no longer hashes every
// finding). The review is the view's
// rule, spelt the same; TestRewrittenAsBefore holds the statements to
// their SQL over the view, dismissed findings among them.
func (f Filter) findingsOfSel() string {
	rel := `(SELECT f.report_id, f.rule, f.severity, coalesce(v.state, '') AS review
  FROM (SELECT * FROM findings WHERE report_id IN (SELECT id FROM sel)) f
  JOIN sel s ON s.id = f.report_id
  LEFT JOIN finding_reviews v
    ON v.agency = s.agency AND v.county = s.county AND v.year = s.year
   AND v.fkey = f.rule || '|' || array_to_string(f.cells, ','))`
	if f.Dismissed {
		return rel
	}
	return "(SELECT * FROM " + rel + " WHERE review <> 'dismissed')"
}

// GroupBy names the column results are grouped by.
type GroupBy string

// The groupings every statistic accepts. GroupAgency groups by county and
// agency together: the same town name occurs in several counties.
const (
	GroupNone    GroupBy = ""
	GroupAgency  GroupBy = "agency"
	GroupCounty  GroupBy = "county"
	GroupYear    GroupBy = "year"
	GroupEdition GroupBy = "edition"
	// The registry's hierarchy and levels (issue 10); reports whose agency
	// the registry does not place group under "".
	GroupProvince GroupBy = "province"
	GroupCity     GroupBy = "city"
	GroupLevel    GroupBy = "level"
)

// AllGroupings lists the accepted group_by values (GroupNone aside).
var AllGroupings = []GroupBy{GroupAgency, GroupCounty, GroupYear, GroupEdition, GroupProvince, GroupCity, GroupLevel}

// GroupLabels gives each grouping its Chinese column header.
var GroupLabels = map[GroupBy]string{
	GroupNone: "范围", GroupAgency: "机关", GroupCounty: "县（市、区）", GroupYear: "年度", GroupEdition: "格式版本",
	GroupProvince: "省（区、市）", GroupCity: "市（州）", GroupLevel: "层级",
}

// AllGroupLabel is the group name of the single row when nothing is grouped.
const AllGroupLabel = "合计"

// ParseGroupBy checks a group_by value ("" or "none" for no grouping).
func ParseGroupBy(s string) (GroupBy, error) {
	switch g := GroupBy(strings.TrimSpace(s)); g {
	case GroupNone, "none", "all":
		return GroupNone, nil
	case GroupAgency, GroupCounty, GroupYear, GroupEdition, GroupProvince, GroupCity, GroupLevel:
		return g, nil
	}
	return "", &InputError{Field: "group_by", Message: fmt.Sprintf("未知的分组 %q，可用：agency、county、year、edition、province、city、level 或留空", s)}
}

// placedIn is the province or city a report is counted in: its agency's
// or, for an agency the registry could not place (a county name two
// provinces share, say), the one place that the placed reports of the same
// county name share — the rule the entry page follows (sql/Places.sql).
// Grouping and filtering by province or city both use it, so the map, its
// drill-down and the entry page count the same reports (a report the entry
// page placed was counted by the map as 未能归入省份). The counties' places
// are one uncorrelated subquery, made into a map and looked up per report:
// one pass over the placed reports per query, whatever the data (cold
// cost in docs/benchmarks.md). %[1]s is the column, province or city, from
// the constants below, never from input.
const placedIn = `coalesce(nullif((SELECT a.%[1]s FROM agencies a WHERE a.id = r.agency_id), ''),
  map_extract_value((SELECT map_from_entries(list((pc.county, pc.%[1]s))) FROM (
      SELECT r2.county, min(a2.province) AS province, min(a2.city) AS city
      FROM reports r2 JOIN agencies a2 ON a2.id = r2.agency_id
      WHERE r2.county <> '' AND a2.province <> ''
      GROUP BY r2.county
      HAVING count(DISTINCT (a2.province, a2.city)) = 1) pc), r.county), '')`

var (
	placedProvince = fmt.Sprintf(placedIn, "province")
	placedCity     = fmt.Sprintf(placedIn, "city")
)

// exprsWith are the SQL expressions of each grouping, the group name and
// the county shown beside an agency, with the arguments of the group
// expression; pl is the counties' places of this generation (nil: computed
// in the statement).
func (g GroupBy) exprsWith(pl *placement) (grp string, args []any, county string) {
	switch g {
	case GroupProvince:
		grp, args = pl.placed("province")
		return grp, args, "''"
	case GroupCity:
		grp, args = pl.placed("city")
		return grp, args, "''"
	}
	grp, county = g.plainExprs()
	return grp, nil, county
}

// plainExprs are the expressions of the groupings that need no argument.
func (g GroupBy) plainExprs() (grp, county string) {
	switch g {
	case GroupAgency:
		return "r.agency", "r.county"
	case GroupCounty:
		return "r.county", "''"
	case GroupYear:
		return "CAST(r.year AS VARCHAR)", "''"
	case GroupEdition:
		return "r.edition", "''"
	case GroupLevel:
		return "coalesce((SELECT a.level FROM agencies a WHERE a.id = r.agency_id), '')", "''"
	case groupAgencyID:
		return "coalesce(r.agency_id, '') || chr(31) || r.agency", "r.county"
	}
	return "'" + AllGroupLabel + "'", "''"
}

// InputError is a request the data cannot answer as asked: an unknown code,
// group or metric. The API answers it with 400.
type InputError struct {
	Field   string
	Message string
	// Valid lists the accepted values when there are a fixed number of them.
	Valid []string
}

func (e *InputError) Error() string { return e.Message }

// IsInputError tells whether err is (or wraps) an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// fragment is a piece of SQL with its arguments.
type fragment struct {
	text string
	args []any
}

// stmt is a statement ready to run: its text and arguments in order.
type stmt struct {
	text string
	args []any
}

// build loads query/sql/<name>.sql and replaces its markers, in the order
// they appear, by fixed SQL: /*filter*/ by the filter's condition,
// /*group*/ and /*group_county*/ by the grouping expressions, /*findings*/
// by the findings counted (dismissed ones left out unless asked),
// /*findings_sel*/ by those of the reports of the CTE sel, /*codes*/ by
// one placeholder per code, /*limit*/ by LIMIT ? OFFSET ?. Arguments follow
// the markers' order, so text and arguments cannot drift apart.
func build(name string, f Filter, g GroupBy, codes []string) (stmt, error) {
	return buildWith(nil, name, f, g, codes)
}

// buildWith is build with the counties' places of this generation (nil:
// computed in the statement).
func buildWith(pl *placement, name string, f Filter, g GroupBy, codes []string) (stmt, error) {
	return buildSel(pl, nil, name, f, g, codes)
}

// buildSel is buildWith with the county index's selection (nil: none).
func buildSel(pl *placement, sel *selection, name string, f Filter, g GroupBy, codes []string) (stmt, error) {
	body, err := sqlFiles.ReadFile("sql/" + name + ".sql")
	if err != nil {
		return stmt{}, fmt.Errorf("query %s: %w", name, err)
	}
	return buildTextSel(pl, sel, name, string(body), f, g, codes)
}

// buildText is build of SQL already read (tests run earlier SQL through it).
func buildText(name, body string, f Filter, g GroupBy, codes []string) (stmt, error) {
	return buildTextWith(nil, name, body, f, g, codes)
}

func buildTextWith(pl *placement, name, body string, f Filter, g GroupBy, codes []string) (stmt, error) {
	return buildTextSel(pl, nil, name, body, f, g, codes)
}

func buildTextSel(pl *placement, sel *selection, name, body string, f Filter, g GroupBy, codes []string) (stmt, error) {
	grp, gargs, county := g.exprsWith(pl)
	cond, cargs := f.clauseSel(pl, sel)
	marks := map[string]fragment{
		"filter":       {cond, cargs},
		"group":        {grp, gargs},
		"group_county": {county, nil},
		"findings":     {f.findings(), nil},
		"findings_sel": {f.findingsOfSel(), nil},
	}
	if codes != nil {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ")
		if ph == "" {
			ph = "NULL"
		}
		args := make([]any, len(codes))
		for i, c := range codes {
			args[i] = c
		}
		marks["codes"] = fragment{ph, args}
		if sums, ok := figureSums(codes); ok {
			marks["figure_sums"] = fragment{sums, nil}
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	marks["limit"] = fragment{"LIMIT ? OFFSET ?", []any{limit, max(f.Offset, 0)}}

	text, err := includeSections(name, body)
	if err != nil {
		return stmt{}, err
	}
	var out strings.Builder
	var args []any
	for {
		i := strings.Index(text, "/*")
		if i < 0 {
			out.WriteString(text)
			break
		}
		j := strings.Index(text[i:], "*/")
		if j < 0 {
			return stmt{}, fmt.Errorf("query %s: unclosed comment", name)
		}
		mark := text[i+2 : i+j]
		frag, ok := marks[mark]
		out.WriteString(text[:i])
		if ok {
			out.WriteString(frag.text)
			args = append(args, frag.args...)
		} else {
			out.WriteString(text[i : i+j+2]) // an ordinary comment
		}
		text = text[i+j+2:]
	}
	return stmt{out.String(), args}, nil
}

// includeSections replaces each marker NAME.SECTION of body (such as
// Applications.sums in slashes and stars) by the part of sql/NAME.sql
// between its markers SECTION and "end SECTION": a statement that folds
// several statistics into one (CountyFigures.sql) reads their sums where
// they are defined, never a copy. The parts are replaced before the other
// markers, so those within them are filled in the order of the text, as
// everywhere.
func includeSections(name, body string) (string, error) {
	var out strings.Builder
	text := body
	for {
		i := strings.Index(text, "/*")
		if i < 0 {
			out.WriteString(text)
			return out.String(), nil
		}
		j := strings.Index(text[i:], "*/")
		if j < 0 {
			return "", fmt.Errorf("query %s: unclosed comment", name)
		}
		mark := text[i+2 : i+j]
		from, section, ok := strings.Cut(mark, ".")
		if !ok || !isPartName(from, 'A', 'Z') || !isPartName(section, 'a', 'z') {
			out.WriteString(text[:i+j+2])
			text = text[i+j+2:]
			continue
		}
		src, err := sqlFiles.ReadFile("sql/" + from + ".sql")
		if err != nil {
			return "", fmt.Errorf("query %s: the part %s: %w", name, mark, err)
		}
		start, end := "/*"+section+"*/", "/*end "+section+"*/"
		a := strings.Index(string(src), start)
		b := strings.Index(string(src), end)
		if a < 0 || b < a {
			return "", fmt.Errorf("query %s: %s.sql has no part %s", name, from, section)
		}
		out.WriteString(text[:i])
		out.Write(src[a+len(start) : b])
		text = text[i+j+2:]
	}
}

// isPartName tells a file name (Applications) or a section name (sums)
// of a part marker: letters only, the first between first and last; any
// other comment, such as a code t3.new.total, is an ordinary one.
func isPartName(s string, first, last byte) bool {
	if s == "" || s[0] < first || s[0] > last {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// query runs a statement built by build.
func (s *Service) query(ctx context.Context, name string, f Filter, g GroupBy, codes []string) (*sql.Rows, error) {
	st, err := s.build(ctx, name, f, g, codes)
	if err != nil {
		return nil, err
	}
	s.note(name, st)
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return rows, nil
}

// share is num/den, or nil when den is 0: a share of nothing is unknown,
// not zero and never NaN.
func share(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	v := num / den
	return &v
}

func ptr(v float64) *float64 { return &v }
