-- Reports and their findings per group (by agency unless asked otherwise).
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county,
       count(DISTINCT r.id) AS reports,
       count(DISTINCT f.report_id) AS with_findings,
       count(f.rule) FILTER (WHERE f.severity = 'error')   AS errors,
       count(f.rule) FILTER (WHERE f.severity = 'warning') AS warnings,
       count(f.rule) FILTER (WHERE f.severity = 'info')    AS infos
FROM reports r
LEFT JOIN /*findings*/ f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
ORDER BY errors DESC, warnings DESC, grp_county, grp
