-- District and province results, recomputed from the summed commune counts
-- (never by averaging rates). units_expected counts the communes of the area
-- in that year's hierarchy; the stage that counts for an area is the latest
-- stage every commune has reported, or failing that the best covered one.
CREATE OR REPLACE TABLE mart_area_year AS
WITH c AS (
    SELECT * FROM mart_commune_year WHERE province_code IS NOT NULL
),
sums AS (
    SELECT
        CASE WHEN GROUPING(district_code) = 0 THEN 'district' ELSE 'province' END AS level,
        coalesce(district_code, province_code) AS unit_code,
        year, standard, stage,
        any_value(province_code) AS province_code,
        bool_or(synthetic) AS synthetic,
        bool_or(is_baseline) AS is_baseline,
        count(*) AS units_reporting,
        sum(total_households) AS total_households,
        sum(total_persons) AS total_persons,
        sum(poor_end) AS poor_end,
        sum(near_poor_end) AS near_poor_end,
        sum(poor_persons) AS poor_persons,
        sum(near_poor_persons) AS near_poor_persons,
        sum(em_households) AS em_households,
        sum(em_poor) AS em_poor,
        sum(em_near_poor) AS em_near_poor,
        sum(poor_income) AS poor_income,
        sum(poor_deprivation) AS poor_deprivation,
        sum(complaints) AS complaints,
        sum(poor_start) AS poor_start,
        sum(poor_out_to_near_poor) AS poor_out_to_near_poor,
        sum(poor_out_above_near_poor) AS poor_out_above_near_poor,
        sum(poor_out_other) AS poor_out_other,
        sum(poor_in_from_near_poor) AS poor_in_from_near_poor,
        sum(poor_in_repoor) AS poor_in_repoor,
        sum(poor_in_new) AS poor_in_new,
        sum(poor_in_other) AS poor_in_other,
        sum(near_poor_start) AS near_poor_start,
        sum(near_poor_out_escaped) AS near_poor_out_escaped,
        sum(near_poor_out_to_poor) AS near_poor_out_to_poor,
        sum(near_poor_out_other) AS near_poor_out_other,
        sum(near_poor_in_from_poor) AS near_poor_in_from_poor,
        sum(near_poor_in_re) AS near_poor_in_re,
        sum(near_poor_in_new) AS near_poor_in_new,
        sum(near_poor_in_other) AS near_poor_in_other
    FROM c
    GROUP BY GROUPING SETS ((year, standard, stage, district_code), (year, standard, stage, province_code))
    HAVING GROUPING(district_code) = 1 OR district_code IS NOT NULL
),
expected AS (
    SELECT year, district_code AS unit_code, count(*) AS units_expected
    FROM dim_unit_year WHERE level = 'commune' AND district_code IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT year, province_code, count(*)
    FROM dim_unit_year WHERE level = 'commune' GROUP BY ALL
),
base AS (
    SELECT
        s.*,
        coalesce(e.units_expected, 0) AS units_expected,
        d.unit_name, d.parent_code, d.province_name,
        100.0 * s.poor_end / nullif(s.total_households, 0) AS poor_rate,
        100.0 * s.near_poor_end / nullif(s.total_households, 0) AS near_poor_rate,
        stage_rank(s.stage) AS stage_rank,
        row_number() OVER (
            PARTITION BY s.year, s.standard, s.unit_code
            ORDER BY (s.units_reporting >= coalesce(e.units_expected, 0)) DESC, s.units_reporting DESC, stage_rank(s.stage) DESC
        ) = 1 AS counted
    FROM sums s
    LEFT JOIN expected e ON e.year = s.year AND e.unit_code = s.unit_code
    LEFT JOIN dim_unit_year d ON d.year = s.year AND d.unit_code = s.unit_code
),
prev AS (
    SELECT year, standard, unit_code, poor_rate, near_poor_rate
    FROM base WHERE counted AND stage_rank >= 2
)
SELECT
    b.*,
    (NOT b.is_baseline AND p.poor_rate IS NOT NULL AND ch.unit_code IS NULL) AS comparable,
    CASE WHEN NOT b.is_baseline AND ch.unit_code IS NULL THEN p.poor_rate - b.poor_rate END AS reduction_pp,
    CASE WHEN NOT b.is_baseline AND ch.unit_code IS NULL THEN p.near_poor_rate - b.near_poor_rate END AS near_poor_reduction_pp
FROM base b
LEFT JOIN prev p ON p.unit_code = b.unit_code AND p.standard = b.standard AND p.year = b.year - 1
LEFT JOIN unit_changed_year ch ON ch.unit_code = b.unit_code AND ch.year = b.year;
