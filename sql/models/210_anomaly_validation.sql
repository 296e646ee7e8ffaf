-- Anomaly detection, part 2: the consistency rules of domain.md §4 that are
-- certain errors, not suspicions (identities, bounds, printed rates,
-- continuity with last year), and the findings ingest recorded. Each rule
-- yields at most one row per commune-year-stage: its worst sub-check.
-- strength multiplies the rule's weight into the evidence score.
CREATE OR REPLACE TABLE anm_ev_validation AS
WITH b AS (SELECT * FROM anm_base),
checks AS (
    -- Form B: end = start − outflows + inflows
    SELECT year, stage, unit_code, 'V_FLOW_POOR' AS rule_id,
           poor_end::DOUBLE AS observed,
           (poor_start - poor_out_to_near_poor - poor_out_above_near_poor - poor_out_other
            + poor_in_from_near_poor + poor_in_repoor + poor_in_new + poor_in_other)::DOUBLE AS expected,
           coalesce(anm_param('V_FLOW_POOR', 'tolerance'), 0) AS threshold,
           'Biểu 02: đầu kỳ − giảm + tăng = ' || vn0(expected) || ' hộ nghèo nhưng cuối kỳ ghi '
             || vn0(observed) || ' hộ (lệch ' || vn0(abs(observed - expected)) || ' hộ)' AS reason_vi
    FROM b WHERE poor_start IS NOT NULL AND poor_end IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_FLOW_NEAR',
           near_poor_end::DOUBLE,
           (near_poor_start - near_poor_out_escaped - near_poor_out_to_poor - near_poor_out_other
            + near_poor_in_from_poor + near_poor_in_re + near_poor_in_new + near_poor_in_other)::DOUBLE,
           coalesce(anm_param('V_FLOW_NEAR', 'tolerance'), 0),
           'Biểu 03: đầu kỳ − giảm + tăng = ' || vn0(near_poor_start - near_poor_out_escaped - near_poor_out_to_poor
             - near_poor_out_other + near_poor_in_from_poor + near_poor_in_re + near_poor_in_new + near_poor_in_other)
             || ' hộ cận nghèo nhưng cuối kỳ ghi ' || vn0(near_poor_end) || ' hộ'
    FROM b WHERE near_poor_start IS NOT NULL AND near_poor_end IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_CROSS_FORM', poor_out_to_near_poor, near_poor_in_from_poor,
           coalesce(anm_param('V_CROSS_FORM', 'tolerance'), 0),
           'Hộ nghèo chuyển sang cận nghèo: Biểu 02 ghi ' || vn0(poor_out_to_near_poor)
             || ' hộ, Biểu 03 ghi ' || vn0(near_poor_in_from_poor) || ' hộ'
    FROM b WHERE poor_out_to_near_poor IS NOT NULL AND near_poor_in_from_poor IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_CROSS_FORM', near_poor_out_to_poor, poor_in_from_near_poor,
           coalesce(anm_param('V_CROSS_FORM', 'tolerance'), 0),
           'Hộ cận nghèo chuyển sang nghèo: Biểu 03 ghi ' || vn0(near_poor_out_to_poor)
             || ' hộ, Biểu 02 ghi ' || vn0(poor_in_from_near_poor) || ' hộ'
    FROM b WHERE near_poor_out_to_poor IS NOT NULL AND poor_in_from_near_poor IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_INCOME_DEPRIVATION', (poor_income + poor_deprivation)::DOUBLE, poor_end,
           coalesce(anm_param('V_INCOME_DEPRIVATION', 'tolerance'), 0),
           'Nghèo theo thu nhập ' || vn0(poor_income) || ' + nghèo thiếu hụt ' || vn0(poor_deprivation)
             || ' = ' || vn0(poor_income + poor_deprivation) || ' hộ, khác tổng hộ nghèo ' || vn0(poor_end) || ' hộ'
    FROM b WHERE poor_income IS NOT NULL AND poor_deprivation IS NOT NULL AND poor_end IS NOT NULL
    UNION ALL
    -- outflows cannot exceed the start stock: expected is the ceiling
    SELECT year, stage, unit_code, 'V_OUTFLOW_STOCK',
           (poor_out_to_near_poor + poor_out_above_near_poor + poor_out_other)::DOUBLE, poor_start, 0,
           'Số hộ nghèo giảm ' || vn0(poor_out_to_near_poor + poor_out_above_near_poor + poor_out_other)
             || ' hộ, nhiều hơn số hộ nghèo đầu kỳ ' || vn0(poor_start) || ' hộ'
    FROM b WHERE poor_out_to_near_poor + poor_out_above_near_poor + poor_out_other > poor_start
    UNION ALL
    SELECT year, stage, unit_code, 'V_OUTFLOW_STOCK',
           (near_poor_out_escaped + near_poor_out_to_poor + near_poor_out_other)::DOUBLE, near_poor_start, 0,
           'Số hộ cận nghèo giảm ' || vn0(near_poor_out_escaped + near_poor_out_to_poor + near_poor_out_other)
             || ' hộ, nhiều hơn số hộ cận nghèo đầu kỳ ' || vn0(near_poor_start) || ' hộ'
    FROM b WHERE near_poor_out_escaped + near_poor_out_to_poor + near_poor_out_other > near_poor_start
    UNION ALL
    SELECT year, stage, unit_code, 'V_BOUNDS', (poor_end + near_poor_end)::DOUBLE, total_households, 0,
           'Hộ nghèo + cận nghèo = ' || vn0(poor_end + near_poor_end) || ', nhiều hơn tổng số hộ ' || vn0(total_households)
    FROM b WHERE poor_end + near_poor_end > total_households
    UNION ALL
    SELECT year, stage, unit_code, 'V_BOUNDS', em_poor, em_households, 0,
           'Hộ nghèo DTTS ' || vn0(em_poor) || ', nhiều hơn số hộ DTTS ' || vn0(em_households)
    FROM b WHERE em_poor > em_households
    UNION ALL
    SELECT year, stage, unit_code, 'V_BOUNDS', em_households, total_households, 0,
           'Hộ DTTS ' || vn0(em_households) || ', nhiều hơn tổng số hộ ' || vn0(total_households)
    FROM b WHERE em_households > total_households
    UNION ALL
    SELECT year, stage, unit_code, 'V_BOUNDS', total_persons, total_households, 0,
           'Số nhân khẩu ' || vn0(total_persons) || ' ít hơn số hộ ' || vn0(total_households)
    FROM b WHERE total_persons < total_households
    UNION ALL
    SELECT year, stage, unit_code, 'V_RATE_PRINTED', poor_rate_reported, poor_rate,
           coalesce(anm_param('V_RATE_PRINTED', 'tolerance_pp'), 0.01),
           'Tỷ lệ hộ nghèo in ' || vn2(poor_rate_reported) || '%, tính lại từ số hộ được ' || vn2(poor_rate) || '%'
    FROM b WHERE poor_rate_reported IS NOT NULL AND poor_rate IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_RATE_PRINTED', near_poor_rate_reported, near_poor_rate,
           coalesce(anm_param('V_RATE_PRINTED', 'tolerance_pp'), 0.01),
           'Tỷ lệ hộ cận nghèo in ' || vn2(near_poor_rate_reported) || '%, tính lại từ số hộ được ' || vn2(near_poor_rate) || '%'
    FROM b WHERE near_poor_rate_reported IS NOT NULL AND near_poor_rate IS NOT NULL
    UNION ALL
    -- continuity: never in a baseline year (has_prev is false there); across
    -- a reorganisation the crosswalk sum may be off by rounding per fraction
    SELECT year, stage, unit_code, 'V_CONTINUITY', poor_start, prev_p,
           coalesce(anm_param('V_CONTINUITY', 'tolerance'), 0)
             + n_fraction * coalesce(anm_param('V_CONTINUITY', 'tolerance_per_fraction'), 1),
           'Hộ nghèo đầu kỳ ' || vn0(poor_start) || ', nhưng cuối kỳ năm ' || (year - 1)
             || CASE WHEN via_crosswalk THEN ' (cộng theo bảng chuyển đổi đơn vị)' ELSE '' END
             || ' là ' || vn0(prev_p) || ' hộ'
    FROM b WHERE has_prev AND poor_start IS NOT NULL
    UNION ALL
    SELECT year, stage, unit_code, 'V_CONTINUITY', near_poor_start, prev_n,
           coalesce(anm_param('V_CONTINUITY', 'tolerance'), 0)
             + n_fraction * coalesce(anm_param('V_CONTINUITY', 'tolerance_per_fraction'), 1),
           'Hộ cận nghèo đầu kỳ ' || vn0(near_poor_start) || ', nhưng cuối kỳ năm ' || (year - 1)
             || CASE WHEN via_crosswalk THEN ' (cộng theo bảng chuyển đổi đơn vị)' ELSE '' END
             || ' là ' || vn0(prev_n) || ' hộ'
    FROM b WHERE has_prev AND near_poor_start IS NOT NULL
),
fired AS (
    SELECT *, abs(observed - expected) AS gap FROM checks
    WHERE abs(observed - expected) > threshold + 1e-9
       OR rule_id IN ('V_OUTFLOW_STOCK', 'V_BOUNDS')
),
-- the findings ingest recorded, only for files still current (a corrected
-- file supersedes the earlier one for its form, year, standard, stage, unit)
-- (the newest whole file and the --partial files after it, as stg_current_file)
current_sheet AS (
    SELECT s.* FROM ingest_sheet s
    QUALIFY s.file_id >= coalesce(max(s.file_id) FILTER (WHERE NOT coalesce(s.partial, false))
                                  OVER (PARTITION BY s.form, s.year, s.standard, s.stage, s.unit_code), 0)
),
findings AS (
    SELECT s.year, s.stage, coalesce(f.unit_code, s.unit_code) AS unit_code,
           'I_' || substr(f.rule_id, 3) AS rule_id,
           TRY_CAST(replace(replace(f.value_found, '.', ''), ',', '.') AS DOUBLE) AS observed,
           TRY_CAST(replace(replace(f.expected, '.', ''), ',', '.') AS DOUBLE) AS expected,
           NULL::DOUBLE AS threshold,
           'Lúc nạp tệp ' || fi.file_name || coalesce(', ô ' || f.cell, '') || ': ' || f.message
             || coalesce(' (ghi ' || f.value_found || coalesce(', đúng là ' || f.expected, '') || ')', '') AS reason_vi,
           f.file_id, f.source_row
    FROM ingest_finding f
    JOIN (SELECT DISTINCT file_id, sheet, year, stage, unit_code FROM current_sheet) s
      ON s.file_id = f.file_id AND s.sheet IS NOT DISTINCT FROM f.sheet
    JOIN ingest_file fi ON fi.file_id = f.file_id
    WHERE f.rule_id LIKE 'F\_%' ESCAPE '\'
)
SELECT year, stage, unit_code, rule_id, observed, expected,
       expected - threshold AS lower, expected + threshold AS upper, threshold,
       1.0 AS strength, reason_vi
FROM fired
QUALIFY row_number() OVER (PARTITION BY year, stage, unit_code, rule_id ORDER BY gap DESC, reason_vi) = 1
UNION ALL
SELECT year, stage, unit_code, rule_id, observed, expected, NULL, NULL, threshold, 1.0, reason_vi
FROM findings
QUALIFY row_number() OVER (PARTITION BY year, stage, unit_code, rule_id ORDER BY file_id DESC, source_row) = 1;
