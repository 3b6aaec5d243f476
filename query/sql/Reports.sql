-- One line per report with its finding counts and its agency in the
-- registry (id, division code, level), newest year first. The findings
-- are counted for the selected reports only (counted, findings_sel): the
-- view findings_reviewed joins every finding to every report first.
WITH sel AS (
    SELECT r.* FROM reports r WHERE /*filter*/
), counted AS (
    SELECT f.report_id,
           count(f.rule) FILTER (WHERE f.severity = 'error')   AS errors,
           count(f.rule) FILTER (WHERE f.severity = 'warning') AS warnings,
           count(f.rule) FILTER (WHERE f.severity = 'info')    AS infos
    FROM /*findings_sel*/ f
    GROUP BY f.report_id
)
SELECT r.id, r.agency, r.county, r.year, r.edition, r.format, r.source_file,
       coalesce(strftime(r.published_on, '%Y-%m-%d'), '') AS published_on,
       r.synthetic, r.ingested_at,
       coalesce(c.errors, 0) AS errors, coalesce(c.warnings, 0) AS warnings, coalesce(c.infos, 0) AS infos,
       coalesce(r.agency_id, '') AS agency_id,
       coalesce(a.code, '') AS division_code, coalesce(a.level, '') AS level
FROM sel r
LEFT JOIN counted c ON c.report_id = r.id
-- agencies.id is the key: one row at most. Only the selected reports'
-- agencies are read: joined whole, DuckDB hashed all 60 000 of them for a
-- county's 80 reports (a third of the statement).
LEFT JOIN (SELECT id, code, level FROM agencies WHERE id IN (SELECT agency_id FROM sel)) a ON a.id = r.agency_id
ORDER BY r.year DESC, r.county, r.agency, r.id
/*limit*/
