-- The metrics an assessor asks for that no other statistic computes
-- (docs/metrics.md, "Assessment metrics"), per group: the sums they come
-- from, and how many reports keep every accounting identity (rules 1–4:
-- no such finding left undismissed). 实质公开率 and 复议纠错率 are
-- Outcomes' and Reviews' own. Figures: report_figures (migration 040).
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(*) AS reports,
       coalesce(sum(f.t3_total_total), 0) AS closed,
       -- 其他处理: the 2019 row, or in 2021 its sub-rows when the row
       -- itself was not stored (t3_other_total, never both).
       coalesce(sum(coalesce(f.t3_not_processed_sum, 0) + coalesce(f.t3_other_total, 0)), 0) AS procedural,
       coalesce(sum(f.t3_carry_forward_total), 0) AS backlog,
       coalesce(sum(coalesce(f.t4_reconsideration_total, 0) + coalesce(f.t4_litigation_direct_total, 0)
                    + coalesce(f.t4_litigation_after_total, 0)), 0) AS disputes,
       coalesce(sum(coalesce(f.t4_reconsideration_corrected, 0) + coalesce(f.t4_litigation_direct_corrected, 0)
                    + coalesce(f.t4_litigation_after_corrected, 0)), 0) AS corrections,
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM /*findings*/ x WHERE x.report_id = r.id
                        AND x.rule IN ('rule1_balance', 'rule2_results', 'rule3_applicants', 'rule4_review'))) AS identities_ok
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
ORDER BY grp_county, grp
