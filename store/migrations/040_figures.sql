-- The figures the named statistics read, one row per report, taken from
-- the report's current cells (corrections laid over, as cells holds them).
-- Summing these columns replaces a scan of every cell row with ~20
-- FILTERed sums (issue 14: 1.2–20.5 s cold at 200 000 reports). Grouping
-- columns stay in reports and agencies, joined by report_id, so metadata
-- edits and agency merges need no refresh. A column is NULL when the
-- report has no such cell: sums then skip it, as they skipped the
-- missing row. store/figures.go keeps the rows in step with cells inside
-- every write's transaction and fills the table at open.
CREATE TABLE report_figures (
    report_id BIGINT NOT NULL,
    has_t3    BOOLEAN NOT NULL,  -- any t3.* cell: table 3 was read
    has_t4    BOOLEAN NOT NULL,
    -- Table 3, intake (总计 column unless named by applicant type).
    t3_new_total           DOUBLE,
    t3_carried_over_total  DOUBLE,
    t3_carry_forward_total DOUBLE,
    t3_new_natural         DOUBLE,
    t3_new_commercial      DOUBLE,
    t3_new_research        DOUBLE,
    t3_new_social          DOUBLE,
    t3_new_legal           DOUBLE,
    t3_new_other_org       DOUBLE,
    -- Table 3, outcomes (总计 column).
    t3_total_total    DOUBLE,
    t3_granted_total  DOUBLE,
    t3_partial_total  DOUBLE,
    t3_denied_state_secret_total       DOUBLE,
    t3_denied_law_prohibited_total     DOUBLE,
    t3_denied_security_stability_total DOUBLE,
    t3_denied_third_party_total        DOUBLE,
    t3_denied_internal_affairs_total   DOUBLE,
    t3_denied_process_info_total       DOUBLE,
    t3_denied_enforcement_file_total   DOUBLE,
    t3_denied_inquiry_total            DOUBLE,
    t3_unavailable_sum   DOUBLE,  -- t3.unavailable.*.total added up
    t3_not_processed_sum DOUBLE,  -- t3.not_processed.*.total added up
    -- （六）其他处理: t3.other.total, or (2021, row not stored) its three sub-rows.
    t3_other_total       DOUBLE,
    -- Table 4.
    t4_reconsideration_upheld      DOUBLE,
    t4_reconsideration_corrected   DOUBLE,
    t4_reconsideration_other       DOUBLE,
    t4_reconsideration_pending     DOUBLE,
    t4_reconsideration_total       DOUBLE,
    t4_litigation_direct_upheld    DOUBLE,
    t4_litigation_direct_corrected DOUBLE,
    t4_litigation_direct_other     DOUBLE,
    t4_litigation_direct_pending   DOUBLE,
    t4_litigation_direct_total     DOUBLE,
    t4_litigation_after_upheld     DOUBLE,
    t4_litigation_after_corrected  DOUBLE,
    t4_litigation_after_other      DOUBLE,
    t4_litigation_after_pending    DOUBLE,
    t4_litigation_after_total      DOUBLE,
    -- Table 2, every code of both editions (Proactive sums them per edition).
    t2_regulations_issued              DOUBLE,
    t2_regulations_abolished           DOUBLE,
    t2_regulations_in_force            DOUBLE,
    t2_normative_docs_issued           DOUBLE,
    t2_normative_docs_abolished        DOUBLE,
    t2_normative_docs_in_force         DOUBLE,
    t2_licensing_decisions             DOUBLE,
    t2_penalty_decisions               DOUBLE,
    t2_enforcement_decisions           DOUBLE,
    t2_fees_amount                     DOUBLE,
    t2_regulations_made                DOUBLE,
    t2_regulations_published           DOUBLE,
    t2_regulations_total_published     DOUBLE,
    t2_normative_docs_made             DOUBLE,
    t2_normative_docs_published        DOUBLE,
    t2_normative_docs_total_published  DOUBLE,
    t2_licensing_previous              DOUBLE,
    t2_licensing_change                DOUBLE,
    t2_other_services_previous         DOUBLE,
    t2_other_services_change           DOUBLE,
    t2_other_services_decisions        DOUBLE,
    t2_penalty_previous                DOUBLE,
    t2_penalty_change                  DOUBLE,
    t2_enforcement_previous            DOUBLE,
    t2_enforcement_change              DOUBLE,
    t2_fees_previous                   DOUBLE,
    t2_fees_change                     DOUBLE,
    t2_procurement_count               DOUBLE,
    t2_procurement_amount              DOUBLE
);
