-- The stored score sheet that applies to a county (the reports' county
-- name, ?1..?3 all that name): one assigned to the county itself, by its
-- name or its GB/T 2260 code, before one assigned to its city. The codes
-- come from the county's reports' agencies, else from the registry's
-- places of that name.
WITH codes AS (
    SELECT a.county_code, a.city_code, a.city, 0 AS pri
    FROM reports r JOIN agencies a ON a.id = r.agency_id
    WHERE r.county = ? AND a.county_code <> ''
    UNION ALL
    SELECT county_code, city_code, city, 1 AS pri
    FROM agencies
    WHERE county = ? AND county_code <> '' AND merged_into IS NULL
),
place AS (
    SELECT county_code, city_code, city FROM codes
    GROUP BY ALL ORDER BY min(pri), count(*) DESC, county_code LIMIT 1
)
SELECT s.name, s.body, s.sha, s.created_by, s.created_at, x.place, x.set_by, x.set_at
FROM sheet_assignments x
JOIN sheets s ON s.name = x.sheet_name
LEFT JOIN place p ON true
WHERE x.place = ? OR x.place = p.county_code OR x.place = p.city_code OR x.place = p.city
ORDER BY CASE WHEN x.place = p.city_code OR x.place = p.city THEN 1 ELSE 0 END
LIMIT 1
