-- Every report with what a county filter selects it by: its county name
-- (r.county = ?), its agency's county code in the registry (the code
-- form) and its agency's registry level (the level filter), '' where the
-- registry does not hold the agency. Read once per data generation
-- (query/countysel.go) so that a county-scoped statement selects its
-- reports by id: the code form's semi-join on agencies read the
-- agency_id of all 200 000 reports in every statement (10 ms each).
SELECT r.id, r.year, r.county, coalesce(a.county_code, '') AS county_code, coalesce(a.level, '') AS level
FROM reports r
LEFT JOIN agencies a ON a.id = r.agency_id -- agencies.id is the key: one row at most
ORDER BY r.id
