-- Household lists (Form D) against the standard and against the forms.
--
-- stg_household: the rows that count, as for forms A–C: the current files
-- of each year, standard, stage and reporting unit (stg_current_file: the
-- newest whole list and the partial lists after it); each commune's
-- households come whole from the newest of them holding the commune (a
-- corrected list replaces the commune's list, households dropped from it
-- included); one row per household.
CREATE OR REPLACE VIEW stg_household AS
SELECT * FROM (
    SELECT h.*
    FROM raw_household h
    WHERE h.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'D')
    QUALIFY h.file_id = max(h.file_id) OVER (PARTITION BY h.year, h.standard, h.stage, h.unit_code)
)
QUALIFY row_number() OVER (PARTITION BY year, standard, stage, unit_code, coalesce(household_id, source_row::VARCHAR)
                           ORDER BY file_id DESC, source_row) = 1;

-- household_class: each household's class recomputed under its year's
-- standard (ref_standard), beside the class that was reported.
--   low income: income_per_capita ≤ the income line of its area when the
--     income is given; else, under income_and_deprivation standards, the B1
--     score ≤ the standard's B1 cut-off (phiếu B proxy); else unknown.
--   income_and_deprivation (NĐ 07/2021, NĐ 351/2025): poor = low income and
--     ≥ min_deprivations; near_poor = low income and fewer; else neither.
--   income_or_deprivation (QĐ 59/2015): poor = income ≤ line, or income ≤
--     near-poor line and ≥ min_deprivations; near_poor = income ≤ near-poor
--     line with fewer; else neither (needs the income: B1 has no cut-off).
-- The reported escaped and none both mean "neither". A household whose class
-- cannot be recomputed (no income or score, unknown area) is not a
-- disagreement. Names and ID hashes stay out of this table.
CREATE OR REPLACE TABLE mart_household_class AS
WITH h AS (
    SELECT
        h.file_id, h.source_row, h.year, h.standard, h.stage, h.unit_code, h.household_id, h.village,
        h.area, h.members, h.ethnicity, h.b1_score, h.income_per_capita, h.class_end, h.change,
        s.rule, s.min_deprivations,
        CASE h.area WHEN 'urban' THEN s.income_line_urban WHEN 'rural' THEN s.income_line_rural END AS income_line,
        CASE h.area WHEN 'urban' THEN coalesce(s.near_poor_line_urban, s.income_line_urban)
                    WHEN 'rural' THEN coalesce(s.near_poor_line_rural, s.income_line_rural) END AS near_poor_line,
        CASE h.area WHEN 'urban' THEN s.b1_cut_urban WHEN 'rural' THEN s.b1_cut_rural END AS b1_cut,
        len(list_filter(h.deprivations, x -> x)) AS deprivation_count
    FROM stg_household h
    LEFT JOIN ref_standard s USING (standard)
),
k AS (
    SELECT h.*,
        CASE WHEN income_per_capita IS NOT NULL AND income_line IS NOT NULL THEN 'income'
             WHEN rule = 'income_and_deprivation' AND b1_score IS NOT NULL AND b1_cut IS NOT NULL THEN 'b1_score'
        END AS basis
    FROM h
),
c AS (
    SELECT k.*,
        CASE basis WHEN 'income' THEN income_per_capita <= income_line WHEN 'b1_score' THEN b1_score <= b1_cut END AS low_income,
        CASE WHEN class_end IN ('poor', 'near_poor') THEN class_end
             WHEN class_end IN ('escaped', 'none') THEN 'neither' END AS class_reported
    FROM k
)
SELECT
    c.*,
    CASE
        WHEN rule = 'income_and_deprivation' THEN
            CASE WHEN low_income IS NULL OR deprivation_count IS NULL THEN NULL
                 WHEN low_income AND deprivation_count >= min_deprivations THEN 'poor'
                 WHEN low_income THEN 'near_poor'
                 ELSE 'neither' END
        WHEN rule = 'income_or_deprivation' AND basis = 'income' THEN
            CASE WHEN income_per_capita <= income_line THEN 'poor'
                 WHEN deprivation_count IS NULL THEN NULL
                 WHEN income_per_capita <= near_poor_line AND deprivation_count >= min_deprivations THEN 'poor'
                 WHEN income_per_capita <= near_poor_line THEN 'near_poor'
                 ELSE 'neither' END
    END AS class_recomputed
FROM c;

-- household_class_commune: disagreements per commune, year, standard, stage.
CREATE OR REPLACE TABLE mart_household_class_commune AS
SELECT
    year, standard, stage, unit_code,
    count(*) AS households_listed,
    count(class_recomputed) AS households_recomputed,
    count(*) FILTER (WHERE class_recomputed <> class_reported) AS disagreements,
    100.0 * count(*) FILTER (WHERE class_recomputed <> class_reported) / nullif(count(class_recomputed), 0) AS disagreement_share,
    count(*) FILTER (WHERE class_reported = 'poor' AND class_recomputed <> 'poor') AS reported_poor_not_poor,
    count(*) FILTER (WHERE class_reported <> 'poor' AND class_recomputed = 'poor') AS poor_not_reported_poor,
    list(household_id ORDER BY household_id) FILTER (WHERE class_recomputed <> class_reported) AS disagreeing_households
FROM mart_household_class
GROUP BY ALL;

-- household_check: the household list counted by class and change against
-- the commune's Form A/B/C row, field by field (difference = list − forms).
-- Only fields the list can say and the forms reported are compared. DTTS
-- (dân tộc thiểu số) = every ethnicity other than Kinh.
CREATE OR REPLACE TABLE mart_household_check AS
WITH counts AS (
    SELECT year, standard, stage, unit_code,
        count(*) AS total_households,
        count(*) FILTER (WHERE class_end = 'poor') AS poor_end,
        count(*) FILTER (WHERE class_end = 'near_poor') AS near_poor_end,
        count(*) FILTER (WHERE ethnicity IS NOT NULL AND lower(trim(ethnicity)) <> 'kinh') AS em_households,
        count(*) FILTER (WHERE class_end = 'poor' AND lower(trim(ethnicity)) <> 'kinh') AS em_poor,
        count(*) FILTER (WHERE class_end = 'near_poor' AND lower(trim(ethnicity)) <> 'kinh') AS em_near_poor,
        count(*) FILTER (WHERE class_end = 'poor' AND change = 'from_near_poor') AS poor_in_from_near_poor,
        count(*) FILTER (WHERE class_end = 'poor' AND change = 'repoor') AS poor_in_repoor,
        count(*) FILTER (WHERE class_end = 'poor' AND change = 'new') AS poor_in_new,
        count(*) FILTER (WHERE class_end = 'near_poor' AND change = 'from_poor') AS poor_out_to_near_poor,
        count(*) FILTER (WHERE change = 'escaped_poor') AS poor_out_above_near_poor,
        count(*) FILTER (WHERE class_end = 'near_poor' AND change = 'from_poor') AS near_poor_in_from_poor,
        count(*) FILTER (WHERE class_end = 'near_poor' AND change = 'repoor') AS near_poor_in_re,
        count(*) FILTER (WHERE class_end = 'near_poor' AND change = 'new') AS near_poor_in_new,
        count(*) FILTER (WHERE class_end = 'poor' AND change = 'from_near_poor') AS near_poor_out_to_poor,
        count(*) FILTER (WHERE change = 'escaped_near_poor') AS near_poor_out_escaped
    FROM stg_household
    GROUP BY ALL
),
list_long AS (
    UNPIVOT counts ON COLUMNS(* EXCLUDE (year, standard, stage, unit_code)) INTO NAME field VALUE from_list
),
forms_long AS (
    UNPIVOT (
        SELECT year, standard, stage, unit_code,
               total_households, poor_end, near_poor_end, em_households, em_poor, em_near_poor,
               poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_out_to_near_poor, poor_out_above_near_poor,
               near_poor_in_from_poor, near_poor_in_re, near_poor_in_new, near_poor_out_to_poor, near_poor_out_escaped
        FROM fact_commune fc
        WHERE EXISTS (SELECT 1 FROM counts c WHERE c.year = fc.year AND c.standard = fc.standard
                                              AND c.stage = fc.stage AND c.unit_code = fc.unit_code)
    ) ON COLUMNS(* EXCLUDE (year, standard, stage, unit_code)) INTO NAME field VALUE from_forms
)
SELECT l.year, l.standard, l.stage, l.unit_code, l.field,
       l.from_list, f.from_forms, l.from_list - f.from_forms AS difference
FROM list_long l
JOIN forms_long f USING (year, standard, stage, unit_code, field);

-- The analyst views over the three tables above.
CREATE OR REPLACE VIEW household_class AS
SELECT year, standard, stage, unit_code, household_id, village, area, members, ethnicity,
       b1_score, income_per_capita, deprivation_count, class_end, change,
       basis, class_reported, class_recomputed, class_recomputed <> class_reported AS disagrees,
       file_id, source_row
FROM mart_household_class;

CREATE OR REPLACE VIEW household_class_commune AS
SELECT h.year, h.standard, h.stage, h.unit_code, d.unit_name,
       h.households_listed, h.households_recomputed, h.disagreements, h.disagreement_share,
       h.reported_poor_not_poor, h.poor_not_reported_poor, h.disagreeing_households
FROM mart_household_class_commune h
LEFT JOIN dim_unit_year d ON d.year = h.year AND d.unit_code = h.unit_code;

CREATE OR REPLACE VIEW household_check AS
SELECT h.year, h.standard, h.stage, h.unit_code, d.unit_name, h.field, h.from_list, h.from_forms, h.difference
FROM mart_household_check h
LEFT JOIN dim_unit_year d ON d.year = h.year AND d.unit_code = h.unit_code;
