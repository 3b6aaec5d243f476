-- Table 2 per group and edition: the two editions print different rows, so
-- their sums are never mixed. Reports counts every report of the group and
-- edition; a code no such report prints is absent (its sum is NULL, and
-- UNPIVOT leaves NULLs out). The figures are report_figures' table-2
-- columns (migration 040), one per code of either edition.
WITH n AS (
    SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, r.edition, count(*) AS reports
    FROM reports r
    WHERE /*filter*/
    GROUP BY grp, grp_county, r.edition
), sums AS (
    SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, r.edition,
           sum(f.t2_regulations_issued) AS "t2.regulations.issued",
           sum(f.t2_regulations_abolished) AS "t2.regulations.abolished",
           sum(f.t2_regulations_in_force) AS "t2.regulations.in_force",
           sum(f.t2_normative_docs_issued) AS "t2.normative_docs.issued",
           sum(f.t2_normative_docs_abolished) AS "t2.normative_docs.abolished",
           sum(f.t2_normative_docs_in_force) AS "t2.normative_docs.in_force",
           sum(f.t2_licensing_decisions) AS "t2.licensing.decisions",
           sum(f.t2_penalty_decisions) AS "t2.penalty.decisions",
           sum(f.t2_enforcement_decisions) AS "t2.enforcement.decisions",
           sum(f.t2_fees_amount) AS "t2.fees.amount",
           sum(f.t2_regulations_made) AS "t2.regulations.made",
           sum(f.t2_regulations_published) AS "t2.regulations.published",
           sum(f.t2_regulations_total_published) AS "t2.regulations.total_published",
           sum(f.t2_normative_docs_made) AS "t2.normative_docs.made",
           sum(f.t2_normative_docs_published) AS "t2.normative_docs.published",
           sum(f.t2_normative_docs_total_published) AS "t2.normative_docs.total_published",
           sum(f.t2_licensing_previous) AS "t2.licensing.previous",
           sum(f.t2_licensing_change) AS "t2.licensing.change",
           sum(f.t2_other_services_previous) AS "t2.other_services.previous",
           sum(f.t2_other_services_change) AS "t2.other_services.change",
           sum(f.t2_other_services_decisions) AS "t2.other_services.decisions",
           sum(f.t2_penalty_previous) AS "t2.penalty.previous",
           sum(f.t2_penalty_change) AS "t2.penalty.change",
           sum(f.t2_enforcement_previous) AS "t2.enforcement.previous",
           sum(f.t2_enforcement_change) AS "t2.enforcement.change",
           sum(f.t2_fees_previous) AS "t2.fees.previous",
           sum(f.t2_fees_change) AS "t2.fees.change",
           sum(f.t2_procurement_count) AS "t2.procurement.count",
           sum(f.t2_procurement_amount) AS "t2.procurement.amount"
    FROM reports r
    JOIN report_figures f ON f.report_id = r.id
    WHERE /*filter*/
    GROUP BY grp, grp_county, r.edition
), s AS (
    UNPIVOT sums ON COLUMNS('^t2\.') INTO NAME code VALUE total
)
SELECT n.grp, n.grp_county, n.edition, n.reports, s.code, s.total
FROM n
LEFT JOIN s ON s.grp = n.grp AND s.grp_county = n.grp_county AND s.edition = n.edition
ORDER BY n.grp_county, n.grp, n.edition, s.code
