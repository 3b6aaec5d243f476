-- Every cell of the reports a filter selects (all of them when the condition
-- is TRUE) with its report's keys and the registry's codes, as Parquet files
-- partitioned by year, province and county (hive layout:
-- year=2022/province=四川省/county=乐至县/data_0.parquet). The province and
-- city are the ones the report is counted in everywhere else
-- (query.placedIn: the agency's or else its county's one
-- place), so an export filtered by province holds its reports under that
-- province; a report placed nowhere has an empty one. The condition on r is
-- the filter's fixed text (Filter.clause); every value the caller gave is a
-- parameter of it, never part of this text.
COPY (
    WITH rp AS (
        SELECT r.id, r.year, r.county, r.agency, r.agency_id, r.edition, r.synthetic,
               /*province*/ AS province, /*city*/ AS city
        FROM reports r
        WHERE /*where*/
    )
    SELECT rp.year, rp.province, rp.county, rp.agency, rp.agency_id,
           coalesce(a.province_code, '') AS province_code, coalesce(a.city_code, '') AS city_code,
           rp.city, coalesce(a.county_code, '') AS county_code,
           coalesce(a.code, '') AS division_code, coalesce(a.level, '') AS level,
           rp.edition, rp.id AS report_id, rp.synthetic, c.code, c.value
    FROM rp
    JOIN cells c ON c.report_id = rp.id
    LEFT JOIN agencies a ON a.id = rp.agency_id
    ORDER BY rp.year, rp.province, rp.county, rp.agency, c.code
) TO /*dir*/ (FORMAT parquet, PARTITION_BY (year, province, county), OVERWRITE_OR_IGNORE true)
