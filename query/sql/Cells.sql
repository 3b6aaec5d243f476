-- Sum of each requested code per group, over the reports that print it.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, c.code, sum(c.value) AS total
FROM reports r
JOIN cells c ON c.report_id = r.id
WHERE /*filter*/ AND c.code IN (/*codes*/)
GROUP BY grp, grp_county, c.code
