-- Restating earlier years on later units through the crosswalk (so the 2025
-- review compares with 2024 on the communes of 1/7/2025).
--
-- xw_weight: the share of an old unit's households that goes to each new unit
-- at one crosswalk date, and how it was found (method):
--   full                the whole old unit (weight 1)
--   fraction            the crosswalk gives the fraction
--   partial_census      split, no fraction: in proportion to the new units'
--                       households in ref_census counted on or after the change
--   partial_households  else in proportion to the new units' households as
--                       reported in the first review year on the new units
--   partial_equal       else in equal parts
-- Partial parts share what the fractions of the same old unit leave (all of
-- it when there is no fraction row), so an old unit's weights add up to 1.
CREATE OR REPLACE TABLE xw_weight AS
WITH x AS (
    SELECT old_code, new_code, share_kind, share, effective_date FROM ref_crosswalk
),
first_year_after AS (
    -- the first review year whose 31/12 falls on or after the change
    SELECT d.effective_date, min(c.year) AS year
    FROM (SELECT DISTINCT effective_date FROM x) d
    JOIN (SELECT DISTINCT year FROM ref_cycle) c ON make_date(c.year, 12, 31) >= d.effective_date
    GROUP BY ALL
),
dest_size AS (
    SELECT x.old_code, x.new_code, x.effective_date,
           (SELECT arg_max(households, ref_date) FROM ref_census rc
             WHERE rc.unit_code = x.new_code AND rc.ref_date >= x.effective_date) AS census_households,
           (SELECT arg_max(m.total_households, m.stage_rank) FROM mart_commune_year m
             WHERE m.unit_code = x.new_code AND m.year = f.year AND m.counted) AS reported_households
    FROM x
    LEFT JOIN first_year_after f USING (effective_date)
    WHERE x.share_kind = 'partial'
),
partial_method AS (
    SELECT old_code, effective_date,
           CASE WHEN bool_and(census_households > 0) THEN 'partial_census'
                WHEN bool_and(reported_households > 0) THEN 'partial_households'
                ELSE 'partial_equal' END AS method,
           sum(census_households) AS census_sum,
           sum(reported_households) AS reported_sum,
           count(*) AS parts
    FROM dest_size GROUP BY ALL
),
remainder AS (
    SELECT old_code, effective_date,
           greatest(0.0, 1.0 - coalesce(sum(share) FILTER (WHERE share_kind = 'fraction'), 0.0)) AS rest
    FROM x GROUP BY ALL
)
SELECT
    x.old_code, x.new_code, x.effective_date,
    CASE x.share_kind WHEN 'full' THEN 'full' WHEN 'fraction' THEN 'fraction' ELSE pm.method END AS method,
    CASE x.share_kind
        WHEN 'full' THEN 1.0
        WHEN 'fraction' THEN x.share
        ELSE r.rest * CASE pm.method
            WHEN 'partial_census' THEN ds.census_households / pm.census_sum
            WHEN 'partial_households' THEN ds.reported_households / pm.reported_sum
            ELSE 1.0 / pm.parts END
    END AS weight
FROM x
JOIN remainder r USING (old_code, effective_date)
LEFT JOIN dest_size ds USING (old_code, new_code, effective_date)
LEFT JOIN partial_method pm USING (old_code, effective_date);

-- restate_map: where each unit of year Y (from_year) lands on the units of a
-- later year Z (to_year), composing every crosswalk date in (31/12/Y, 31/12/Z]
-- in date order; a unit a crosswalk date does not mention keeps its code.
-- Units known only from the crosswalk (another province's units before a
-- merger) are included, so a new unit with a predecessor that sent no data
-- is marked incomplete instead of being restated from part of its territory.
CREATE OR REPLACE TABLE restate_map AS
WITH RECURSIVE
steps AS (
    SELECT effective_date AS d, row_number() OVER (ORDER BY effective_date) AS k
    FROM (SELECT DISTINCT effective_date FROM ref_crosswalk)
),
years AS (SELECT DISTINCT year FROM ref_cycle),
pairs AS (
    SELECT y.year AS from_year, z.year AS to_year,
           min(s.d) AS first_step
    FROM years y
    JOIN years z ON z.year > y.year
    JOIN steps s ON s.d > make_date(y.year, 12, 31) AND s.d <= make_date(z.year, 12, 31)
    GROUP BY ALL
),
start AS (
    SELECT p.from_year, p.to_year, d.unit_code AS old_code
    FROM pairs p JOIN dim_unit_year d ON d.year = p.from_year AND d.level = 'commune'
    UNION
    SELECT p.from_year, p.to_year, x.old_code
    FROM pairs p JOIN ref_crosswalk x ON x.effective_date = p.first_step
),
walk AS (
    SELECT from_year, to_year, old_code, old_code AS cur, 1.0::DOUBLE AS w, 0::BIGINT AS k, []::VARCHAR[] AS methods
    FROM start
    UNION ALL
    SELECT r.from_year, r.to_year, r.old_code,
           coalesce(x.new_code, r.cur),
           r.w * coalesce(x.weight, 1.0),
           s.k,
           CASE WHEN x.method IS NULL THEN r.methods ELSE list_append(r.methods, x.method) END
    FROM walk r
    JOIN steps s ON s.k = r.k + 1
    LEFT JOIN xw_weight x
      ON x.old_code = r.cur AND x.effective_date = s.d
     AND s.d > make_date(r.from_year, 12, 31) AND s.d <= make_date(r.to_year, 12, 31)
)
SELECT from_year, to_year, old_code, cur AS new_code, sum(w) AS weight,
       list_distinct(flatten(list(methods))) AS methods
FROM walk
WHERE k = (SELECT max(k) FROM steps)
GROUP BY ALL;

-- restated_commune_year: each earlier year's commune figures on the communes
-- of a later year (units_year), summed with the weights above. Counts become
-- fractional where a unit was split. complete is false when a predecessor
-- sent nothing for that year, standard and stage: such a row is shown but
-- never compared. The units_year's own rows are included (restated = false)
-- so one query gives a whole series on one set of units.
CREATE OR REPLACE TABLE restated_commune_year AS
WITH contrib AS (
    SELECT mp.to_year AS units_year, mp.from_year AS year, mp.new_code AS unit_code, mp.old_code, mp.weight,
           c.standard, c.stage, c.stage_rank,
           c.total_households, c.total_persons, c.poor_end, c.near_poor_end, c.poor_persons, c.near_poor_persons,
           c.em_households, c.em_poor, c.em_near_poor
    FROM restate_map mp
    JOIN dim_unit_year n ON n.year = mp.to_year AND n.unit_code = mp.new_code AND n.level = 'commune'
    LEFT JOIN mart_commune_year c ON c.year = mp.from_year AND c.unit_code = mp.old_code
),
preds AS (
    -- from the map alone, whatever reported: restated unless the unit is
    -- simply itself (one full predecessor with its own code)
    SELECT mp.to_year AS units_year, mp.from_year AS year, mp.new_code AS unit_code,
           count(DISTINCT mp.old_code) AS predecessors,
           NOT (count(*) = 1 AND bool_and(mp.old_code = mp.new_code) AND bool_and(mp.weight = 1.0)) AS restated,
           CASE WHEN count(*) = 1 AND bool_and(mp.old_code = mp.new_code) AND bool_and(mp.weight = 1.0) THEN 'same_unit'
                ELSE array_to_string(list_sort(list_distinct(flatten(list(mp.methods)))), '+') END AS restate_method
    FROM restate_map mp GROUP BY ALL
),
sums AS (
    SELECT units_year, year, unit_code, standard, stage, any_value(stage_rank) AS stage_rank,
           count(DISTINCT old_code) FILTER (WHERE total_households IS NOT NULL) AS predecessors_reporting,
           sum(weight * total_households) AS total_households,
           sum(weight * total_persons) AS total_persons,
           sum(weight * poor_end) AS poor_end,
           sum(weight * near_poor_end) AS near_poor_end,
           sum(weight * poor_persons) AS poor_persons,
           sum(weight * near_poor_persons) AS near_poor_persons,
           sum(weight * em_households) AS em_households,
           sum(weight * em_poor) AS em_poor,
           sum(weight * em_near_poor) AS em_near_poor
    FROM contrib
    WHERE standard IS NOT NULL
    GROUP BY units_year, year, unit_code, standard, stage
),
own AS (
    SELECT units_year, c.year, c.unit_code, c.standard, c.stage, c.stage_rank,
           1 AS predecessors, 1 AS predecessors_reporting, false AS restated, 'reported' AS restate_method,
           c.total_households::DOUBLE AS total_households, c.total_persons::DOUBLE AS total_persons,
           c.poor_end::DOUBLE AS poor_end, c.near_poor_end::DOUBLE AS near_poor_end,
           c.poor_persons::DOUBLE AS poor_persons, c.near_poor_persons::DOUBLE AS near_poor_persons,
           c.em_households::DOUBLE AS em_households, c.em_poor::DOUBLE AS em_poor, c.em_near_poor::DOUBLE AS em_near_poor
    -- years on the same units as units_year: no crosswalk date in between
    FROM (SELECT DISTINCT to_year AS units_year FROM restate_map) z
    JOIN mart_commune_year c ON c.year <= z.units_year
    JOIN dim_unit_year n ON n.year = z.units_year AND n.unit_code = c.unit_code
    WHERE NOT EXISTS (SELECT 1 FROM ref_crosswalk x
                      WHERE x.effective_date > make_date(c.year, 12, 31)
                        AND x.effective_date <= make_date(z.units_year, 12, 31))
),
alls AS (
    SELECT s.units_year, s.year, s.unit_code, s.standard, s.stage, s.stage_rank,
           p.predecessors, s.predecessors_reporting, p.restated, p.restate_method,
           s.total_households, s.total_persons, s.poor_end, s.near_poor_end, s.poor_persons, s.near_poor_persons,
           s.em_households, s.em_poor, s.em_near_poor
    FROM sums s JOIN preds p USING (units_year, year, unit_code)
    UNION ALL BY NAME
    SELECT * FROM own
)
SELECT
    a.units_year, a.year, a.standard, a.stage,
    a.stage_rank,
    a.unit_code, n.unit_name, n.province_code, n.province_name, coalesce(n.synthetic, false) AS synthetic,
    a.restated, a.restate_method,
    a.predecessors, a.predecessors_reporting,
    a.predecessors_reporting = a.predecessors AS complete,
    cy.is_baseline,
    a.total_households, a.total_persons, a.poor_end, a.near_poor_end, a.poor_persons, a.near_poor_persons,
    a.em_households, a.em_poor, a.em_near_poor,
    100.0 * a.poor_end / nullif(a.total_households, 0) AS poor_rate,
    100.0 * a.near_poor_end / nullif(a.total_households, 0) AS near_poor_rate,
    100.0 * (a.poor_end + a.near_poor_end) / nullif(a.total_households, 0) AS multidim_rate,
    100.0 * a.em_poor / nullif(a.em_households, 0) AS em_poor_rate,
    -- the stage that counts: the latest stage whose restatement is complete
    row_number() OVER (PARTITION BY a.units_year, a.year, a.standard, a.unit_code
                       ORDER BY a.predecessors_reporting = a.predecessors DESC, a.stage_rank DESC) = 1 AS counted
FROM alls a
JOIN ref_cycle cy ON cy.year = a.year AND cy.standard = a.standard
LEFT JOIN dim_unit_year n ON n.year = a.units_year AND n.unit_code = a.unit_code;

-- The comparison of each commune row with the previous year on its own
-- units: by code when the commune did not change (reduction_pp), through the
-- restated previous year when it did. comparable_restated is false at a
-- baseline, across standards, and when the restated year is incomplete.
CREATE OR REPLACE TABLE commune_restated_reduction AS
WITH prev AS (
    SELECT units_year, year, standard, unit_code, poor_rate, near_poor_rate, restate_method
    FROM restated_commune_year
    WHERE counted AND complete AND stage_rank >= 2
)
SELECT
    c.year, c.standard, c.stage, c.unit_code,
    coalesce(c.reduction_pp, CASE WHEN NOT c.is_baseline THEN p.poor_rate - c.poor_rate END) AS reduction_pp_restated,
    coalesce(c.near_poor_reduction_pp, CASE WHEN NOT c.is_baseline THEN p.near_poor_rate - c.near_poor_rate END) AS near_poor_reduction_pp_restated,
    c.comparable OR (NOT c.is_baseline AND p.poor_rate IS NOT NULL AND c.poor_rate IS NOT NULL) AS comparable_restated,
    CASE WHEN c.comparable THEN 'same_unit' ELSE p.restate_method END AS restate_method
FROM mart_commune_year c
LEFT JOIN prev p
  ON p.units_year = c.year AND p.year = c.year - 1 AND p.standard = c.standard AND p.unit_code = c.unit_code;
