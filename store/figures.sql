-- One report_figures row per selected report, from its current cells.
-- The WHERE marker selects the reports (see figures.go). A report without any
-- cell still gets its row (has_t3 and has_t4 false, figures NULL).
-- Columns in the order of report_figures.
SELECT r.id AS report_id,
       coalesce(bool_or(c.code LIKE 't3.%'), false),
       coalesce(bool_or(c.code LIKE 't4.%'), false),
       sum(c.value) FILTER (WHERE c.code = 't3.new.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.carried_over.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.carry_forward.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.natural'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.commercial'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.research'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.social'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.legal'),
       sum(c.value) FILTER (WHERE c.code = 't3.new.other_org'),
       sum(c.value) FILTER (WHERE c.code = 't3.total.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.granted.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.partial.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.state_secret.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.law_prohibited.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.security_stability.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.third_party.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.internal_affairs.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.process_info.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.enforcement_file.total'),
       sum(c.value) FILTER (WHERE c.code = 't3.denied.inquiry.total'),
       -- The escaped LIKE of AssessmentMetrics and the plain one of
       -- Outcomes select the same codes: no code has another character
       -- where the underscore stands.
       sum(c.value) FILTER (WHERE c.code LIKE 't3.unavailable.%.total'),
       sum(c.value) FILTER (WHERE c.code LIKE 't3.not\_processed.%.total' ESCAPE '\'),
       coalesce(sum(c.value) FILTER (WHERE c.code = 't3.other.total'),
                sum(c.value) FILTER (WHERE c.code IN ('t3.other.overdue_correction.total',
                                                      't3.other.unpaid_fee.total',
                                                      't3.other.other.total'))),
       sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.upheld'),
       sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.corrected'),
       sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.other'),
       sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.pending'),
       sum(c.value) FILTER (WHERE c.code = 't4.reconsideration.total'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.upheld'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.corrected'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.other'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.pending'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_direct.total'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.upheld'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.corrected'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.other'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.pending'),
       sum(c.value) FILTER (WHERE c.code = 't4.litigation_after.total')
FROM reports r
LEFT JOIN cells c ON c.report_id = r.id
WHERE /*which*/
GROUP BY r.id
