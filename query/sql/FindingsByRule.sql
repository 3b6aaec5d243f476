-- Findings counted by rule and severity.
SELECT f.rule, f.severity, count(*) AS findings, count(DISTINCT f.report_id) AS reports
FROM reports r
JOIN /*findings*/ f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY f.rule, f.severity
ORDER BY findings DESC, f.rule, f.severity
