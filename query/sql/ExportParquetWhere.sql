-- The cells of the reports a filter selects (a county, city, province or
-- year), in the same columns and partitions as ExportParquet.sql. The
-- condition on r is the filter's fixed text (Filter.clause); every value
-- the caller gave is a parameter of it, never part of this text.
COPY (
    SELECT r.year, coalesce(a.province, '') AS province, r.county, r.agency, r.agency_id,
           coalesce(a.province_code, '') AS province_code, coalesce(a.city_code, '') AS city_code,
           coalesce(a.city, '') AS city, coalesce(a.county_code, '') AS county_code,
           coalesce(a.code, '') AS division_code, coalesce(a.level, '') AS level,
           r.edition, r.id AS report_id, r.synthetic, c.code, c.value
    FROM reports r
    JOIN cells c ON c.report_id = r.id
    LEFT JOIN agencies a ON a.id = r.agency_id
    WHERE /*where*/
    ORDER BY r.year, province, r.county, r.agency, c.code
) TO /*dir*/ (FORMAT parquet, PARTITION_BY (year, province, county), OVERWRITE_OR_IGNORE true)
