-- Cells when every code asked for is a column of report_figures (see
-- query/figures.go): the sum of each code per group, NULL when no report
-- of the group prints it (as Cells.sql then has no row). One row per
-- report is read instead of every cell row.
SELECT /*group*/ AS grp, /*group_county*/ AS grp_county, /*figure_sums*/
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY grp, grp_county
