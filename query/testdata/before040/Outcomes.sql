-- Table 3 outcomes (the 总计 column) per group. The 2021 edition prints
-- （六）其他处理 as three sub-rows: a report without the derived row
-- t3.other.total counts the sum of its sub-rows. A report with no table-3
-- cell (the table was not read) is not counted in reports but in
-- without_table3; a group made only of such reports has no row.
WITH per AS (
    SELECT r.id, /*group*/ AS grp, /*group_county*/ AS grp_county,
           coalesce(bool_or(c.code LIKE 't3.%'), false) AS has_t3,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.total.total'), 0)   AS total,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.granted.total'), 0) AS granted,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.partial.total'), 0) AS partial,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.state_secret.total'), 0)        AS d_state_secret,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.law_prohibited.total'), 0)      AS d_law_prohibited,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.security_stability.total'), 0) AS d_security_stability,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.third_party.total'), 0)        AS d_third_party,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.internal_affairs.total'), 0)   AS d_internal_affairs,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.process_info.total'), 0)       AS d_process_info,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.enforcement_file.total'), 0)   AS d_enforcement_file,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.denied.inquiry.total'), 0)            AS d_inquiry,
           coalesce(sum(c.value) FILTER (WHERE c.code LIKE 't3.unavailable.%.total'), 0)   AS unavailable,
           coalesce(sum(c.value) FILTER (WHERE c.code LIKE 't3.not_processed.%.total'), 0) AS not_processed,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.other.total'),
                    sum(c.value) FILTER (WHERE c.code IN ('t3.other.overdue_correction.total',
                                                          't3.other.unpaid_fee.total',
                                                          't3.other.other.total')), 0) AS other
    FROM reports r
    LEFT JOIN cells c ON c.report_id = r.id
    WHERE /*filter*/
    GROUP BY r.id, grp, grp_county
)
SELECT grp, grp_county, count(*) FILTER (WHERE has_t3) AS reports,
       count(*) FILTER (WHERE NOT has_t3) AS without_table3,
       sum(total), sum(granted), sum(partial),
       sum(d_state_secret), sum(d_law_prohibited), sum(d_security_stability), sum(d_third_party),
       sum(d_internal_affairs), sum(d_process_info), sum(d_enforcement_file), sum(d_inquiry),
       sum(unavailable), sum(not_processed), sum(other)
FROM per
GROUP BY grp, grp_county
HAVING count(*) FILTER (WHERE has_t3) > 0
ORDER BY grp_county, grp
