-- The county page's statistics of one filter in one statement: the
-- applications, outcomes and reviews of every body and of every year, and
-- the assessment metrics of every body (issue 25, item 5: as separate
-- statements, each paid DuckDB's fixed cost of a statement, 3–6 ms at
-- 200 000 reports, eight times a page). Nothing is defined here but the
-- grouping: the marker Applications.sums is the part of Applications.sql
-- between its sums markers, the same expressions over the same rows
-- (build, query.go), and the Go reads each statistic's columns as it reads
-- its own statement's (countyfigures.go). The filter selects every year:
-- a body's row of each year (the page's year, and the year before for the
-- change), and each year's row of all the bodies (the trend). The left
-- join on broken keeps every row (one at most per report), as in
-- AssessmentMetrics.sql.
WITH sel AS (
    SELECT r.id, r.agency, r.county, r.year
    FROM reports r
    WHERE /*filter*/
), broken AS (
/*AssessmentMetrics.broken*/
)
SELECT grouping(r.agency) AS by_year, r.year, coalesce(r.agency, '') AS grp, coalesce(r.county, '') AS grp_county,
/*Applications.sums*/,
/*Outcomes.sums*/,
/*Reviews.sums*/,
/*AssessmentMetrics.sums*/
FROM sel r
JOIN report_figures f ON f.report_id = r.id
LEFT JOIN broken b ON b.report_id = r.id
GROUP BY GROUPING SETS ((r.year, r.county, r.agency), (r.year))
ORDER BY by_year, r.year, grp_county, grp
