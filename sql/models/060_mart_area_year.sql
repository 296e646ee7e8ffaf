-- District and province results, recomputed from the summed commune counts
-- (never by averaging rates). units_expected counts the communes of the area
-- in that year's hierarchy; the stage that counts for an area is the latest
-- stage every commune has reported, or failing that the best covered one.
-- Sums are cast back to BIGINT so every level has the same column types
-- (and Parquet readers get plain integers, not HUGEINT-as-double).
-- An area whose communes of year Y take in a unit that was not one of its
-- communes in Y−1 (another province's commune in a merger of provinces,
-- known only from the crosswalk) changed territory, even when that unit's
-- own units list was never imported (unit_changed_year cannot see it).
CREATE OR REPLACE TABLE area_changed_year AS
SELECT DISTINCT n.year, a.code AS unit_code
FROM ref_crosswalk x
JOIN dim_unit_year n
  ON n.unit_code = x.new_code AND n.level = 'commune'
 AND x.effective_date > make_date(n.year - 1, 12, 31) AND x.effective_date <= make_date(n.year, 12, 31)
CROSS JOIN LATERAL (VALUES (n.province_code, 'province'), (n.district_code, 'district')) a(code, level)
WHERE a.code IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM dim_unit_year o
    WHERE o.year = n.year - 1 AND o.unit_code = x.old_code
      AND (CASE a.level WHEN 'province' THEN o.province_code ELSE o.district_code END) = a.code);

CREATE OR REPLACE TABLE mart_area_year AS
-- Re-verification and approval correct some communes, not all: the area
-- figure "after re-verification" (or approved) takes each commune's latest
-- official-or-later figure up to that stage, so one corrected commune
-- changes its district and province totals. Preliminary and official areas
-- are plain sums of that stage. An area gets a reverified/approved row only
-- when at least one of its communes reported that stage.
WITH c0 AS (
    SELECT *, stage AS reported_stage FROM mart_commune_year WHERE province_code IS NOT NULL
),
layers AS (
    SELECT DISTINCT year, standard, stage, province_code FROM c0 WHERE stage_rank(stage) >= 3
),
c AS (
    SELECT * FROM c0 WHERE stage_rank(stage) <= 2
    UNION ALL BY NAME
    SELECT c0.* REPLACE (l.stage AS stage)
    FROM layers l
    JOIN c0 ON c0.year = l.year AND c0.standard = l.standard AND c0.province_code = l.province_code
           AND stage_rank(c0.stage) BETWEEN 2 AND stage_rank(l.stage)
    QUALIFY row_number() OVER (PARTITION BY l.year, l.standard, l.stage, c0.unit_code ORDER BY stage_rank(c0.stage) DESC) = 1
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
        sum(total_households)::BIGINT AS total_households,
        sum(total_persons)::BIGINT AS total_persons,
        sum(poor_end)::BIGINT AS poor_end,
        sum(near_poor_end)::BIGINT AS near_poor_end,
        sum(poor_persons)::BIGINT AS poor_persons,
        sum(near_poor_persons)::BIGINT AS near_poor_persons,
        sum(em_households)::BIGINT AS em_households,
        sum(em_poor)::BIGINT AS em_poor,
        sum(em_near_poor)::BIGINT AS em_near_poor,
        sum(poor_income)::BIGINT AS poor_income,
        sum(poor_deprivation)::BIGINT AS poor_deprivation,
        sum(complaints)::BIGINT AS complaints,
        sum(poor_start)::BIGINT AS poor_start,
        sum(poor_out_to_near_poor)::BIGINT AS poor_out_to_near_poor,
        sum(poor_out_above_near_poor)::BIGINT AS poor_out_above_near_poor,
        sum(poor_out_other)::BIGINT AS poor_out_other,
        sum(poor_in_from_near_poor)::BIGINT AS poor_in_from_near_poor,
        sum(poor_in_repoor)::BIGINT AS poor_in_repoor,
        sum(poor_in_new)::BIGINT AS poor_in_new,
        sum(poor_in_other)::BIGINT AS poor_in_other,
        sum(near_poor_start)::BIGINT AS near_poor_start,
        sum(near_poor_out_escaped)::BIGINT AS near_poor_out_escaped,
        sum(near_poor_out_to_poor)::BIGINT AS near_poor_out_to_poor,
        sum(near_poor_out_other)::BIGINT AS near_poor_out_other,
        sum(near_poor_in_from_poor)::BIGINT AS near_poor_in_from_poor,
        sum(near_poor_in_re)::BIGINT AS near_poor_in_re,
        sum(near_poor_in_new)::BIGINT AS near_poor_in_new,
        sum(near_poor_in_other)::BIGINT AS near_poor_in_other
    FROM c
    GROUP BY GROUPING SETS ((year, standard, stage, district_code), (year, standard, stage, province_code))
    HAVING (GROUPING(district_code) = 1 OR district_code IS NOT NULL)
       AND count(*) FILTER (WHERE reported_stage = stage) > 0
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
LEFT JOIN (SELECT year, unit_code FROM unit_changed_year UNION SELECT year, unit_code FROM area_changed_year) ch
  ON ch.unit_code = b.unit_code AND ch.year = b.year;
