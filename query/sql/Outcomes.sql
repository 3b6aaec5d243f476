-- Table 3 outcomes (the 总计 column) per group. The 2021 edition prints
-- （六）其他处理 as three sub-rows: a report without the derived row
-- t3.other.total counts the sum of its sub-rows (t3_other_total holds
-- that choice per report). A report with no table-3 cell (the table was
-- not read) is not counted in reports but in without_table3; a group made
-- only of such reports has no row. Figures: report_figures (migration 040).
-- The sums and the condition of HAVING are marked as parts (sums, kept):
-- the county page's one statement, CountyFigures.sql, reads them from here.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
/*sums*/
       count(*) FILTER (WHERE f.has_t3) AS reports,
       count(*) FILTER (WHERE NOT f.has_t3) AS without_table3,
       coalesce(sum(f.t3_total_total), 0), coalesce(sum(f.t3_granted_total), 0), coalesce(sum(f.t3_partial_total), 0),
       coalesce(sum(f.t3_denied_state_secret_total), 0),
       coalesce(sum(f.t3_denied_law_prohibited_total), 0),
       coalesce(sum(f.t3_denied_security_stability_total), 0),
       coalesce(sum(f.t3_denied_third_party_total), 0),
       coalesce(sum(f.t3_denied_internal_affairs_total), 0),
       coalesce(sum(f.t3_denied_process_info_total), 0),
       coalesce(sum(f.t3_denied_enforcement_file_total), 0),
       coalesce(sum(f.t3_denied_inquiry_total), 0),
       coalesce(sum(f.t3_unavailable_sum), 0),
       coalesce(sum(f.t3_not_processed_sum), 0),
       coalesce(sum(f.t3_other_total), 0)
/*end sums*/
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
HAVING /*kept*/count(*) FILTER (WHERE f.has_t3) > 0/*end kept*/
ORDER BY grp_county, grp
