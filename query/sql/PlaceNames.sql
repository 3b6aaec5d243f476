-- The province and city names of the registry with their codes: which
-- names a province or city filter given by code or name selects, once per
-- data generation (query/prepared.go).
SELECT DISTINCT 'province' AS col, province_code AS code, province AS name FROM agencies
UNION ALL
SELECT DISTINCT 'city', city_code, city FROM agencies
