-- Every county that has reports, placed in the registry's province and
-- city, with its years, report count and whether any is generated sample data: what the entry page's pickers and
-- /api/v1/places browse and search. A report whose agency the registry
-- does not place takes the province and city of the other reports of the
-- same county name when they name exactly one; otherwise it stays under ''.
WITH per AS (
    SELECT r.county, coalesce(a.province, '') AS province, coalesce(a.city, '') AS city, r.year, r.synthetic
    FROM reports r
    LEFT JOIN agencies a ON a.id = r.agency_id
    WHERE r.county <> ''
),
placed AS (
    SELECT county, any_value(province) AS province, any_value(city) AS city
    FROM (SELECT DISTINCT county, province, city FROM per WHERE province <> '')
    GROUP BY county
    HAVING count(*) = 1
)
SELECT coalesce(pl.province, p.province) AS province, coalesce(pl.city, p.city) AS city, p.county,
       list(DISTINCT p.year ORDER BY p.year DESC) AS years, count(*) AS reports,
       bool_or(p.synthetic) AS synthetic
FROM per p
LEFT JOIN placed pl ON pl.county = p.county AND p.province = ''
GROUP BY ALL
ORDER BY province, city, p.county
