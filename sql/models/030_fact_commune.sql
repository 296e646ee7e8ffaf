-- One row per commune, year, standard and stage with the figures of forms
-- A, B and C side by side. poor_end and near_poor_end come from form A when
-- it was sent, else from the flow forms; the flow forms' own end counts are
-- kept for the cross-form checks.
CREATE OR REPLACE TABLE fact_commune AS
SELECT
    year, standard, stage, unit_code,
    coalesce(a.unit_name, b.unit_name, c.unit_name) AS reported_name,
    a.total_households, a.total_persons,
    coalesce(a.poor_end, b.poor_end) AS poor_end,
    coalesce(a.near_poor_end, c.near_poor_end) AS near_poor_end,
    a.poor_rate_reported, a.near_poor_rate_reported,
    a.poor_persons, a.near_poor_persons,
    a.em_households, a.em_poor, a.em_near_poor,
    a.poor_income, a.poor_deprivation, a.complaints,
    b.poor_start, b.poor_out_to_near_poor, b.poor_out_above_near_poor, b.poor_out_other,
    b.poor_in_from_near_poor, b.poor_in_repoor, b.poor_in_new, b.poor_in_other,
    b.poor_end AS poor_end_form_b,
    c.near_poor_start, c.near_poor_out_escaped, c.near_poor_out_to_poor, c.near_poor_out_other,
    c.near_poor_in_from_poor, c.near_poor_in_re, c.near_poor_in_new, c.near_poor_in_other,
    c.near_poor_end AS near_poor_end_form_c,
    a.file_id AS file_id_a, b.file_id AS file_id_b, c.file_id AS file_id_c
FROM stg_form_a a
FULL JOIN stg_form_b b USING (year, standard, stage, unit_code)
FULL JOIN stg_form_c c USING (year, standard, stage, unit_code);
