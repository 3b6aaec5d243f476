-- Table 3 intake per group: new and carried-over applications, new ones by
-- applicant type, and what was carried forward. A report with no table-3
-- cell (the table was not read) has not reported these figures: it is not
-- counted in reports but in without_table3, and a group made only of such
-- reports has no row, rather than a row of zeros. The figures are the
-- report's current cells, kept per report in report_figures (migration 040).
-- The sums and the condition of HAVING are marked as parts (sums, kept):
-- the county page's one statement, CountyFigures.sql, reads them from here.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
/*sums*/
       count(*) FILTER (WHERE f.has_t3) AS reports,
       count(*) FILTER (WHERE NOT f.has_t3) AS without_table3,
       coalesce(sum(f.t3_new_total), 0)           AS new_total,
       coalesce(sum(f.t3_carried_over_total), 0)  AS carried_over,
       coalesce(sum(f.t3_carry_forward_total), 0) AS carry_forward,
       coalesce(sum(f.t3_new_natural), 0)    AS natural,
       coalesce(sum(f.t3_new_commercial), 0) AS commercial,
       coalesce(sum(f.t3_new_research), 0)   AS research,
       coalesce(sum(f.t3_new_social), 0)     AS social,
       coalesce(sum(f.t3_new_legal), 0)      AS legal,
       coalesce(sum(f.t3_new_other_org), 0)  AS other_org
/*end sums*/
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
HAVING /*kept*/count(*) FILTER (WHERE f.has_t3) > 0/*end kept*/
ORDER BY grp_county, grp
