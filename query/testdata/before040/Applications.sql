-- Table 3 intake per group: new and carried-over applications, new ones by
-- applicant type, and what was carried forward. A report with no table-3
-- cell (the table was not read) has not reported these figures: it is not
-- counted in reports but in without_table3, and a group made only of such
-- reports has no row, rather than a row of zeros.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't3.%') AS reports,
       count(DISTINCT r.id) - count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't3.%') AS without_table3,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.total'), 0)          AS new_total,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.carried_over.total'), 0) AS carried_over,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.carry_forward.total'), 0) AS carry_forward,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.natural'), 0)    AS natural,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.commercial'), 0) AS commercial,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.research'), 0)   AS research,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.social'), 0)     AS social,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.legal'), 0)      AS legal,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.new.other_org'), 0)  AS other_org
FROM reports r
LEFT JOIN cells c ON c.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
HAVING count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't3.%') > 0
ORDER BY grp_county, grp
