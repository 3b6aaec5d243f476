-- Every cell with its report's keys and the registry's codes, as Parquet
-- files partitioned by year, province and county (hive layout:
-- year=2022/province=四川省/county=乐至县/data_0.parquet). A report whose
-- agency the registry does not place has an empty province.
COPY (
    SELECT r.year, coalesce(a.province, '') AS province, r.county, r.agency, r.agency_id,
           coalesce(a.province_code, '') AS province_code, coalesce(a.city_code, '') AS city_code,
           coalesce(a.city, '') AS city, coalesce(a.county_code, '') AS county_code,
           coalesce(a.code, '') AS division_code, coalesce(a.level, '') AS level,
           r.edition, r.id AS report_id, r.synthetic, c.code, c.value
    FROM reports r
    JOIN cells c ON c.report_id = r.id
    LEFT JOIN agencies a ON a.id = r.agency_id
    ORDER BY r.year, province, r.county, r.agency, c.code
) TO /*dir*/ (FORMAT parquet, PARTITION_BY (year, province, county), OVERWRITE_OR_IGNORE true)
