package query

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"nianbao/report"
)

// The county page ranks a county's bodies and sets beside them, for each
// registry level among them (镇, 街道 …), the median of every body of that
// level in the province (全省镇中位数). Asked per page, that is the five
// statistics over a whole province: six statements, about 790 ms of a
// 1.3 s page at 200 000 reports. The medians change only when the data
// do, so they are computed once per data generation for every province,
// year and level at once: one statement per statistic and year, grouped by
// body (groupAgencyID), each body put in its province and level here and
// the bodies reduced to medians. The per-province statements stay as the
// reference (ProvinceMediansByStatements) and as the answer where the
// grouping cannot stand for the filter (a province code naming several
// provinces, a level that is a set of levels, two registry ids of one
// name in one county and level).

// RankStats are one body's statistics as the county page's ranking reads
// them; a nil row is a table not read ("—").
type RankStats struct {
	App *ApplicationsRow
	Out *OutcomesRow
	Rev *ReviewsRow
	Met *AssessmentMetric
	T2  map[string]*float64 // table 2 of the 2021 edition
}

// RankCodes are the ranking's columns in order: the figures RankValue
// reads and ProvinceMedians gives a median of.
var RankCodes = []string{
	"applications.new", "applications.change",
	"outcomes.disclosure_rate", "outcomes.substantive_rate",
	"reviews.reconsideration_correction_rate", "assessment.disputes_per_100_closed",
	"t2.regulations.issued", "t2.normative_docs.issued", "t2.licensing.decisions", "t2.penalty.decisions",
}

// RankValue is one figure of RankCodes for a body: the exact value, nil
// where it has none.
func RankValue(code string, r RankStats) *float64 {
	switch code {
	case "applications.new":
		if r.App != nil {
			return ptr(r.App.New)
		}
	case "applications.change":
		if r.App != nil {
			return r.App.Change
		}
	case "outcomes.disclosure_rate":
		if r.Out != nil {
			return r.Out.DisclosureRate
		}
	case "outcomes.substantive_rate":
		if r.Out != nil {
			return r.Out.SubstantiveRate
		}
	case "reviews.reconsideration_correction_rate":
		if r.Rev != nil {
			return r.Rev.Reconsideration.CorrectionRate
		}
	case "assessment.disputes_per_100_closed":
		// Per 100 closed means nothing where table 3 was not read.
		if r.Met != nil && r.Out != nil {
			return r.Met.DisputesPer100
		}
	default:
		if strings.HasPrefix(code, "t2.") {
			return r.T2[code]
		}
	}
	return nil
}

// rankSet gathers the statistics of many bodies by key; names are the
// bodies with any statistic but the assessment metrics (what the page
// ranked before: a body with none of tables 2–4 read has no figure).
type rankSet struct {
	stats map[string]*RankStats
	names []string
	named map[string]bool
}

func (rs *rankSet) at(key string, named bool) *RankStats {
	if rs.stats == nil {
		rs.stats, rs.named = map[string]*RankStats{}, map[string]bool{}
	}
	r := rs.stats[key]
	if r == nil {
		r = &RankStats{}
		rs.stats[key] = r
	}
	if named && !rs.named[key] {
		rs.named[key] = true
		rs.names = append(rs.names, key)
	}
	return r
}

// medians of every column of RankCodes over the named bodies: Median of
// the present exact values.
func (rs *rankSet) medians() map[string]*float64 {
	out := make(map[string]*float64, len(RankCodes))
	for _, code := range RankCodes {
		var xs []float64
		for _, n := range rs.names {
			if v := RankValue(code, *rs.stats[n]); v != nil {
				xs = append(xs, *v)
			}
		}
		out[code] = Median(xs)
	}
	return out
}

// addStats puts the rows of the five statistics into sets chosen by key,
// which gives a row's set and its body's key within it (false: skip).
func addStats(key func(Group) (set, body string, ok bool), sets map[string]*rankSet,
	app []ApplicationsRow, out OutcomesResult, rev ReviewsResult, met []AssessmentMetric, pro ProactiveResult) {
	at := func(g Group, named bool) *RankStats {
		set, body, ok := key(g)
		if !ok {
			return nil
		}
		if sets[set] == nil {
			sets[set] = &rankSet{}
		}
		return sets[set].at(body, named)
	}
	for i := range app {
		if r := at(app[i].Group, true); r != nil {
			r.App = &app[i]
		}
	}
	for i := range out.Rows {
		if r := at(out.Rows[i].Group, true); r != nil {
			r.Out = &out.Rows[i]
		}
	}
	for i := range rev.Rows {
		if r := at(rev.Rows[i].Group, true); r != nil {
			r.Rev = &rev.Rows[i]
		}
	}
	for i := range met {
		if r := at(Group{Group: met[i].Group, County: met[i].County}, false); r != nil {
			r.Met = &met[i]
		}
	}
	for _, p := range pro.Rows {
		if p.Edition != report.Edition2021 {
			continue
		}
		if r := at(p.Group, true); r != nil {
			r.T2 = p.Values
		}
	}
}

// ProvinceMediansByStatements are the medians of the bodies of one level
// (a registry level such as 镇) in a province (name or GB/T 2260 code) and
// year, from the five statistics filtered to them: the reference the
// precomputed ProvinceMedians are held to, and their answer where the
// grouping cannot stand for the filter.
func (s *Service) ProvinceMediansByStatements(ctx context.Context, province string, year int, level string) (map[string]*float64, error) {
	f := Filter{Province: province, Year: year, Level: level}
	app, err := s.Applications(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	out, err := s.Outcomes(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	rev, err := s.Reviews(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	met, err := s.AssessmentMetrics(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	pro, err := s.Proactive(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	sets := map[string]*rankSet{}
	addStats(func(g Group) (string, string, bool) { return "", g.County + "/" + g.Group, true }, sets, app.Rows, out, rev, met, pro)
	if sets[""] == nil {
		sets[""] = &rankSet{}
	}
	return sets[""].medians(), nil
}

// ProvinceMedians are ProvinceMediansByStatements, read from the values
// computed once for the current data generation; values of an earlier
// generation are never read. Before they exist: where they are computed
// in the background (PrepareAfterWrites, serve), the reader gets its own
// province's statements — the same figures, a second at 200 000 reports,
// where waiting for every province's took up to 6 s of CPU after each
// write; elsewhere the reader computes them and readers arriving
// meanwhile wait for the same computation.
func (s *Service) ProvinceMedians(ctx context.Context, province string, year int, level string) (map[string]*float64, error) {
	p, err := s.preparedFor(ctx)
	if err != nil {
		return nil, err
	}
	names := p.placement.namesOf("province", province)
	if len(names) != 1 || names[0] == "" || !slices.Equal(LevelSet(level), []string{level}) {
		return s.ProvinceMediansByStatements(ctx, province, year, level)
	}
	m := s.readyMedians(p.gen)
	if m == nil && s.preparing() {
		// The background computation (seconds at national size) is
		// under way or about to start: this one province's statements
		// answer now, the same figures, instead of the page waiting.
		return s.ProvinceMediansByStatements(ctx, province, year, level)
	}
	if m == nil {
		if m, err = s.mediansFor(ctx, p); err != nil {
			return nil, err
		}
	}
	v, ok := m.byPlace[provinceLevel{names[0], year, level}]
	if ok && v == nil {
		return s.ProvinceMediansByStatements(ctx, province, year, level)
	}
	if ok {
		return v, nil
	}
	return (&rankSet{}).medians(), nil // no such body: every median nil
}

// provinceLevel keys the precomputed medians: a province by name.
type provinceLevel struct {
	province string
	year     int
	level    string
}

// medians is what one generation computed for the county pages.
type medians struct {
	gen     uint64
	byPlace map[provinceLevel]map[string]*float64
	took    time.Duration
}

// groupAgencyID groups by a body's registry id and name, beside its
// county: plain columns, no join (a group expression placing each report
// in its province cost 0.4 s a statement at 40 000 reports). Internal:
// never a group_by of the API.
const groupAgencyID GroupBy = "agency_id\x1fagency"

// readyMedians returns generation gen's medians if they are computed.
func (s *Service) readyMedians(gen uint64) *medians {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.med != nil && s.med.gen == gen {
		return s.med
	}
	return nil
}

// preparing tells whether the generation's values are computed in the
// background after writes (PrepareAfterWrites, as serve does).
func (s *Service) preparing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kick != nil
}

// mediansFor returns the medians of the generation of p (its place tree),
// computing them once (concurrent callers share the computation).
func (s *Service) mediansFor(ctx context.Context, p *prepared) (*medians, error) {
	gen := p.gen
	s.mu.Lock()
	m := s.med
	s.mu.Unlock()
	if m != nil && m.gen == gen {
		return m, nil
	}
	v, err, _ := s.flight.Do("medians|"+strconv.FormatUint(gen, 10), func() (any, error) {
		start := time.Now()
		// Not the request's context: the computation is shared.
		byPlace, err := s.computeMedians(context.WithoutCancel(ctx), p)
		if err != nil {
			return nil, err
		}
		m := &medians{gen: gen, byPlace: byPlace, took: time.Since(start)}
		s.mu.Lock()
		if s.gen == gen {
			s.med = m
		}
		s.mu.Unlock()
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*medians), nil
}

// computeMedians runs the statistics for each year grouped by body
// (groupAgencyID), oldest year first so that a year's applications give
// the next its change on the year before (what Applications does with a
// second statement), and puts each body in its province and level: its
// agency's, or for an agency the registry holds without a province, the
// one its county is placed in (placedByMap, the same rule). Where two
// registry ids of one name, county, province and level meet, the filtered
// statements would have summed them in one group; such a (province, year,
// level), and the next year's (its change), is left out and answered by
// the statements.
func (s *Service) computeMedians(ctx context.Context, p *prepared) (map[provinceLevel]map[string]*float64, error) {
	placedAt := make(map[string]string, len(p.placement.counties))
	for i, c := range p.placement.counties {
		placedAt[c] = p.placement.provinces[i]
	}
	agencies, err := s.agencyPlaces(ctx)
	if err != nil {
		return nil, err
	}
	years, err := s.reportYears(ctx)
	if err != nil {
		return nil, err
	}
	g := groupAgencyID
	out := map[provinceLevel]map[string]*float64{}
	type body struct{ province, level, county, agency string }
	var prev map[body]float64
	prevMixed := map[[2]string]bool{} // (province, level) where ids met the year before
	prevYear := 0
	for _, y := range years {
		f := Filter{Year: y}
		app, err := s.applications(ctx, f, g)
		if err != nil {
			return nil, err
		}
		outc, err := s.outcomes(ctx, f, g)
		if err != nil {
			return nil, err
		}
		rev, err := s.reviews(ctx, f, g)
		if err != nil {
			return nil, err
		}
		met, _, err := s.assessmentMetrics(ctx, f, g)
		if err != nil {
			return nil, err
		}
		t2, err := s.t2Sums(ctx, Filter{Year: y, Edition: report.Edition2021}, g)
		if err != nil {
			return nil, err
		}
		// Each group's body, and the bodies two ids share.
		ids := map[body]string{}
		mixed := map[[2]string]bool{}
		bodyOf := func(gr Group) (body, bool) {
			id, agency, _ := strings.Cut(gr.Group, "\x1f")
			a, ok := agencies[id]
			if !ok || a.level == "" {
				return body{}, false // no registry level: in no level's median
			}
			prov := a.province
			if prov == "" {
				prov = placedAt[gr.County]
			}
			b := body{prov, a.level, gr.County, agency}
			if first, seen := ids[b]; seen && first != id {
				mixed[[2]string{prov, a.level}] = true
			}
			ids[b] = id
			return b, true
		}
		if prevYear != y-1 {
			prev, prevMixed = nil, map[[2]string]bool{}
		}
		thisYear := map[body]float64{}
		for i := range app {
			b, ok := bodyOf(app[i].Group)
			if !ok {
				continue
			}
			thisYear[b] += app[i].New
			if p, ok := prev[b]; ok {
				app[i].setPrevious(p)
			}
		}
		sets := map[string]*rankSet{}
		split := func(gr Group) (string, string, bool) {
			b, ok := bodyOf(gr)
			return b.province + "\x1f" + b.level, b.county + "/" + b.agency, ok
		}
		addStats(split, sets, app, outc, rev, met, ProactiveResult{Rows: t2})
		for k, rs := range sets {
			prov, level, _ := strings.Cut(k, "\x1f")
			if mixed[[2]string{prov, level}] || prevMixed[[2]string{prov, level}] {
				out[provinceLevel{prov, y, level}] = nil // the statements answer
				continue
			}
			out[provinceLevel{prov, y, level}] = rs.medians()
		}
		prev, prevMixed, prevYear = thisYear, mixed, y
	}
	return out, nil
}

// t2Sums are Proactive's rows of one edition for the four figures of
// table 2 the ranking shows, by Cells' sums (CellsFigures.sql): Proactive
// unpivots every code of both editions (4 s a year at 200 000 reports).
// TestProvinceMediansAsTheStatements holds them to Proactive.
func (s *Service) t2Sums(ctx context.Context, f Filter, g GroupBy) ([]ProactiveRow, error) {
	codes := RankCodes[slices.IndexFunc(RankCodes, func(c string) bool { return strings.HasPrefix(c, "t2.") }):]
	groups, err := s.groups(ctx, f, g)
	if err != nil {
		return nil, err
	}
	rows := make([]CellsRow, len(groups))
	index := make(map[[2]string]int, len(groups))
	for i, gr := range groups {
		rows[i] = CellsRow{Group: gr, Values: make(map[string]*float64, len(codes))}
		index[[2]string{gr.Group, gr.County}] = i
	}
	if err := s.cellsFromFigures(ctx, f, g, codes, index, rows); err != nil {
		return nil, err
	}
	out := make([]ProactiveRow, len(rows))
	for i, r := range rows {
		out[i] = ProactiveRow{Group: r.Group, Edition: f.Edition, Values: r.Values}
	}
	return out, nil
}

// agencyPlace is an agency's province and registry level.
type agencyPlace struct{ province, level string }

// agencyPlaces reads every agency's province and level.
func (s *Service) agencyPlaces(ctx context.Context) (map[string]agencyPlace, error) {
	rows, err := s.db.QueryContext(ctx, agencyPlacesSQL)
	if err != nil {
		return nil, fmt.Errorf("query agency places: %w", err)
	}
	defer rows.Close()
	out := map[string]agencyPlace{}
	for rows.Next() {
		var id string
		var a agencyPlace
		if err := rows.Scan(&id, &a.province, &a.level); err != nil {
			return nil, fmt.Errorf("query agency places: %w", err)
		}
		out[id] = a
	}
	return out, rows.Err()
}

const agencyPlacesSQL = `SELECT id, coalesce(province, ''), coalesce(level, '') FROM agencies`

// reportYears lists the years of the stored reports, oldest first.
func (s *Service) reportYears(ctx context.Context) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, reportYearsSQL)
	if err != nil {
		return nil, fmt.Errorf("query report years: %w", err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("query report years: %w", err)
		}
		years = append(years, y)
	}
	return years, rows.Err()
}

const reportYearsSQL = `SELECT DISTINCT year FROM reports ORDER BY year`
