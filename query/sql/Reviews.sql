-- Table 4 per group: the fifteen cells summed. A report with no table-4
-- cell (the table was not read) is left out of reports and counted in
-- without_table4; a group made only of such reports has no row. Figures:
-- report_figures (migration 040).
-- The sums and the condition of HAVING are marked as parts (sums, kept):
-- the county page's one statement, CountyFigures.sql, reads them from here.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
/*sums*/
       count(*) FILTER (WHERE f.has_t4) AS reports,
       count(*) FILTER (WHERE NOT f.has_t4) AS without_table4,
       coalesce(sum(f.t4_reconsideration_upheld), 0),
       coalesce(sum(f.t4_reconsideration_corrected), 0),
       coalesce(sum(f.t4_reconsideration_other), 0),
       coalesce(sum(f.t4_reconsideration_pending), 0),
       coalesce(sum(f.t4_reconsideration_total), 0),
       coalesce(sum(f.t4_litigation_direct_upheld), 0),
       coalesce(sum(f.t4_litigation_direct_corrected), 0),
       coalesce(sum(f.t4_litigation_direct_other), 0),
       coalesce(sum(f.t4_litigation_direct_pending), 0),
       coalesce(sum(f.t4_litigation_direct_total), 0),
       coalesce(sum(f.t4_litigation_after_upheld), 0),
       coalesce(sum(f.t4_litigation_after_corrected), 0),
       coalesce(sum(f.t4_litigation_after_other), 0),
       coalesce(sum(f.t4_litigation_after_pending), 0),
       coalesce(sum(f.t4_litigation_after_total), 0)
/*end sums*/
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
HAVING /*kept*/count(*) FILTER (WHERE f.has_t4) > 0/*end kept*/
ORDER BY grp_county, grp
