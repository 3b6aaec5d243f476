-- The groups a filter and grouping produce, with their report counts.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, count(*) AS reports
FROM reports r
WHERE /*filter*/
GROUP BY grp, grp_county
ORDER BY grp_county, grp
