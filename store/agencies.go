package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/registry"
)

// Agency is a row of the agencies table.
type Agency struct {
	registry.Place
	Registered bool   `json:"registered"`
	Reason     string `json:"reason,omitempty"`
	MergedInto string `json:"merged_into,omitempty"`
	Reports    int    `json:"reports"`
}

// ErrConflict is a change that would put two reports on one agency and year.
var ErrConflict = errors.New("conflict")

const (
	sqlCountGB       = `SELECT count(*) FROM agencies WHERE source = 'gbt2260'`
	sqlAgencyExists  = `SELECT count(*) FROM agencies WHERE id = ?`
	sqlInsertAgency  = `INSERT INTO agencies (id, code, name, short_name, level, county_code, county, city_code, city, province_code, province, source, registered, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlUpdateAgency  = `UPDATE agencies SET code = ?, name = ?, short_name = ?, level = ?, county_code = ?, county = ?, city_code = ?, city = ?, province_code = ?, province = ?, source = ?, registered = ?, reason = NULL WHERE id = ?`
	sqlInsertAlias   = `INSERT INTO agency_aliases (agency_id, alias, effective_on, note) VALUES (?, ?, ?, ?)`
	sqlImportedUnits = `SELECT id, coalesce(code, ''), name, short_name, level, county_code, county, city_code, city, province_code, province, source FROM agencies WHERE source = 'import' AND merged_into IS NULL`
	sqlAllAliases    = `SELECT agency_id, alias, coalesce(strftime(effective_on, '%Y-%m-%d'), ''), coalesce(note, '') FROM agency_aliases`
	sqlAgencyByID    = `SELECT a.id, coalesce(a.code, ''), a.name, a.short_name, a.level, a.county_code, a.county, a.city_code, a.city, a.province_code, a.province, a.source, a.registered, coalesce(a.reason, ''), coalesce(a.merged_into, ''),
       (SELECT count(*) FROM reports r WHERE r.agency_id = a.id)
FROM agencies a WHERE a.id = ?`
	sqlListAgencies = `SELECT a.id, coalesce(a.code, ''), a.name, a.short_name, a.level, a.county_code, a.county, a.city_code, a.city, a.province_code, a.province, a.source, a.registered, coalesce(a.reason, ''), coalesce(a.merged_into, ''),
       (SELECT count(*) FROM reports r WHERE r.agency_id = a.id) AS n
FROM agencies a
WHERE (? = '' OR a.county_code = ? OR a.county = ?)
  AND (? = '' OR a.level = ?)
  AND (NOT ? OR NOT a.registered)
  AND (NOT ? OR a.id IN (SELECT agency_id FROM reports WHERE agency_id IS NOT NULL))
  AND a.merged_into IS NULL
ORDER BY a.province_code, a.city_code, a.county_code, coalesce(a.code, ''), a.name
LIMIT ?`
)

// ensureRegistry loads the GB/T 2260 places into the agencies table the
// first time a database needs them (about 44 000 rows through the
// Appender, well under a second). Callers hold s.write.
func (s *Store) ensureRegistry(ctx context.Context) error {
	if s.registryLoaded {
		return nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, sqlCountGB).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		reg, err := registry.Default()
		if err != nil {
			return err
		}
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		err = conn.Raw(func(dc any) error {
			a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "agencies")
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			for _, p := range reg.Places() {
				if err := a.AppendRow(p.ID, p.Code, p.Name, p.Short, string(p.Level), p.CountyCode, p.County, p.CityCode, p.City,
					p.ProvinceCode, p.Province, p.Source, true, nil, nil, now); err != nil {
					a.Close()
					return err
				}
			}
			return a.Close()
		})
		if err != nil {
			return fmt.Errorf("load registry: %w", err)
		}
		for _, al := range reg.Aliases() {
			if _, err := s.db.ExecContext(ctx, sqlInsertAlias, al.ID, al.Name, nullStr(al.EffectiveOn), al.Note); err != nil {
				return err
			}
		}
		// A bulk load of its own: not left for a replay (see create).
		if err := s.checkpoint(ctx); err != nil {
			return err
		}
	}
	s.registryLoaded = true
	return nil
}

// EnsureRegistry loads the national registry into the database if it is
// not there yet.
func (s *Store) EnsureRegistry(ctx context.Context) error {
	s.write.Lock()
	defer s.write.Unlock()
	return s.ensureRegistry(ctx)
}

// Registry is the national registry with the units and aliases this
// database holds, rebuilt after each import or merge.
func (s *Store) Registry(ctx context.Context) (*registry.Registry, error) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.reg != nil {
		return s.reg, nil
	}
	base, err := registry.Default()
	if err != nil {
		return nil, err
	}
	reg := base.Clone()
	rows, err := s.db.QueryContext(ctx, sqlImportedUnits)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &registry.Place{}
		var level string
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Short, &level, &p.CountyCode, &p.County, &p.CityCode, &p.City, &p.ProvinceCode, &p.Province, &p.Source); err != nil {
			rows.Close()
			return nil, err
		}
		p.Level = registry.Level(level)
		reg.Add(p)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, sqlAllAliases)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a registry.Alias
		if err := rows.Scan(&a.ID, &a.Name, &a.EffectiveOn, &a.Note); err != nil {
			return nil, err
		}
		reg.AddAlias(a) // an alias of a merged-away agency is moved, never dangling; ignore if absent
	}
	s.reg = reg
	return reg, rows.Err()
}

func (s *Store) forgetRegistry() {
	s.regMu.Lock()
	s.reg = nil
	s.merged = nil
	s.regMu.Unlock()
}

// isMerged tells whether an agency was merged into another.
func (s *Store) isMerged(ctx context.Context, id string) (bool, error) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.merged == nil {
		m := map[string]bool{}
		if err := scanStrings(ctx, s.db, sqlBatchMerged, func(v []string) { m[v[0]] = true }); err != nil {
			return false, err
		}
		s.merged = m
	}
	return s.merged[id], nil
}

// resolved is the agency a report is stored under.
type resolved struct {
	id, county, countyCode string
	registered             bool
}

// identify tells which agency a report is for without writing anything:
// the registry entry, or the unregistered agency (with its stable id) a
// person will map. A synthetic report (示例数据) that names a registry
// place exactly, county and name — the sample corpus on real towns — is
// stored under that place, so the filing list counts it where it belongs
// instead of listing the town missing beside a 示例数据 twin; the mark
// lives on the report (reports.synthetic), which every page showing it
// reads. Any other synthetic report is a 示例数据 agency of its own: a
// made-up name is never matched to a real office by a near miss.
func (s *Store) identify(ctx context.Context, name, county, code string, synthetic bool) (p registry.Place, registered bool, reason string, err error) {
	reg, err := s.Registry(ctx)
	if err != nil {
		return p, false, "", err
	}
	if synthetic {
		p = registry.Place{Name: name, Short: registry.Short(name), Level: registry.GuessLevel(name), County: county, Source: "synthetic"}
		key := county
		// A 示例数据 agency set in a real county (the national corpus) is
		// placed in it — county, city and province — so it is grouped and
		// picked like any other, and keyed by the county's code so that two
		// counties of one name stay apart.
		if c := reg.Resolve(registry.Query{Code: code, County: county}).County; c != nil {
			// Exactly the registry's place of that county and name: filed
			// under it (a 凤塘镇 of a made-up 样例县 is not some real
			// county's 凤塘镇, a near name is not the place).
			if stated := strings.TrimSpace(county); code != "" || c.Name == stated || c.Code == stated {
				for _, x := range append(reg.Named(name), reg.Named(registry.Short(name))...) {
					if x.Name == name && x.CountyCode == c.Code && x.ID != c.ID {
						return *x, true, "", nil
					}
				}
			}
			p.CountyCode, p.County, p.CityCode, p.City, p.ProvinceCode, p.Province = c.Code, c.Name, c.CityCode, c.City, c.ProvinceCode, c.Province
			key = c.Code
		}
		p.ID = registry.UnitID("s", key, p.Short)
		return p, false, "示例数据", nil
	}
	m := reg.Resolve(registry.Query{Code: code, Name: name, County: county})
	if m.Place != nil {
		return *m.Place, true, "", nil
	}
	p = registry.Place{Name: name, Short: registry.Short(name), Level: registry.GuessLevel(name), Source: "ingest"}
	if c := m.County; c != nil {
		p.CountyCode, p.County, p.CityCode, p.City, p.ProvinceCode, p.Province = c.Code, c.Name, c.CityCode, c.City, c.ProvinceCode, c.Province
		p.ID = registry.UnitID("x", c.Code, p.Short)
	} else {
		p.County = strings.TrimSpace(county)
		p.ID = registry.UnitID("x", p.County, p.Short)
	}
	return p, false, m.Reason, nil
}

// ResolveAgency tells the id of the agency a report would be stored under,
// and whether it is a registry entry (for batch checks before storing).
func (s *Store) ResolveAgency(ctx context.Context, name, county, code string, synthetic bool) (string, bool, error) {
	p, ok, _, err := s.identify(ctx, name, county, code, synthetic)
	if err != nil {
		return "", false, err
	}
	if merged, err := s.isMerged(ctx, p.ID); err != nil || !merged {
		return p.ID, ok, err
	}
	id, _, err := followMerge(ctx, s.db, p.ID)
	if id != p.ID {
		ok = true
	}
	return id, ok, err
}

// resolveAgency is identify, writing the agency row when it is new.
func (s *Store) resolveAgency(ctx context.Context, q queryer, name, county, code string, synthetic bool) (resolved, error) {
	p, registered, reason, err := s.identify(ctx, name, county, code, synthetic)
	if err != nil {
		return resolved{}, err
	}
	if !registered {
		if err := s.insertAgency(ctx, q, p, false, reason); err != nil {
			return resolved{}, err
		}
		if synthetic && county != "" && p.CountyCode == "" {
			// The synthetic county itself, so the county page has an entry
			// (a real county has its registry entry).
			c := registry.Place{Name: county, Short: county, Level: registry.County, County: county, Source: "synthetic"}
			c.ID = registry.UnitID("s", county, county)
			if err := s.insertAgency(ctx, q, c, false, "示例数据"); err != nil {
				return resolved{}, err
			}
		}
	}
	r := resolved{id: p.ID, county: p.County, countyCode: p.CountyCode, registered: registered}
	if w, ok := q.(*writer); ok && w.merged != nil && !w.merged[p.ID] {
		// The batch's list of merged agencies does not hold it.
		return r, nil
	}
	// An agency a person merged into another lands on that one.
	id, county, err := followMerge(ctx, q, p.ID)
	if err != nil {
		return r, err
	}
	if id != p.ID {
		r.id, r.registered = id, true
		if county != "" {
			r.county = county
		}
	}
	return r, nil
}

func (s *Store) insertAgency(ctx context.Context, q queryer, p registry.Place, registered bool, reason string) error {
	if w, ok := q.(*writer); ok && w.agencies != nil {
		// A batch knows which unregistered agencies exist.
		if w.agencies[p.ID] {
			return nil
		}
		w.agencies[p.ID] = true
		if w.stmts != nil {
			// In a batch the row goes through the Appender: nothing in the
			// batch reads a new agency back before a flush (see saveIn).
			return w.appendRow("agencies", p.ID, nullStr(p.Code), p.Name, p.Short, string(p.Level), p.CountyCode, p.County,
				p.CityCode, p.City, p.ProvinceCode, p.Province, p.Source, registered, nullStr(reason), nil, time.Now().UTC())
		}
	} else {
		var n int
		if err := q.QueryRowContext(ctx, sqlAgencyExists, p.ID).Scan(&n); err != nil || n > 0 {
			return err
		}
	}
	_, err := q.ExecContext(ctx, sqlInsertAgency, p.ID, nullStr(p.Code), p.Name, p.Short, string(p.Level), p.CountyCode, p.County,
		p.CityCode, p.City, p.ProvinceCode, p.Province, p.Source, registered, nullStr(reason))
	return err
}

// ImportUnits adds (or updates) a county's departments and units with
// their aliases, in one transaction, audited.
func (s *Store) ImportUnits(ctx context.Context, file string, units []registry.Unit, author string) (int, error) {
	err := s.writeTx(ctx, newRegistry, s.ensureRegistry, func(tx *sql.Tx) error {
		now := time.Now().UTC()
		for _, u := range units {
			p := u.Place
			var n int
			var err error
			if err := tx.QueryRowContext(ctx, sqlAgencyExists, p.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				_, err = tx.ExecContext(ctx, sqlUpdateAgency, nullStr(p.Code), p.Name, p.Short, string(p.Level), p.CountyCode, p.County, p.CityCode, p.City, p.ProvinceCode, p.Province, p.Source, true, p.ID)
			} else {
				err = s.insertAgency(ctx, tx, p, true, "")
			}
			if err != nil {
				return fmt.Errorf("%s: %w", p.Name, err)
			}
			for _, a := range u.Aliases {
				if _, err := tx.ExecContext(ctx, sqlInsertAlias, a.ID, a.Name, nullStr(a.EffectiveOn), a.Note); err != nil {
					return fmt.Errorf("%s 别名 %s: %w", p.Name, a.Name, err)
				}
			}
		}
		county := ""
		if len(units) > 0 {
			county = units[0].Place.County
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "registry-import", "", county, 0, file, "", fmt.Sprintf("%d", len(units)), ""); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(units), nil
}

// AgencyFilter selects agencies.
type AgencyFilter struct {
	County       string // code or name
	Level        string
	Unregistered bool // only those ingest could not resolve
	WithReports  bool
	Limit        int
}

// Agencies lists agencies (not merged away).
func (s *Store) Agencies(ctx context.Context, f AgencyFilter) ([]Agency, error) {
	if f.Limit <= 0 {
		f.Limit = 5000
	}
	rows, err := s.db.QueryContext(ctx, sqlListAgencies, f.County, f.County, f.County, f.Level, f.Level, f.Unregistered, f.WithReports, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Agency{}
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAgency reads one agency.
func (s *Store) GetAgency(ctx context.Context, id string) (Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, sqlAgencyByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency %s: %w", id, ErrNotFound)
	}
	return a, err
}

type scanner interface{ Scan(dest ...any) error }

func scanAgency(r scanner) (Agency, error) {
	var a Agency
	var level string
	err := r.Scan(&a.ID, &a.Code, &a.Name, &a.Short, &level, &a.CountyCode, &a.County, &a.CityCode, &a.City, &a.ProvinceCode, &a.Province,
		&a.Source, &a.Registered, &a.Reason, &a.MergedInto, &a.Reports)
	a.Level = registry.Level(level)
	return a, err
}

func nullStr(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

const (
	sqlLegacyCount   = `SELECT count(*) FROM reports WHERE agency_id IS NULL`
	sqlLegacyReports = `SELECT id, agency, county, year, synthetic FROM reports WHERE agency_id IS NULL ORDER BY id`
	sqlHeldBy        = `SELECT count(*) FROM reports WHERE agency_id = ? AND year = ?`
)

// backfillAgencies gives the reports of a database made before the
// registry their agency ids, so filters, filing and links work on it at
// once. A report whose agency and year another report already holds (two
// spellings of one town) keeps no id until a person merges or fixes it.
func (s *Store) backfillAgencies(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, sqlLegacyCount).Scan(&n); err != nil || n == 0 {
		return err
	}
	s.write.Lock()
	defer s.write.Unlock()
	if err := s.ensureRegistry(ctx); err != nil {
		return err
	}
	type legacy struct {
		id             int64
		agency, county string
		year           int
		synthetic      bool
	}
	rows, err := s.db.QueryContext(ctx, sqlLegacyReports)
	if err != nil {
		return err
	}
	var list []legacy
	for rows.Next() {
		var l legacy
		if err := rows.Scan(&l.id, &l.agency, &l.county, &l.year, &l.synthetic); err != nil {
			rows.Close()
			return err
		}
		list = append(list, l)
	}
	rows.Close()
	for _, l := range list {
		ag, err := s.resolveAgency(ctx, s.db, l.agency, l.county, "", l.synthetic)
		if err != nil {
			return err
		}
		var held int
		if err := s.db.QueryRowContext(ctx, sqlHeldBy, ag.id, l.year).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			continue
		}
		if _, err := s.db.ExecContext(ctx, sqlSetAgencyID, ag.id, l.id); err != nil {
			return err
		}
		if l.county == "" && ag.county != "" {
			// The registry knows the county: the report no longer shows blank.
			if _, err := s.db.ExecContext(ctx, sqlAdopt, ag.id, ag.county, l.id); err != nil {
				return err
			}
			for _, q := range []string{sqlMoveCorr, sqlMoveReviews} {
				if _, err := s.db.ExecContext(ctx, q, l.agency, ag.county, l.year, l.agency, l.county, l.year); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
