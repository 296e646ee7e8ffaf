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
    near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_in_other
FROM mart_commune_year;

CREATE OR REPLACE VIEW district_year AS
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
    near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_in_other
FROM mart_area_year WHERE level = 'district';

CREATE OR REPLACE VIEW province_year AS
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
    near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_in_other
FROM mart_area_year WHERE level = 'province';
