-- The hierarchy of each review year: the units valid on 31/12 of the year,
-- when its results stand (a merger during the review is already reported on
-- the merged unit). After 1/7/2025 communes hang directly under the province,
-- so district_code is NULL there: no empty "district" rows downstream.
CREATE OR REPLACE TABLE dim_unit_year AS
WITH years AS (
    SELECT DISTINCT year FROM ref_cycle
),
u AS (
    SELECT y.year, u.*
    FROM years y
    JOIN ref_unit u
      ON u.valid_from <= make_date(y.year, 12, 31)
     AND (u.valid_to IS NULL OR u.valid_to > make_date(y.year, 12, 31))
)
SELECT
    c.year,
    c.unit_code,
    c.unit_name,
    c.level,
    c.unit_type,
    c.parent_code,
    c.province_code,
    pr.unit_name AS province_name,
    CASE WHEN c.level = 'commune' AND p.level = 'district' THEN p.unit_code END AS district_code,
    CASE WHEN c.level = 'commune' AND p.level = 'district' THEN p.unit_name END AS district_name,
    c.valid_from,
    c.synthetic OR coalesce(pr.synthetic, false) AS synthetic
FROM u c
LEFT JOIN u p ON p.year = c.year AND p.unit_code = c.parent_code
LEFT JOIN u pr ON pr.year = c.year AND pr.unit_code = c.province_code AND pr.level = 'province';
