-- The metrics an assessor asks for that no other statistic computes
-- (docs/metrics.md, "Assessment metrics"), per group: the sums they come
-- from, and how many reports keep every accounting identity (rules 1–4:
-- no such finding left undismissed). 实质公开率 and 复议纠错率 are
-- Outcomes' and Reviews' own.
WITH sums AS (
    SELECT r.id,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.total.total'), 0) AS closed,
           -- 其他处理: the 2019 row, or in 2021 its sub-rows when the row
           -- itself was not stored (never both, which would count twice).
           coalesce(sum(c.value) FILTER (WHERE c.code LIKE 't3.not\_processed.%.total' ESCAPE '\'), 0)
             + coalesce(sum(c.value) FILTER (WHERE c.code = 't3.other.total'),
                        sum(c.value) FILTER (WHERE c.code IN ('t3.other.overdue_correction.total', 't3.other.unpaid_fee.total', 't3.other.other.total')), 0) AS procedural,
           coalesce(sum(c.value) FILTER (WHERE c.code = 't3.carry_forward.total'), 0) AS backlog,
           coalesce(sum(c.value) FILTER (WHERE c.code IN ('t4.reconsideration.total', 't4.litigation_direct.total', 't4.litigation_after.total')), 0) AS disputes,
           coalesce(sum(c.value) FILTER (WHERE c.code IN ('t4.reconsideration.corrected', 't4.litigation_direct.corrected', 't4.litigation_after.corrected')), 0) AS corrections,
           NOT EXISTS (SELECT 1 FROM /*findings*/ f WHERE f.report_id = r.id
                       AND f.rule IN ('rule1_balance', 'rule2_results', 'rule3_applicants', 'rule4_review')) AS identities_ok
    FROM reports r
    LEFT JOIN cells c ON c.report_id = r.id
    WHERE /*filter*/
    GROUP BY r.id
)
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(*) AS reports,
       sum(s.closed) AS closed, sum(s.procedural) AS procedural, sum(s.backlog) AS backlog,
       sum(s.disputes) AS disputes, sum(s.corrections) AS corrections,
       count(*) FILTER (WHERE s.identities_ok) AS identities_ok
FROM sums s
JOIN reports r ON r.id = s.id
GROUP BY grp, grp_county
ORDER BY grp_county, grp
