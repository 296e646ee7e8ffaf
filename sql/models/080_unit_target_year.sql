-- Targets per unit and year, and whether each counted unit-year met them.
-- A target (data/targets.csv) applies to the years of its period whose
-- review cycle belongs to that period (ref_cycle.period), so 2021 under
-- QĐ 59 counts for 2016–2020 and the end-2021 NĐ 07 baseline for 2021–2025.
-- A unit's own target wins over the '*' default, which applies to every unit
-- (province, district and commune) without one.
--
-- Measures understood (target and actual in the same unit):
--   poor_rate_reduction_pp           actual = reduction_pp, per year           giảm tỷ lệ hộ nghèo (điểm %/năm)
--   em_poor_rate_reduction_pp        actual = em_poor_reduction_pp, per year   giảm tỷ lệ hộ nghèo DTTS (điểm %/năm)
--   multidim_relative_reduction_pct  actual = multidim_relative_reduction_pct, judged in the
--                                    period's last year (earlier: in_progress) giảm số hộ nghèo + cận nghèo so với đầu kỳ (%)
-- status compares the actual rounded to the two decimals shown:
--   exceeded (vượt) above target_max; met (đạt) at or above target_min;
--   missed (không đạt) below; not_comparable (không so sánh được) when the
--   actual cannot be measured (baseline, change of boundaries, no previous
--   year) — a page must never say "missed" then.
-- period_avg_pp / period_status judge the period's average annual reduction
-- so far (avg_annual_reduction_pp) against the same yearly target.
CREATE OR REPLACE MACRO target_status(actual, lo, hi) AS
    CASE WHEN actual IS NULL THEN 'not_comparable'
         WHEN hi IS NOT NULL AND round(actual, 2) > hi THEN 'exceeded'
         WHEN round(actual, 2) >= lo THEN 'met'
         ELSE 'missed' END;

CREATE OR REPLACE MACRO target_status_vi(s) AS
    CASE s WHEN 'exceeded' THEN 'vượt' WHEN 'met' THEN 'đạt' WHEN 'missed' THEN 'không đạt'
           WHEN 'in_progress' THEN 'đang thực hiện' WHEN 'not_comparable' THEN 'không so sánh được' END;

CREATE OR REPLACE TABLE mart_unit_target_year AS
WITH m AS (
    SELECT
        u.level, u.unit_code, u.unit_name, u.province_code, u.synthetic,
        u.year, u.standard, u.stage, u.period, u.is_baseline,
        t.measure, t.target_min, t.target_max, t.source AS target_source, t.unit_code = '*' AS default_target,
        t.last_year AS period_last_year,
        CASE t.measure
            WHEN 'poor_rate_reduction_pp' THEN u.reduction_pp
            WHEN 'em_poor_rate_reduction_pp' THEN u.em_poor_reduction_pp
            WHEN 'multidim_relative_reduction_pct' THEN u.multidim_relative_reduction_pct
        END AS actual,
        CASE t.measure
            WHEN 'poor_rate_reduction_pp' THEN u.avg_annual_reduction_pp
            WHEN 'em_poor_rate_reduction_pp' THEN u.em_avg_annual_reduction_pp
        END AS period_avg_pp,
        row_number() OVER (PARTITION BY u.level, u.unit_code, u.year, u.standard, u.stage, t.measure
                           ORDER BY t.unit_code = '*', t.first_year DESC) AS pick
    FROM mart_unit_year u
    JOIN ref_target t
      ON t.period = u.period
     AND (t.unit_code = u.unit_code OR t.unit_code = '*')
     AND u.year BETWEEN t.first_year AND t.last_year
     AND t.target_min IS NOT NULL
    WHERE u.counted
)
SELECT
    level, unit_code, unit_name, province_code, synthetic, year, standard, stage, period, is_baseline,
    measure, target_min, target_max, target_source, default_target,
    actual,
    CASE WHEN measure = 'multidim_relative_reduction_pct' AND year < period_last_year AND actual IS NOT NULL
         THEN 'in_progress' ELSE target_status(actual, target_min, target_max) END AS status,
    target_status_vi(status) AS status_vi,
    period_avg_pp,
    CASE WHEN period_avg_pp IS NULL AND measure = 'multidim_relative_reduction_pct' THEN NULL
         ELSE target_status(period_avg_pp, target_min, target_max) END AS period_status,
    target_status_vi(period_status) AS period_status_vi
FROM m
WHERE pick = 1;
