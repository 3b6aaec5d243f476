-- The county page's applications, outcomes and reviews of one filter in
-- one statement, of every body and of every year (issue 25, item 5: as
-- seven separate statements each paid DuckDB's fixed cost of a statement,
-- 2–6 ms at 200 000 reports). Nothing is defined here but the grouping:
-- the marker Applications.sums is the part of Applications.sql between its
-- sums markers, the same expressions over the same rows (build, query.go),
-- and the Go reads each statistic's columns as it reads its own
-- statement's (countyfigures.go). The filter selects every year: a body's
-- row of each year (the page's year, and the year before for the change),
-- and each year's row of all the bodies (the trend). grouping(r.agency)
-- tells the two apart. Each statistic's condition of HAVING (its part
-- kept) is a column here: a group has that statistic's row where it holds.
SELECT grouping(r.agency) AS by_year, r.year, coalesce(r.agency, '') AS grp, coalesce(r.county, '') AS grp_county,
/*Applications.sums*/,
/*Outcomes.sums*/,
/*Reviews.sums*/,
       /*Applications.kept*/ AS applications_kept,
       /*Outcomes.kept*/ AS outcomes_kept,
       /*Reviews.kept*/ AS reviews_kept
FROM reports r
JOIN report_figures f ON f.report_id = r.id
WHERE /*filter*/
GROUP BY GROUPING SETS ((r.year, r.county, r.agency), (r.year))
ORDER BY by_year, r.year, grp_county, grp
