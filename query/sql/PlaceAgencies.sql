-- Agencies with reports whose name contains the search text (a plain
-- substring, no wildcards), shortest names first, with county and years.
SELECT r.agency, r.county, list(DISTINCT r.year ORDER BY r.year DESC) AS years, count(*) AS reports
FROM reports r
WHERE contains(r.agency, ?)
GROUP BY r.agency, r.county
ORDER BY length(r.agency), r.agency, r.county
LIMIT ?
