-- The registry county of a shared county name with most reports in a
-- year: the code the routes then ask for, since a name several places
-- share is refused (store.Unambiguous).
SELECT a.county_code
FROM reports r
JOIN agencies a ON a.id = r.agency_id
WHERE r.year = ? AND r.county = ? AND a.county_code <> ''
GROUP BY a.county_code
ORDER BY count(*) DESC, a.county_code
LIMIT 1
