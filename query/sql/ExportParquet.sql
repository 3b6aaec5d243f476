-- Every cell with its report's keys, as Parquet files partitioned by year
-- and county (hive layout: year=2022/county=乐至县/data_0.parquet).
COPY (
    SELECT r.year, r.county, r.agency, r.edition, r.id AS report_id, r.synthetic,
           c.code, c.value
    FROM reports r
    JOIN cells c ON c.report_id = r.id
    ORDER BY r.year, r.county, r.agency, c.code
) TO /*dir*/ (FORMAT parquet, PARTITION_BY (year, county), OVERWRITE_OR_IGNORE true)
