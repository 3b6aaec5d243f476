package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nianbao/registry"
)

// Filing states of an agency for a year.
const (
	FiledOnTime = "filed"       // 已报送
	FiledLate   = "late"        // 逾期报送 (published_on after the deadline of the body's level)
	NotInStore  = "missing"     // 未收录: Nianbao has no report; nobody has checked
	Unpublished = "unpublished" // 未发布: a person checked the agency's website
)

// FilingLabels are the states in Chinese.
var FilingLabels = map[string]string{FiledOnTime: "已报送", FiledLate: "逾期报送", NotInStore: "未收录", Unpublished: "未发布（已核实）"}

// FilingRow is one agency that should have reported.
type FilingRow struct {
	AgencyID string `json:"agency_id"`
	Code     string `json:"code,omitempty"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	// LevelGuessed: the agency is not in the registry (nor imported), so
	// its level is guessed from its name's suffix.
	LevelGuessed bool   `json:"level_guessed,omitempty"`
	County       string `json:"county"`
	Status       string `json:"status"`
	StatusLabel  string `json:"status_label"`
	ReportID     int64  `json:"report_id,omitempty"`
	PublishedOn  string `json:"published_on,omitempty"`
	Deadline     string `json:"deadline,omitempty"`
	DaysLate     *int   `json:"days_late,omitempty"` // nil: not filed or date unknown; negative: early
	Comment      string `json:"comment,omitempty"`   // a person's note on 未发布
}

// Filing is who has and has not reported in a place and year.
type Filing struct {
	Scope       string      `json:"scope"` // county | city | province
	Code        string      `json:"code,omitempty"`
	Name        string      `json:"name"`
	Year        int         `json:"year"`
	Levels      []string    `json:"levels"`
	Expected    int         `json:"expected"`
	Filed       int         `json:"filed"` // on time and late
	Late        int         `json:"late"`
	Missing     int         `json:"missing"`
	Unpublished int         `json:"unpublished"`
	Rate        float64     `json:"filing_rate"`         // filed / expected
	Synthetic   bool        `json:"synthetic,omitempty"` // some or all of its reports are 示例数据
	Rows        []FilingRow `json:"agencies"`
}

// FilingQuery selects the place, year and levels.
type FilingQuery struct {
	Place  string // a county, city or province: code or name
	Year   int
	Levels []registry.Level // empty: the town levels
	// Deadline is the last day a body of a level may publish its report
	// of the year (the score sheet's deadlines, assess.FilingList); it is
	// required, so no second copy of the deadlines lives here.
	Deadline func(level registry.Level, county string, year int) (time.Time, error)
}

// DaysLate is the one timeliness rule of Nianbao, for /filing and the
// assessment alike: a report is on time when its stored published_on is on
// or before the deadline. It gives the days after the deadline (negative:
// early); ok is false when the date is unknown or unreadable.
func DaysLate(publishedOn string, deadline time.Time) (days int, ok bool) {
	if publishedOn == "" {
		return 0, false
	}
	on, err := time.Parse(time.DateOnly, publishedOn)
	if err != nil {
		return 0, false
	}
	return int(on.Sub(deadline).Hours() / 24), true
}

// ErrBadPlace is a place the registry does not know or cannot tell apart.
var ErrBadPlace = errors.New("unknown place")

// ErrAmbiguousPlace is a name several places share (朝阳区): the caller must
// give the GB/T 2260 code. It is an ErrBadPlace too.
var ErrAmbiguousPlace = fmt.Errorf("%w: ambiguous", ErrBadPlace)

const (
	sqlFilingBase = `SELECT a.id, coalesce(a.code, ''), a.name, a.level, a.county, coalesce(r.id, 0),
       coalesce(strftime(r.published_on, '%Y-%m-%d'), ''), coalesce(m.state, ''), coalesce(m.comment, ''),
       a.source NOT IN ('gbt2260', 'import'), coalesce(r.synthetic, false)
FROM agencies a
LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?
LEFT JOIN (SELECT agency_id, year, arg_max(state, created_at) AS state, arg_max(comment, created_at) AS comment
           FROM filing_marks GROUP BY agency_id, year) m ON m.agency_id = a.id AND m.year = ?
WHERE a.merged_into IS NULL AND a.id <> ? AND list_contains(?::VARCHAR[], a.level)
  AND `
	sqlFilingOrder   = ` ORDER BY a.county_code, coalesce(a.code, 'z'), a.name`
	sqlInsertMark    = `INSERT INTO filing_marks (agency_id, year, state, comment, author, created_at) VALUES (?, ?, ?, ?, ?, ?)`
	sqlSyntheticSeat = `SELECT id FROM agencies WHERE source = 'synthetic' AND level = '县级政府' AND name = ?`
)

// Filing lists the agencies of a place's chosen levels with their filing
// state for a year, and the filing rate. The registry says who should
// have reported; an agency with no current report is 未收录 unless a
// person marked it 未发布. It is the one list of expected filers: the
// assessment (assess.Assess) scores exactly these rows. A county's own
// government is on its list (level 县级政府); a city's or province's own
// government is not on a list of its counties' bodies.
func (s *Store) Filing(ctx context.Context, fq FilingQuery) (*Filing, error) {
	if fq.Deadline == nil {
		return nil, errors.New("filing: no deadlines given (use assess.FilingList)")
	}
	if err := s.EnsureRegistry(ctx); err != nil {
		return nil, err
	}
	if fq.Year < 1990 || fq.Year > 2100 {
		return nil, fmt.Errorf("year %d: %w", fq.Year, ErrBadPlace)
	}
	levels := fq.Levels
	if len(levels) == 0 {
		levels = []registry.Level{registry.Town, registry.Township, registry.Street, registry.TownOther}
	}
	f := &Filing{Year: fq.Year, Rows: []FilingRow{}}
	for _, l := range levels {
		f.Levels = append(f.Levels, string(l))
	}
	where, args, err := s.scope(ctx, fq.Place, f)
	if err != nil {
		return nil, err
	}
	q := sqlFilingBase + where + sqlFilingOrder
	self := f.Code // the place's own row, left out but for a county
	if f.Scope == "county" {
		self = ""
	}
	all := append([]any{fq.Year, fq.Year, self, listLiteral(f.Levels)}, args...)
	rows, err := s.db.QueryContext(ctx, q, all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r FilingRow
		var mark string
		var synthetic bool
		if err := rows.Scan(&r.AgencyID, &r.Code, &r.Name, &r.Level, &r.County, &r.ReportID, &r.PublishedOn, &mark, &r.Comment, &r.LevelGuessed, &synthetic); err != nil {
			return nil, err
		}
		// A real county filed by the sample corpus says so like a
		// synthetic county does.
		f.Synthetic = f.Synthetic || synthetic
		due, err := fq.Deadline(registry.Level(r.Level), r.County, fq.Year)
		if err != nil {
			return nil, err
		}
		r.Deadline = due.Format(time.DateOnly)
		late := false
		if d, ok := DaysLate(r.PublishedOn, due); ok && r.ReportID != 0 {
			r.DaysLate, late = &d, d > 0
		}
		switch {
		case r.ReportID != 0 && late:
			r.Status = FiledLate
			f.Filed++
			f.Late++
		case r.ReportID != 0:
			r.Status = FiledOnTime
			f.Filed++
		case mark == Unpublished:
			r.Status = Unpublished
			f.Unpublished++
		default:
			r.Status = NotInStore
			f.Missing++
		}
		if r.ReportID != 0 {
			r.Comment = ""
		}
		r.StatusLabel = FilingLabels[r.Status]
		f.Rows = append(f.Rows, r)
	}
	f.Expected = len(f.Rows)
	if f.Expected > 0 {
		f.Rate = float64(f.Filed) / float64(f.Expected)
	}
	return f, rows.Err()
}

// PlaceOf resolves a county, city or province given by name or GB/T 2260
// code as /filing and the assessment do: its scope (county, city,
// province), code and name. An unknown or ambiguous place is ErrBadPlace.
// Unambiguous refuses a county name several places share (ErrAmbiguousPlace,
// whose sentence asks for the code); nil for any other name or code: one
// the registry knows once, or one only stored reports carry, is filtered
// as given. The statistics routes and the county pages ask it alike.
func (s *Store) Unambiguous(ctx context.Context, place string) error {
	if _, _, _, err := s.PlaceOf(ctx, place); errors.Is(err, ErrAmbiguousPlace) {
		return err
	}
	return nil
}

func (s *Store) PlaceOf(ctx context.Context, place string) (scope, code, name string, err error) {
	var f Filing
	if _, _, err := s.scope(ctx, place, &f); err != nil {
		return "", "", "", err
	}
	return f.Scope, f.Code, f.Name, nil
}

// scope turns a place (code or name) into the WHERE clause's last part.
func (s *Store) scope(ctx context.Context, place string, f *Filing) (string, []any, error) {
	place = strings.TrimSpace(place)
	if place == "" {
		return "", nil, fmt.Errorf("请指定县（区）、市或省：%w", ErrBadPlace)
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		return "", nil, err
	}
	var p *registry.Place
	if x, ok := reg.Get(place); ok {
		p = x
	} else {
		var cands []*registry.Place
		for _, x := range reg.Named(registry.Short(place)) {
			if x.Level == registry.County || x.Level == registry.City || x.Level == registry.Province {
				cands = append(cands, x)
			}
		}
		if len(cands) > 1 {
			return "", nil, fmt.Errorf("有 %d 个地方名为“%s”，请用区划代码：%w", len(cands), place, ErrAmbiguousPlace)
		}
		if len(cands) == 1 {
			p = cands[0]
		}
	}
	if p == nil {
		// A synthetic county of the sample corpus (示例数据).
		var id string
		if err := s.db.QueryRowContext(ctx, sqlSyntheticSeat, place).Scan(&id); err != nil {
			return "", nil, fmt.Errorf("登记册中没有“%s”：%w", place, ErrBadPlace)
		}
		f.Scope, f.Code, f.Name, f.Synthetic = "county", id, place, true
		return "a.source = 'synthetic' AND a.county = ?", []any{place}, nil
	}
	f.Code, f.Name = p.Code, p.Name
	switch p.Level {
	case registry.County:
		f.Scope = "county"
		return "a.county_code = ?", []any{p.Code}, nil
	case registry.City:
		f.Scope = "city"
		return "a.city_code = ?", []any{p.Code}, nil
	case registry.Province:
		f.Scope = "province"
		return "a.province_code = ?", []any{p.Code}, nil
	}
	return "", nil, fmt.Errorf("“%s”是%s，不是县（区）、市或省：%w", place, p.Level, ErrBadPlace)
}

// MarkFiling records a person's finding that an agency did not publish its
// report for a year (state "unpublished") or withdraws it (state ""),
// after checking the agency's website; audited.
func (s *Store) MarkFiling(ctx context.Context, agencyID string, year int, state, comment, author string) error {
	if state != Unpublished && state != "" {
		return fmt.Errorf("state %q: %w", state, ErrBadReview)
	}
	if strings.TrimSpace(comment) == "" {
		return ErrNoReason
	}
	a, err := s.GetAgency(ctx, agencyID)
	if err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		now := time.Now().UTC()
		if _, err := tx.ExecContext(ctx, sqlInsertMark, agencyID, year, state, comment, author, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "filing", a.Name, a.County, year, agencyID, "", state, comment); err != nil {
			return err
		}
		return nil
	})
}
