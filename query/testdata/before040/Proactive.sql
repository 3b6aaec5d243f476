-- Table 2 per group and edition: the two editions print different rows, so
-- their sums are never mixed. Reports counts every report of the group and
-- edition; a code no such report prints is absent.
WITH n AS (
    SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, r.edition, count(*) AS reports
    FROM reports r
    WHERE /*filter*/
    GROUP BY grp, grp_county, r.edition
), s AS (
    SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, r.edition, c.code, sum(c.value) AS total
    FROM reports r
    JOIN cells c ON c.report_id = r.id
    WHERE /*filter*/ AND c.code LIKE 't2.%'
    GROUP BY grp, grp_county, r.edition, c.code
)
SELECT n.grp, n.grp_county, n.edition, n.reports, s.code, s.total
FROM n
LEFT JOIN s ON s.grp = n.grp AND s.grp_county = n.grp_county AND s.edition = n.edition
ORDER BY n.grp_county, n.grp, n.edition
