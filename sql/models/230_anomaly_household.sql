-- Anomaly detection, part 4: the household lists (Form D) and complaints.
-- Only the current household file of each year, standard, stage and commune
-- counts (a corrected list supersedes the earlier one).
CREATE OR REPLACE TABLE anm_household AS
WITH cur AS (
    SELECT file_id, year, standard, stage, unit_code FROM ingest_sheet WHERE form = 'D'
    QUALIFY file_id = max(file_id) OVER (PARTITION BY year, standard, stage, unit_code)
)
SELECT h.*,
       len(list_filter(h.deprivations, d -> d)) AS n_deprivations
FROM raw_household h
JOIN cur USING (file_id, year, standard, stage, unit_code);

CREATE OR REPLACE TABLE anm_ev_household AS
WITH classed AS (
    -- the class the standard's rule gives: NĐ 07/2021 and later "income AND
    -- deprivations" (income proxied by the B1 score when no income is
    -- recorded); QĐ 59/2015 "income OR deprivations" needs the income itself
    SELECT h.*, s.name AS standard_name,
        CASE WHEN h.area = 'urban' THEN s.b1_cut_urban ELSE s.b1_cut_rural END AS b1_cut,
        CASE WHEN h.area = 'urban' THEN s.income_line_urban ELSE s.income_line_rural END AS line,
        CASE WHEN h.area = 'urban' THEN s.near_poor_line_urban ELSE s.near_poor_line_rural END AS near_line,
        s.rule, s.min_deprivations
    FROM anm_household h
    JOIN ref_standard s USING (standard)
),
rule_class AS (
    SELECT *,
        CASE
            WHEN rule = 'income_and_deprivation' AND income_per_capita IS NOT NULL AND line IS NOT NULL THEN
                CASE WHEN income_per_capita <= line THEN CASE WHEN n_deprivations >= min_deprivations THEN 'poor' ELSE 'near_poor' END ELSE 'other' END
            WHEN rule = 'income_and_deprivation' AND b1_score IS NOT NULL AND b1_cut IS NOT NULL THEN
                CASE WHEN b1_score <= b1_cut THEN CASE WHEN n_deprivations >= min_deprivations THEN 'poor' ELSE 'near_poor' END ELSE 'other' END
            WHEN rule = 'income_or_deprivation' AND income_per_capita IS NOT NULL AND line IS NOT NULL AND near_line IS NOT NULL THEN
                CASE WHEN income_per_capita <= line THEN 'poor'
                     WHEN income_per_capita <= near_line THEN CASE WHEN n_deprivations >= min_deprivations THEN 'poor' ELSE 'near_poor' END
                     ELSE 'other' END
        END AS expected_class,
        CASE WHEN income_per_capita IS NOT NULL THEN 'thu nhập ' || vn0(income_per_capita) || ' đồng'
             ELSE 'điểm B1 ' || vn0(b1_score) || (CASE WHEN b1_score > b1_cut THEN ' > ' ELSE ' ≤ ' END) || vn0(b1_cut) END
          || ', ' || n_deprivations || ' chỉ số thiếu hụt' AS basis
    FROM classed
),
contra AS (
    SELECT * FROM rule_class
    WHERE expected_class IS NOT NULL
      AND CASE WHEN class_end IN ('poor', 'near_poor') THEN class_end ELSE 'other' END <> expected_class
),
class_ev AS (
    SELECT year, stage, unit_code, 'H_CLASS_RULE' AS rule_id,
           count(*)::DOUBLE AS observed, 0.0 AS expected, NULL::DOUBLE AS lower, NULL::DOUBLE AS upper,
           anm_param('H_CLASS_RULE', 'min_households') AS threshold,
           least(3.0, 1 + 0.1 * (count(*) - 1)) AS strength,
           count(*) || ' hộ được xếp loại trái tiêu chí của ' || any_value(standard_name)
             || ' (ví dụ hộ ' || first(household_id ORDER BY source_row) || ': xếp '
             || CASE first(class_end ORDER BY source_row) WHEN 'poor' THEN 'nghèo' WHEN 'near_poor' THEN 'cận nghèo' ELSE 'không nghèo' END
             || ' nhưng ' || first(basis ORDER BY source_row) || ')' AS reason_vi
    FROM contra
    GROUP BY year, stage, unit_code
    HAVING count(*) >= coalesce(anm_param('H_CLASS_RULE', 'min_households'), 1)
),
listed AS (
    SELECT year, standard, stage, unit_code,
           count(*) FILTER (WHERE class_end = 'poor') AS n_poor,
           count(*) FILTER (WHERE class_end = 'near_poor') AS n_near,
           count(*) AS n_rows
    FROM anm_household GROUP BY ALL
),
list_ev AS (
    SELECT l.year, l.stage, l.unit_code, 'H_LIST_MISMATCH' AS rule_id,
           x.listed::DOUBLE AS observed, x.reported::DOUBLE AS expected, NULL::DOUBLE AS lower, NULL::DOUBLE AS upper,
           coalesce(anm_param('H_LIST_MISMATCH', 'tolerance'), 0) AS threshold, 1.0 AS strength,
           'Danh sách hộ có ' || vn0(x.listed) || ' ' || x.what || ', biểu của xã ghi ' || vn0(x.reported) AS reason_vi
    FROM listed l
    JOIN commune_year c USING (year, standard, stage, unit_code)
    CROSS JOIN LATERAL (VALUES
        (l.n_poor, c.poor_end, 'hộ nghèo'),
        (l.n_near, c.near_poor_end, 'hộ cận nghèo'),
        (l.n_rows, c.total_households, 'hộ (tổng số)')) x(listed, reported, what)
    WHERE abs(x.listed - x.reported) > coalesce(anm_param('H_LIST_MISMATCH', 'tolerance'), 0)
    QUALIFY row_number() OVER (PARTITION BY l.year, l.stage, l.unit_code ORDER BY abs(x.listed - x.reported) DESC) = 1
),
dup AS (
    -- the same head (keyed hash of the ID number) in two communes in one year
    SELECT year, head_id_hash, list(DISTINCT unit_code ORDER BY unit_code) AS units
    FROM anm_household
    WHERE head_id_hash IS NOT NULL AND head_id_hash <> ''
    GROUP BY ALL
    HAVING count(DISTINCT unit_code) >= 2
),
dup_ev AS (
    SELECT h.year, h.stage, h.unit_code, 'H_DUPLICATE_HEAD' AS rule_id,
           count(DISTINCT h.head_id_hash)::DOUBLE AS observed, 0.0 AS expected, NULL::DOUBLE AS lower, NULL::DOUBLE AS upper,
           anm_param('H_DUPLICATE_HEAD', 'min_households') AS threshold,
           least(3.0, 1 + 0.1 * (count(DISTINCT h.head_id_hash) - 1)) AS strength,
           count(DISTINCT h.head_id_hash) || ' chủ hộ cũng có tên trong danh sách của xã khác cùng năm (ví dụ hộ '
             || first(h.household_id ORDER BY h.source_row) || ', cũng ở xã mã '
             || first(list_string_agg(list_filter(d.units, u -> u <> h.unit_code)) ORDER BY h.source_row) || ')' AS reason_vi
    FROM anm_household h
    JOIN dup d USING (year, head_id_hash)
    GROUP BY h.year, h.stage, h.unit_code
    HAVING count(DISTINCT h.head_id_hash) >= coalesce(anm_param('H_DUPLICATE_HEAD', 'min_households'), 1)
),
complaints_ev AS (
    SELECT year, stage, unit_code, 'C_COMPLAINTS' AS rule_id, complaints::DOUBLE AS observed, 0.0 AS expected,
           NULL::DOUBLE AS lower, NULL::DOUBLE AS upper, anm_param('C_COMPLAINTS', 'min_count') AS threshold,
           1.0 AS strength,
           'Có ' || vn0(complaints) || ' khiếu nại về kết quả rà soát' AS reason_vi
    FROM commune_year
    WHERE level = 'commune' AND complaints >= coalesce(anm_param('C_COMPLAINTS', 'min_count'), 1)
)
SELECT * FROM class_ev
UNION ALL SELECT * FROM list_ev
UNION ALL SELECT * FROM dup_ev
UNION ALL SELECT * FROM complaints_ev;
