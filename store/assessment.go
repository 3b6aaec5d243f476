package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// Storage for the assessment checks of package assess. They read a county's
// reports in bulk (one query per table, not one per report) and write their
// findings into the findings table under their own rule codes, replacing
// what they wrote before, so a re-check is idempotent.

const (
	sqlDeleteNarrative      = `DELETE FROM narratives WHERE agency = ? AND county = ? AND year = ?`
	sqlInsertNarrative      = `INSERT INTO narratives (agency, county, year, position, section, body, packed) VALUES (?, ?, ?, ?, ?, '', ?)`
	sqlCountyReports        = `SELECT r.id, r.agency, r.county, r.year, r.edition, coalesce(strftime(r.published_on, '%Y-%m-%d'), ''), coalesce(a.level, ''), r.synthetic FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.county = ? AND r.year BETWEEN ? AND ? ORDER BY r.year, r.agency`
	sqlCountyCells          = `SELECT c.report_id, c.code, c.value FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.county = ? AND r.year BETWEEN ? AND ?`
	sqlCountyRaw            = `SELECT s.report_id, s.code, coalesce(s.raw, '') FROM cell_sources s JOIN reports r ON r.id = s.report_id WHERE r.county = ? AND r.year BETWEEN ? AND ?`
	sqlCountyNarrative      = `SELECT n.agency, n.year, n.section, n.body, n.packed FROM narratives n WHERE n.county = ? AND n.year BETWEEN ? AND ? ORDER BY n.agency, n.year, n.position`
	sqlDeleteAssessFindings = `DELETE FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[])) AND rule IN (SELECT unnest(?::VARCHAR[]))`
	sqlMaxSeqOf             = `SELECT report_id, max(seq) FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[])) GROUP BY report_id`
	// The evidence of the reports re-checked goes, and with it that of
	// reports deleted since (their ids are gone from reports). The ids come
	// as a list joined by IN, a hash join, not list_contains per row: a bulk
	// re-check passes thousands.
	sqlDeleteTimely    = `DELETE FROM assess_timeliness WHERE report_id IN (SELECT unnest(?::BIGINT[])) OR report_id NOT IN (SELECT id FROM reports)`
	sqlDeleteCopies    = `DELETE FROM assess_copies WHERE report_id IN (SELECT unnest(?::BIGINT[])) OR report_id NOT IN (SELECT id FROM reports)`
	sqlDeleteCoverage  = `DELETE FROM assess_coverage WHERE report_id IN (SELECT unnest(?::BIGINT[])) OR report_id NOT IN (SELECT id FROM reports)`
	sqlCopiesOf        = `SELECT c.report_id, c.rule, c.other_report_id, o.agency, o.year, c.share, c.passages FROM assess_copies c JOIN reports r ON r.id = c.report_id JOIN reports o ON o.id = c.other_report_id WHERE r.county = ? AND r.year = ? ORDER BY c.share DESC`
	sqlTimelyOf        = `SELECT t.report_id, strftime(t.published_on, '%Y-%m-%d'), strftime(t.deadline, '%Y-%m-%d'), t.days_late FROM assess_timeliness t JOIN reports r ON r.id = t.report_id WHERE r.county = ? AND r.year = ?`
	sqlCoverageOf      = `SELECT code, aggregate, units_sum, units FROM assess_coverage WHERE report_id = ? ORDER BY code`
	sqlFindingsOf      = `SELECT f.report_id, f.seq, f.rule, f.severity, f.cells, f.message, f.review FROM findings_reviewed f WHERE f.report_id IN (SELECT unnest(?::BIGINT[])) ORDER BY f.report_id, f.seq`
	sqlFindingsOfRange = `SELECT f.report_id, f.seq, f.rule, f.severity, f.cells, f.message, f.review FROM findings_reviewed f WHERE f.report_id BETWEEN ? AND ? ORDER BY f.report_id, f.seq`
	sqlCellsOf         = `SELECT c.report_id, c.code, c.value FROM cells c WHERE c.report_id IN (SELECT unnest(?::BIGINT[])) AND c.code IN (SELECT unnest(?::VARCHAR[]))`
	sqlCountyFindings  = `SELECT f.report_id, f.seq, f.rule, f.severity, f.cells, f.message, f.review FROM findings_reviewed f JOIN reports r ON r.id = f.report_id WHERE r.county = ? AND r.year = ? ORDER BY f.report_id, f.seq`
)

// NarrativeSection is one section of a report's text (see assess.Section).
type NarrativeSection struct {
	Number int
	Body   string
	// Packed is Body as PackNarrative packs it, when its reader packed it
	// already; nil: packed when written. Never set on sections read back.
	Packed []byte
}

// SaveNarrative replaces the text sections kept for a report's identity.
// No sections (a report that came without text) removes what was kept.
func (s *Store) SaveNarrative(ctx context.Context, agency, county string, year int, sections []NarrativeSection) error {
	// Quietly: no cached answer reads the text, and the re-check that
	// reads it next (assess) tells the readers when it writes.
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		return writeNarrative(ctx, tx, agency, county, year, sections)
	})
}

// writeNarrative replaces the sections inside the transaction open on tx.
func writeNarrative(ctx context.Context, tx execer, agency, county string, year int, sections []NarrativeSection) error {
	if _, err := tx.ExecContext(ctx, sqlDeleteNarrative, agency, county, year); err != nil {
		return fmt.Errorf("narrative %s %d: %w", agency, year, err)
	}
	for i, sec := range sections {
		if _, err := tx.ExecContext(ctx, sqlInsertNarrative, agency, county, year, i, sec.Number, packedBody(sec)); err != nil {
			return fmt.Errorf("narrative %s %d: %w", agency, year, err)
		}
	}
	return nil
}

// AssessDoc is a stored report as the assessment checks read it.
type AssessDoc struct {
	ID          int64
	Agency      string
	County      string
	Year        int
	Edition     string
	PublishedOn string
	Level       string // the agency's registry level ("" for a report not placed)
	// Synthetic: a 示例数据 report (reports.synthetic). Peer checks never
	// compare a real report with generated ones, which share its places.
	Synthetic bool
	Cells     map[string]float64
	Raw       map[string]string
	Sections  []NarrativeSection // nil: no text kept
}

// CountyDocs reads every report of a county in the years from..to with
// cells, printed cell text and narrative sections.
func (s *Store) CountyDocs(ctx context.Context, county string, from, to int) ([]*AssessDoc, error) {
	rows, err := s.db.QueryContext(ctx, sqlCountyReports, county, from, to)
	if err != nil {
		return nil, fmt.Errorf("county %s: %w", county, err)
	}
	var docs []*AssessDoc
	byID := map[int64]*AssessDoc{}
	type key struct {
		agency string
		year   int
	}
	byKey := map[key]*AssessDoc{}
	for rows.Next() {
		d := &AssessDoc{Cells: map[string]float64{}, Raw: map[string]string{}}
		if err := rows.Scan(&d.ID, &d.Agency, &d.County, &d.Year, &d.Edition, &d.PublishedOn, &d.Level, &d.Synthetic); err != nil {
			rows.Close()
			return nil, err
		}
		docs = append(docs, d)
		byID[d.ID] = d
		byKey[key{d.Agency, d.Year}] = d
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, sqlCountyCells, county, from, to); err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var code string
		var v float64
		if err := rows.Scan(&id, &code, &v); err != nil {
			rows.Close()
			return nil, err
		}
		if d := byID[id]; d != nil {
			d.Cells[code] = v
		}
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, sqlCountyRaw, county, from, to); err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var code, raw string
		if err := rows.Scan(&id, &code, &raw); err != nil {
			rows.Close()
			return nil, err
		}
		if d := byID[id]; d != nil {
			d.Raw[code] = raw
		}
	}
	rows.Close()
	if rows, err = s.db.QueryContext(ctx, sqlCountyNarrative, county, from, to); err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var sec NarrativeSection
		var packed []byte
		if err := rows.Scan(&k.agency, &k.year, &sec.Number, &sec.Body, &packed); err != nil {
			return nil, err
		}
		if d := byKey[k]; d != nil {
			if sec.Body, err = sectionBody(sec.Body, packed); err != nil {
				return nil, fmt.Errorf("%s %d: %w", k.agency, k.year, err)
			}
			d.Sections = append(d.Sections, sec)
		}
	}
	return docs, rows.Err()
}

// CountySpan is a county and the years of its reports to read.
type CountySpan struct {
	County   string
	From, To int
}

// The spans as a table: three lists bound as parameters and unnested.
const spansCTE = `WITH s AS (SELECT unnest(?::VARCHAR[]) AS county, unnest(?::INTEGER[]) AS y0, unnest(?::INTEGER[]) AS y1)
`

const (
	sqlSpansReports = spansCTE + `SELECT r.id, r.agency, r.county, r.year, r.edition, coalesce(strftime(r.published_on, '%Y-%m-%d'), ''), coalesce(a.level, ''), r.synthetic
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id JOIN s ON r.county = s.county AND r.year BETWEEN s.y0 AND s.y1 ORDER BY r.county, r.year, r.agency, r.id`
	sqlSpansCells = spansCTE + `SELECT c.report_id, c.code, c.value FROM cells c JOIN reports r ON r.id = c.report_id
JOIN s ON r.county = s.county AND r.year BETWEEN s.y0 AND s.y1`
	// Only the printed texts without a digit: the checks read Raw for cells
	// printed blank (—, /, 无), and a text with a digit is never one. Most
	// cells print a number, so most rows stay in the database.
	sqlSpansRaw = spansCTE + `SELECT c.report_id, c.code, coalesce(c.raw, '') FROM cell_sources c JOIN reports r ON r.id = c.report_id
JOIN s ON r.county = s.county AND r.year BETWEEN s.y0 AND s.y1 WHERE NOT regexp_matches(coalesce(c.raw, ''), '[0-9０-９]')`
	sqlSpansNarrative = spansCTE + `SELECT n.agency, n.county, n.year, n.section, n.body, n.packed FROM narratives n
JOIN s ON n.county = s.county AND n.year BETWEEN s.y0 AND s.y1 ORDER BY n.county, n.agency, n.year, n.position`
)

// The rows of a few counties (CountiesDocs, UpdateAssessment): a county
// and a range of ids bound as parameters are filters DuckDB checks against
// each row group's min/max, where the spans' table joined is a scan of the
// whole table (and of the whole of agencies, the build side of the join).
const (
	// The agency's id in the place of its level, read after by sqlLevelsOf:
	// joined to agencies here, the whole of agencies (60 000 rows at
	// national size) was the join's build side, 3 of the statement's 4 ms.
	sqlSpanReports = `SELECT id, agency, county, year, edition, coalesce(strftime(published_on, '%Y-%m-%d'), ''), coalesce(agency_id, ''), synthetic
FROM reports WHERE county = ? AND year BETWEEN ? AND ? ORDER BY year, agency, id`
	sqlLevelsOf      = `SELECT id, coalesce(level, '') FROM agencies WHERE id IN (SELECT unnest(?::VARCHAR[]))`
	sqlSpanNarrative = `SELECT n.agency, n.county, n.year, n.section, n.body, n.packed FROM narratives n WHERE n.county = ? AND n.year BETWEEN ? AND ? ORDER BY n.agency, n.year, n.position`
	sqlRangeCells    = `SELECT report_id, code, value FROM cells WHERE report_id BETWEEN ? AND ?`
	sqlRangeRaw      = `SELECT report_id, code, coalesce(raw, '') FROM cell_sources WHERE report_id BETWEEN ? AND ? AND NOT regexp_matches(coalesce(raw, ''), '[0-9０-９]')`
)

// maxIDRanges is how many id ranges a read goes by before one scan of
// the table is cheaper; idGap the gap of ids that splits a range. A row
// group of cells (122 880 rows) holds some 600–800 reports: a gap under
// that costs at most the row group the ids share anyway.
const (
	maxIDRanges = 8
	idGap       = 512
)

// idRanges sorts ids into runs [first, last] whose gaps are under idGap:
// a county's reports, stored together at ingest, make one run; the ones
// uploaded later another, at the end.
func idRanges(ids []int64) [][2]int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	var out [][2]int64
	for _, id := range ids {
		if n := len(out); n > 0 && id-out[n-1][1] <= idGap {
			out[n-1][1] = id
			continue
		}
		out = append(out, [2]int64{id, id})
	}
	return out
}

// CountiesDocs is CountyDocs for many counties at once, each over its own
// years: four queries in all however many counties there are (a bulk
// ingest re-checks hundreds). The documents come by county, in the order
// CountyDocs gives them; their Raw holds only the printed texts without a
// digit (the only ones the checks look at).
func (s *Store) CountiesDocs(ctx context.Context, spans []CountySpan) (map[string][]*AssessDoc, error) {
	return countiesDocs(ctx, s.db, spans, len(spans) <= maxIDRanges, nil)
}

// countiesDocs is CountiesDocs read through q; few reads county by county
// and the cells by id range (the re-check after a change: one county or
// two), which DuckDB narrows to a row group or two, where the joins of the
// spans' table read whole tables (the bulk re-check of hundreds of
// counties). known, with few, are documents whose cells and printed texts
// the caller has in memory (the report its transaction just wrote): their
// rows are not read.
func countiesDocs(ctx context.Context, q queryer, spans []CountySpan, few bool, known map[int64]*AssessDoc) (map[string][]*AssessDoc, error) {
	counties := make([]string, len(spans))
	from, to := make([]int32, len(spans)), make([]int32, len(spans))
	for i, sp := range spans {
		counties[i], from[i], to[i] = sp.County, int32(sp.From), int32(sp.To)
	}
	args := []any{counties, from, to}
	out := map[string][]*AssessDoc{}
	byID := map[int64]*AssessDoc{}
	type key struct {
		agency, county string
		year           int
	}
	byKey := map[key]*AssessDoc{}
	d := &AssessDoc{}
	docDest := []any{&d.ID, &d.Agency, &d.County, &d.Year, &d.Edition, &d.PublishedOn, &d.Level, &d.Synthetic}
	doc := func() error {
		if byID[d.ID] == nil {
			cp := *d
			cp.Cells, cp.Raw = map[string]float64{}, map[string]string{}
			out[cp.County] = append(out[cp.County], &cp)
			byID[cp.ID] = &cp
			byKey[key{cp.Agency, cp.County, cp.Year}] = &cp
		}
		return nil
	}
	var id int64
	var code, raw string
	var v float64
	cells := func() error {
		if d := byID[id]; d != nil {
			d.Cells[code] = v
		}
		return nil
	}
	raws := func() error {
		if d := byID[id]; d != nil {
			d.Raw[code] = raw
		}
		return nil
	}
	var k key
	var sec NarrativeSection
	var packed []byte
	narrative := func() error {
		if d := byKey[k]; d != nil {
			body, err := sectionBody(sec.Body, packed)
			if err != nil {
				return fmt.Errorf("%s %d: %w", k.agency, k.year, err)
			}
			sec.Body = body
			d.Sections = append(d.Sections, sec)
		}
		return nil
	}
	narrDest := []any{&k.agency, &k.county, &k.year, &sec.Number, &sec.Body, &packed}
	if !few {
		if err := eachRow(ctx, q, sqlSpansReports, docDest, doc, args...); err != nil {
			return nil, fmt.Errorf("counties: %w", err)
		}
		if err := eachRow(ctx, q, sqlSpansCells, []any{&id, &code, &v}, cells, args...); err != nil {
			return nil, err
		}
		if err := eachRow(ctx, q, sqlSpansRaw, []any{&id, &code, &raw}, raws, args...); err != nil {
			return nil, err
		}
		if err := eachRow(ctx, q, sqlSpansNarrative, narrDest, narrative, args...); err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, sp := range spans {
		if err := eachRow(ctx, q, sqlSpanReports, docDest, doc, sp.County, sp.From, sp.To); err != nil {
			return nil, fmt.Errorf("county %s: %w", sp.County, err)
		}
	}
	if err := levelsOf(ctx, q, byID); err != nil {
		return nil, err
	}
	unread := make([]int64, 0, len(byID))
	for id, d := range byID {
		if k := known[id]; k != nil {
			// An upload's report sits at the end of the ids, away from its
			// county's: reading it would be two more ranges to scan.
			d.Cells, d.Raw = maps.Clone(k.Cells), maps.Clone(k.Raw)
			delete(byID, id)
			continue
		}
		unread = append(unread, id)
	}
	// Rows of other reports in a range are skipped (byID).
	for _, r := range idRanges(unread) {
		if err := eachRow(ctx, q, sqlRangeCells, []any{&id, &code, &v}, cells, r[0], r[1]); err != nil {
			return nil, err
		}
		if err := eachRow(ctx, q, sqlRangeRaw, []any{&id, &code, &raw}, raws, r[0], r[1]); err != nil {
			return nil, err
		}
	}
	for _, sp := range spans {
		if err := eachRow(ctx, q, sqlSpanNarrative, narrDest, narrative, sp.County, sp.From, sp.To); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// levelsOf replaces the agency id each document holds in Level
// (sqlSpanReports) with the agency's level, "" for none, as the join of
// the bulk read gives it.
func levelsOf(ctx context.Context, q queryer, docs map[int64]*AssessDoc) error {
	var ids []string
	for _, d := range docs {
		if d.Level != "" && !slices.Contains(ids, d.Level) {
			ids = append(ids, d.Level)
		}
	}
	levels := map[string]string{}
	if len(ids) > 0 {
		var id, level string
		if err := eachRow(ctx, q, sqlLevelsOf, []any{&id, &level}, func() error {
			levels[id] = level
			return nil
		}, ids); err != nil {
			return fmt.Errorf("agency levels: %w", err)
		}
	}
	for _, d := range docs {
		d.Level = levels[d.Level]
	}
	return nil
}

// Copy is a copying (雷同) finding's evidence.
type Copy struct {
	ReportID    int64    `json:"report_id"`
	Rule        string   `json:"rule"`
	OtherID     int64    `json:"other_report_id"`
	OtherAgency string   `json:"other_agency"`
	OtherYear   int      `json:"other_year"`
	Share       float64  `json:"share"`
	Passages    []string `json:"passages"`
}

// Timely is a report's publication date against its deadline.
type Timely struct {
	ReportID    int64  `json:"report_id"`
	PublishedOn string `json:"published_on"`
	Deadline    string `json:"deadline"`
	DaysLate    int    `json:"days_late"`
}

// CoverageRow is an aggregate cell against its units' sum.
type CoverageRow struct {
	Code      string
	Aggregate float64
	UnitsSum  float64
	Units     int
}

// AssessResult is what the checks found for one report.
type AssessResult struct {
	Findings []report.Finding
	Timely   *Timely
	Copies   []Copy
	Coverage []CoverageRow
}

// ReplaceAssessment writes the checks' results for the given reports in one
// transaction: their findings of the given rules are replaced, as are their
// timeliness, copying evidence and coverage rows. Deletions run once for
// all the reports and the new rows go through DuckDB's Appender (a bulk
// re-check writes tens of thousands; one INSERT each was most of its cost).
func (s *Store) ReplaceAssessment(ctx context.Context, rules []string, results map[int64]AssessResult) error {
	if len(results) == 0 {
		return nil
	}
	return s.writeAppend(ctx, tellReaders, false, func(conn *sql.Conn, w *writer) error {
		ids := make([]int64, 0, len(results))
		for id := range results {
			ids = append(ids, id)
		}
		if _, err := conn.ExecContext(ctx, sqlDeleteAssessFindings, ids, rules); err != nil {
			return fmt.Errorf("assessment findings: %w", err)
		}
		for _, q := range []string{sqlDeleteTimely, sqlDeleteCopies, sqlDeleteCoverage} {
			if _, err := conn.ExecContext(ctx, q, ids); err != nil {
				return fmt.Errorf("assessment evidence: %w", err)
			}
		}
		last := map[int64]int{}
		var lastID int64
		var lastSeq int
		if err := eachRow(ctx, conn, sqlMaxSeqOf, []any{&lastID, &lastSeq}, func() error {
			last[lastID] = lastSeq
			return nil
		}, ids); err != nil {
			return err
		}
		for id, res := range results {
			seq, ok := last[id]
			if !ok {
				seq = -1
			}
			if err := appendAssessment(w, id, res, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// inTransaction is appendThen telling the readers, with the write lock
// already held: the transaction UpdateAssessment hands to updateAssessment
// (a save hands it its own, AssessTx).
func (s *Store) inTransaction(ctx context.Context, write func(conn *sql.Conn, w *writer) error) error {
	return s.appendThen(ctx, tellReaders, false, write)
}

// appendAssessment appends one report's results: its findings numbered
// after last (the highest seq of its findings that stay, -1 for none),
// its timeliness, copying evidence and coverage rows.
func appendAssessment(w *writer, id int64, res AssessResult, last int) error {
	seq := last
	for _, f := range res.Findings {
		seq++
		cells := make([]any, len(f.Cells))
		for j, c := range f.Cells {
			cells[j] = c
		}
		if err := w.appendRow("findings", id, int32(seq), f.Rule, f.Severity, cells, f.Message); err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
	}
	if t := res.Timely; t != nil {
		pub, err := time.Parse(time.DateOnly, t.PublishedOn)
		if err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
		due, err := time.Parse(time.DateOnly, t.Deadline)
		if err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
		if err := w.appendRow("assess_timeliness", id, pub, due, int32(t.DaysLate)); err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
	}
	for _, c := range res.Copies {
		passages, err := json.Marshal(c.Passages)
		if err != nil {
			return err
		}
		if err := w.appendRow("assess_copies", id, c.Rule, c.OtherID, c.Share, string(passages)); err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
	}
	for _, c := range res.Coverage {
		if err := w.appendRow("assess_coverage", id, c.Code, c.Aggregate, c.UnitsSum, int32(c.Units)); err != nil {
			return fmt.Errorf("assessment of report %d: %w", id, err)
		}
	}
	return nil
}

// ReportKey reads a report's identity.
func (s *Store) ReportKey(ctx context.Context, id int64) (agency, county string, year int, err error) {
	who, err := s.identity(ctx, s.db, id)
	return who.agency, who.county, who.year, err
}

// StoredFinding is a finding with its report and place.
type StoredFinding struct {
	ReportID int64
	Seq      int
	report.Finding
}

// CountyFindings reads the findings of a county's reports of a year with
// their review state.
func (s *Store) CountyFindings(ctx context.Context, county string, year int) ([]StoredFinding, error) {
	rows, err := s.db.QueryContext(ctx, sqlCountyFindings, county, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredFinding
	for rows.Next() {
		var f StoredFinding
		var cells duckdb.Composite[[]string]
		if err := rows.Scan(&f.ReportID, &f.Seq, &f.Rule, &f.Severity, &cells, &f.Message, &f.Review); err != nil {
			return nil, err
		}
		f.Cells = cells.Get()
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindingsOf reads the findings of the given reports with their review
// state (the assessment's reports: the filing list's, whatever county
// string they were stored under).
func (s *Store) FindingsOf(ctx context.Context, ids []int64) ([]StoredFinding, error) {
	var out []StoredFinding
	var f StoredFinding
	var cells duckdb.Composite[[]string]
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	dest := []any{&f.ReportID, &f.Seq, &f.Rule, &f.Severity, &cells, &f.Message, &f.Review}
	each := func() error {
		f.Cells = cells.Get()
		if f.Cells == nil {
			f.Cells = []string{}
		}
		if want[f.ReportID] {
			out = append(out, f)
		}
		// The next row's scan decodes into the slice cells holds: a fresh
		// one, or every finding read so far would share (and show) the
		// last row's cells.
		cells = duckdb.Composite[[]string]{}
		return nil
	}
	if ranges := idRanges(ids); len(ranges) <= maxIDRanges {
		// A few reports (an upload's answer): by id range, ascending, so
		// the rows come in the list's order all the same.
		for _, r := range ranges {
			if err := eachRow(ctx, s.db, sqlFindingsOfRange, dest, each, r[0], r[1]); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	err := eachRow(ctx, s.db, sqlFindingsOf, dest, each, ids)
	return out, err
}

// CellsOf reads some cells of the given reports: report id → code → value.
func (s *Store) CellsOf(ctx context.Context, ids []int64, codes []string) (map[int64]map[string]float64, error) {
	out := map[int64]map[string]float64{}
	var id int64
	var code string
	var v float64
	err := eachRow(ctx, s.db, sqlCellsOf, []any{&id, &code, &v}, func() error {
		if out[id] == nil {
			out[id] = map[string]float64{}
		}
		out[id][code] = v
		return nil
	}, ids, codes)
	return out, err
}

// CountyCopies reads the copying evidence of a county's reports of a year.
func (s *Store) CountyCopies(ctx context.Context, county string, year int) ([]Copy, error) {
	rows, err := s.db.QueryContext(ctx, sqlCopiesOf, county, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Copy
	for rows.Next() {
		var c Copy
		var p string
		if err := rows.Scan(&c.ReportID, &c.Rule, &c.OtherID, &c.OtherAgency, &c.OtherYear, &c.Share, &p); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(p), &c.Passages); err != nil {
			return nil, fmt.Errorf("copy evidence of report %d: %w", c.ReportID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountyTimeliness reads the publication dates against deadlines of a
// county's reports of a year.
func (s *Store) CountyTimeliness(ctx context.Context, county string, year int) (map[int64]Timely, error) {
	rows, err := s.db.QueryContext(ctx, sqlTimelyOf, county, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Timely{}
	for rows.Next() {
		var t Timely
		if err := rows.Scan(&t.ReportID, &t.PublishedOn, &t.Deadline, &t.DaysLate); err != nil {
			return nil, err
		}
		out[t.ReportID] = t
	}
	return out, rows.Err()
}

// Coverage reads an aggregate report's cells against its units' sums.
func (s *Store) Coverage(ctx context.Context, id int64) ([]CoverageRow, error) {
	rows, err := s.db.QueryContext(ctx, sqlCoverageOf, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CoverageRow
	for rows.Next() {
		var c CoverageRow
		if err := rows.Scan(&c.Code, &c.Aggregate, &c.UnitsSum, &c.Units); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountyYears lists the county and year pairs with stored reports.
func (s *Store) CountyYears(ctx context.Context) ([][2]any, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT county, year FROM reports ORDER BY county, year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]any
	for rows.Next() {
		var c string
		var y int
		if err := rows.Scan(&c, &y); err != nil {
			return nil, err
		}
		out = append(out, [2]any{c, y})
	}
	return out, rows.Err()
}
