-- One line per report with its finding counts and its agency in the
-- registry (id, division code, level), newest year first.
SELECT r.id, r.agency, r.county, r.year, r.edition, r.format, r.source_file,
       coalesce(strftime(r.published_on, '%Y-%m-%d'), '') AS published_on,
       r.synthetic, r.ingested_at,
       count(f.rule) FILTER (WHERE f.severity = 'error')   AS errors,
       count(f.rule) FILTER (WHERE f.severity = 'warning') AS warnings,
       count(f.rule) FILTER (WHERE f.severity = 'info')    AS infos,
       coalesce(r.agency_id, '') AS agency_id,
       coalesce(any_value(a.code), '') AS division_code, coalesce(any_value(a.level), '') AS level
FROM reports r
LEFT JOIN /*findings*/ f ON f.report_id = r.id
LEFT JOIN agencies a ON a.id = r.agency_id
WHERE /*filter*/
GROUP BY r.id, r.agency, r.county, r.year, r.edition, r.format, r.source_file,
         r.published_on, r.synthetic, r.ingested_at, r.agency_id
ORDER BY r.year DESC, r.county, r.agency, r.id
/*limit*/
