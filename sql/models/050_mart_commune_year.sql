-- Commune results with rates, the stage that counts, and the reduction in
-- percentage points against the previous year's counted official-or-later
-- figure of the same standard. Rates are percent (0–100).
CREATE OR REPLACE TABLE mart_commune_year AS
WITH base AS (
    SELECT
        f.*,
        coalesce(d.unit_name, f.reported_name) AS unit_name,
        coalesce(d.level, 'commune') AS level,
        d.parent_code, d.district_code, d.district_name, d.province_code, d.province_name,
        coalesce(d.synthetic, false) AS synthetic,
        cy.is_baseline,
        100.0 * f.poor_end / nullif(f.total_households, 0) AS poor_rate,
        100.0 * f.near_poor_end / nullif(f.total_households, 0) AS near_poor_rate,
        stage_rank(f.stage) AS stage_rank,
        row_number() OVER (PARTITION BY f.year, f.standard, f.unit_code ORDER BY stage_rank(f.stage) DESC) = 1 AS counted
    FROM fact_commune f
    JOIN ref_cycle cy USING (year, standard)
    LEFT JOIN dim_unit_year d ON d.year = f.year AND d.unit_code = f.unit_code
),
prev AS (
    SELECT year, standard, unit_code, poor_rate, near_poor_rate
    FROM base
    WHERE counted AND stage_rank >= 2
)
SELECT
    b.*,
    (NOT b.is_baseline AND p.poor_rate IS NOT NULL AND ch.unit_code IS NULL) AS comparable,
    CASE WHEN NOT b.is_baseline AND ch.unit_code IS NULL THEN p.poor_rate - b.poor_rate END AS reduction_pp,
    CASE WHEN NOT b.is_baseline AND ch.unit_code IS NULL THEN p.near_poor_rate - b.near_poor_rate END AS near_poor_reduction_pp
FROM base b
LEFT JOIN prev p
  ON p.unit_code = b.unit_code AND p.standard = b.standard AND p.year = b.year - 1
LEFT JOIN unit_changed_year ch
  ON ch.unit_code = b.unit_code AND ch.year = b.year;
