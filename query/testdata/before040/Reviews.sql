-- Table 4 per group: the fifteen cells summed. A report with no table-4
-- cell (the table was not read) is left out of reports and counted in
-- without_table4; a group made only of such reports has no row.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't4.%') AS reports,
       count(DISTINCT r.id) - count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't4.%') AS without_table4,
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.upheld'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.corrected'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.other'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.pending'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.total'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.upheld'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.corrected'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.other'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.pending'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.total'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.upheld'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.corrected'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.other'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.pending'), 0),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.total'), 0)
FROM reports r
LEFT JOIN cells c ON c.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
HAVING count(DISTINCT r.id) FILTER (WHERE c.code LIKE 't4.%') > 0
ORDER BY grp_county, grp
