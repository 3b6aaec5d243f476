-- Table 4 per group: the fifteen cells summed.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(DISTINCT r.id) AS reports,
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
ORDER BY grp_county, grp
