-- The metrics an assessor asks for that no other statistic computes
-- (docs/metrics.md, "Assessment metrics"), per group: the sums they come
-- from, and how many reports keep every accounting identity (rules 1–4:
-- no such finding left undismissed); then the sums of Outcomes and
-- Reviews that 实质公开率 and 复议纠错率 are made of, as those compute
-- them, so that the assessment reads its filter once, not three times.
-- with_table3 and with_table4 are the reports Outcomes and Reviews
-- count: a group without any has no row there, and so no rate. Figures:
-- report_figures (migration 040). The findings are read for the selected
-- reports only (broken, findings_sel): a NOT EXISTS per report read the
-- findings relation whole, and the view findings_reviewed joins every
-- finding to every report.
WITH sel AS (
    SELECT r.id, r.agency, r.county, r.year, /*group*/ AS grp, /*group_county*/ AS grp_county
    FROM reports r
    WHERE /*filter*/
), broken AS (
    SELECT DISTINCT x.report_id
    FROM /*findings_sel*/ x
    WHERE x.rule IN ('rule1_balance', 'rule2_results', 'rule3_applicants', 'rule4_review')
)
SELECT r.grp, r.grp_county,
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
       count(*) FILTER (WHERE b.report_id IS NULL) AS identities_ok,
       count(*) FILTER (WHERE f.has_t3) AS with_table3,
       coalesce(sum(f.t3_granted_total), 0), coalesce(sum(f.t3_partial_total), 0),
       coalesce(sum(f.t3_denied_state_secret_total), 0),
       coalesce(sum(f.t3_denied_law_prohibited_total), 0),
       coalesce(sum(f.t3_denied_security_stability_total), 0),
       coalesce(sum(f.t3_denied_third_party_total), 0),
       coalesce(sum(f.t3_denied_internal_affairs_total), 0),
       coalesce(sum(f.t3_denied_process_info_total), 0),
       coalesce(sum(f.t3_denied_enforcement_file_total), 0),
       coalesce(sum(f.t3_denied_inquiry_total), 0),
       count(*) FILTER (WHERE f.has_t4) AS with_table4,
       coalesce(sum(f.t4_reconsideration_upheld), 0),
       coalesce(sum(f.t4_reconsideration_corrected), 0),
       coalesce(sum(f.t4_reconsideration_other), 0)
FROM sel r
JOIN report_figures f ON f.report_id = r.id
LEFT JOIN broken b ON b.report_id = r.id
GROUP BY r.grp, r.grp_county
ORDER BY r.grp_county, r.grp
