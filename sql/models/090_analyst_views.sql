-- The analyst schema: stable views over the marts. Columns are documented in
-- docs/schema.md; add columns at the end, never rename or drop one.
CREATE OR REPLACE VIEW commune_year AS
SELECT
    year, standard, stage, counted, is_baseline,
    unit_code, unit_name, level, parent_code, district_code, district_name, province_code, province_name, synthetic,
    total_households, total_persons, poor_end, near_poor_end,
    poor_rate, near_poor_rate, reduction_pp, near_poor_reduction_pp, comparable,
    poor_rate_reported, near_poor_rate_reported,
    poor_persons, near_poor_persons, em_households, em_poor, em_near_poor,
    poor_income, poor_deprivation, complaints,
    poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
    poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other,
    near_poor_start, near_poor_out_escaped, near_poor_out_to_poor, near_poor_out_other,
    near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_in_other,
    multidim_rate, poor_persons_rate, near_poor_persons_rate,
    em_poor_rate, em_near_poor_rate, em_share_of_poor, poor_income_rate, poor_deprivation_rate,
    poor_escaped, escape_rate, escape_above_near_poor_rate, new_poverty_rate, new_poverty_ratio, repoverty_ratio,
    near_poor_to_poor_rate, near_poor_escape_rate, poor_net_change,
    multidim_reduction_pp, em_poor_reduction_pp,
    period, period_start_year, period_comparable, avg_annual_reduction_pp, em_avg_annual_reduction_pp,
    multidim_relative_reduction_pct,
    reduction_pp_restated, near_poor_reduction_pp_restated, comparable_restated, restate_method
FROM mart_unit_year
LEFT JOIN commune_restated_reduction USING (year, standard, stage, unit_code)
WHERE level = 'commune';

-- Districts and the province show the same columns: one list, kept once.
CREATE OR REPLACE MACRO area_year_at(area_level) AS TABLE
SELECT
    year, standard, stage, counted, is_baseline,
    unit_code, unit_name, level, parent_code, province_code, province_name, synthetic,
    units_reporting, units_expected,
    total_households, total_persons, poor_end, near_poor_end,
    poor_rate, near_poor_rate, reduction_pp, near_poor_reduction_pp, comparable,
    poor_persons, near_poor_persons, em_households, em_poor, em_near_poor,
    poor_income, poor_deprivation, complaints,
    poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
    poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other,
    near_poor_start, near_poor_out_escaped, near_poor_out_to_poor, near_poor_out_other,
    near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_in_other,
    multidim_rate, poor_persons_rate, near_poor_persons_rate,
    em_poor_rate, em_near_poor_rate, em_share_of_poor, poor_income_rate, poor_deprivation_rate,
    poor_escaped, escape_rate, escape_above_near_poor_rate, new_poverty_rate, new_poverty_ratio, repoverty_ratio,
    near_poor_to_poor_rate, near_poor_escape_rate, poor_net_change,
    multidim_reduction_pp, em_poor_reduction_pp,
    period, period_start_year, period_comparable, avg_annual_reduction_pp, em_avg_annual_reduction_pp,
    multidim_relative_reduction_pct
FROM mart_unit_year WHERE level = area_level;

CREATE OR REPLACE VIEW district_year AS SELECT * FROM area_year_at('district');

CREATE OR REPLACE VIEW province_year AS SELECT * FROM area_year_at('province');

-- Earlier years restated on the communes of a later year (units_year), and
-- that year's own rows, so a series can be read on one set of units.
CREATE OR REPLACE VIEW commune_year_restated AS
SELECT
    units_year, year, standard, stage, counted, is_baseline,
    unit_code, unit_name, province_code, province_name, synthetic,
    restated, restate_method, predecessors, predecessors_reporting, complete,
    total_households, total_persons, poor_end, near_poor_end, poor_persons, near_poor_persons,
    em_households, em_poor, em_near_poor,
    poor_rate, near_poor_rate, multidim_rate, em_poor_rate
FROM restated_commune_year;

-- Targets and whether each counted unit-year met them.
CREATE OR REPLACE VIEW unit_target_year AS
SELECT
    year, standard, stage, period, is_baseline,
    level, unit_code, unit_name, province_code, synthetic,
    measure, target_min, target_max, target_source, default_target,
    actual, status, status_vi, period_avg_pp, period_status, period_status_vi
FROM mart_unit_target_year;
