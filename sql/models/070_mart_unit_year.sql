-- Every measure of every unit (commune, district, province), year, standard
-- and stage in one table, so a measure is defined once for all levels. The
-- counts come from mart_commune_year and mart_area_year (areas from summed
-- commune counts); everything below is derived from those counts only.
--
-- Definitions (rates and shares are percent, 0–100; "pp" = percentage points):
--   multidim_rate            (poor_end + near_poor_end) / total_households      tỷ lệ hộ nghèo đa chiều (nghèo + cận nghèo)
--   poor_persons_rate        poor_persons / total_persons                       tỷ lệ nhân khẩu nghèo
--   near_poor_persons_rate   near_poor_persons / total_persons                  tỷ lệ nhân khẩu cận nghèo
--   em_poor_rate             em_poor / em_households (NOT a share of the poor)  tỷ lệ hộ nghèo DTTS
--   em_near_poor_rate        em_near_poor / em_households                       tỷ lệ hộ cận nghèo DTTS
--   em_share_of_poor         em_poor / poor_end                                 tỷ trọng hộ nghèo DTTS trong tổng số hộ nghèo
--   poor_income_rate         poor_income / total_households (2016–2021)         tỷ lệ hộ nghèo về thu nhập
--   poor_deprivation_rate    poor_deprivation / total_households (2016–2021)    tỷ lệ hộ nghèo thiếu hụt DVXHCB
--   poor_escaped             poor_out_to_near_poor + poor_out_above_near_poor   số hộ thoát nghèo
--   escape_rate              poor_escaped / poor_start                          tỷ lệ thoát nghèo
--   escape_above_near_poor_rate  poor_out_above_near_poor / poor_start          tỷ lệ thoát nghèo vượt chuẩn cận nghèo
--   new_poverty_rate         poor_in_new / total_households                     tỷ lệ hộ nghèo phát sinh mới
--   new_poverty_ratio        poor_in_new per 100 escaped households             số hộ phát sinh mới / 100 hộ thoát nghèo
--   repoverty_ratio          poor_in_repoor per 100 escaped households          số hộ tái nghèo / 100 hộ thoát nghèo
--   near_poor_to_poor_rate   near_poor_out_to_poor / near_poor_start            tỷ lệ hộ cận nghèo rơi xuống nghèo
--   near_poor_escape_rate    near_poor_out_escaped / near_poor_start            tỷ lệ thoát cận nghèo
--   poor_net_change          poor_end − poor_start                              biến động số hộ nghèo trong kỳ
--   multidim_reduction_pp, em_poor_reduction_pp: rate(Y−1) − rate(Y), under the
--       same rules as reduction_pp (same standard, not a baseline, unit unchanged,
--       previous year's counted official-or-later row).
--   period_start_year: the start of the cycle's period (ref_cycle.period) for
--       the standard: its baseline year if it has one (end-2021 under NĐ 07);
--       else the same standard's last year of the previous period (2025 for
--       2026–2030 under NĐ 07); else the period's first year.
--   avg_annual_reduction_pp  (poor_rate(start) − poor_rate(Y)) / (Y − start)   giảm nghèo bình quân năm của giai đoạn
--   em_avg_annual_reduction_pp  the same for em_poor_rate                      giảm nghèo DTTS bình quân năm
--   multidim_relative_reduction_pct  100 · (1 − (poor+near-poor)(Y) / (poor+near-poor)(start)),
--       in households: QĐ 90/QĐ-TTg asks to halve them over 2021–2025 (≥ 50).
--   Period measures are NULL unless the start row exists, Y > start, and the
--   unit's territory did not change in (start, Y] (period_comparable).
CREATE OR REPLACE TABLE mart_unit_year AS
WITH u AS (
    SELECT * FROM mart_commune_year
    UNION ALL BY NAME
    SELECT * FROM mart_area_year
),
m AS (
    SELECT
        u.*,
        cy.period,
        100.0 * (u.poor_end + u.near_poor_end) / nullif(u.total_households, 0) AS multidim_rate,
        100.0 * u.poor_persons / nullif(u.total_persons, 0) AS poor_persons_rate,
        100.0 * u.near_poor_persons / nullif(u.total_persons, 0) AS near_poor_persons_rate,
        100.0 * u.em_poor / nullif(u.em_households, 0) AS em_poor_rate,
        100.0 * u.em_near_poor / nullif(u.em_households, 0) AS em_near_poor_rate,
        100.0 * u.em_poor / nullif(u.poor_end, 0) AS em_share_of_poor,
        100.0 * u.poor_income / nullif(u.total_households, 0) AS poor_income_rate,
        100.0 * u.poor_deprivation / nullif(u.total_households, 0) AS poor_deprivation_rate,
        u.poor_out_to_near_poor + u.poor_out_above_near_poor AS poor_escaped,
        100.0 * (u.poor_out_to_near_poor + u.poor_out_above_near_poor) / nullif(u.poor_start, 0) AS escape_rate,
        100.0 * u.poor_out_above_near_poor / nullif(u.poor_start, 0) AS escape_above_near_poor_rate,
        100.0 * u.poor_in_new / nullif(u.total_households, 0) AS new_poverty_rate,
        100.0 * u.poor_in_new / nullif(u.poor_out_to_near_poor + u.poor_out_above_near_poor, 0) AS new_poverty_ratio,
        100.0 * u.poor_in_repoor / nullif(u.poor_out_to_near_poor + u.poor_out_above_near_poor, 0) AS repoverty_ratio,
        100.0 * u.near_poor_out_to_poor / nullif(u.near_poor_start, 0) AS near_poor_to_poor_rate,
        100.0 * u.near_poor_out_escaped / nullif(u.near_poor_start, 0) AS near_poor_escape_rate,
        u.poor_end - u.poor_start AS poor_net_change
    FROM u
    JOIN ref_cycle cy USING (year, standard)
),
period_first AS (
    SELECT period, standard, min(year) AS first_year, max(year) FILTER (WHERE is_baseline) AS baseline_year
    FROM ref_cycle GROUP BY ALL
),
period_start AS (
    SELECT p.period, p.standard,
           coalesce(p.baseline_year, max(prev.year), p.first_year) AS start_year
    FROM period_first p
    LEFT JOIN ref_cycle prev
      ON prev.standard = p.standard AND prev.year = p.first_year - 1 AND prev.period <> p.period
    GROUP BY p.period, p.standard, p.baseline_year, p.first_year
),
-- the figure a later year is compared with: counted, official or later
ref_rows AS (
    SELECT level, unit_code, year, standard, poor_rate, em_poor_rate, multidim_rate, poor_end, near_poor_end
    FROM m WHERE counted AND stage_rank >= 2
)
SELECT
    m.*,
    CASE WHEN m.reduction_pp IS NOT NULL THEN p.multidim_rate - m.multidim_rate END AS multidim_reduction_pp,
    CASE WHEN m.reduction_pp IS NOT NULL THEN p.em_poor_rate - m.em_poor_rate END AS em_poor_reduction_pp,
    ps.start_year AS period_start_year,
    (s.poor_rate IS NOT NULL AND m.year > ps.start_year AND NOT EXISTS (
        SELECT 1 FROM (SELECT year, unit_code FROM unit_changed_year UNION SELECT year, unit_code FROM area_changed_year) ch
        WHERE ch.unit_code = m.unit_code AND ch.year > ps.start_year AND ch.year <= m.year)) AS period_comparable,
    s.poor_rate AS period_start_poor_rate,
    s.poor_end + s.near_poor_end AS period_start_poor_near_poor
FROM m
LEFT JOIN ref_rows p
  ON p.level = m.level AND p.unit_code = m.unit_code AND p.standard = m.standard AND p.year = m.year - 1
LEFT JOIN period_start ps ON ps.period = m.period AND ps.standard = m.standard
LEFT JOIN ref_rows s
  ON s.level = m.level AND s.unit_code = m.unit_code AND s.standard = m.standard AND s.year = ps.start_year;

-- The period measures, from the columns above (kept apart so the
-- comparability rule is written once).
CREATE OR REPLACE TABLE mart_unit_year AS
SELECT
    u.*,
    CASE WHEN u.period_comparable THEN (u.period_start_poor_rate - u.poor_rate) / (u.year - u.period_start_year) END AS avg_annual_reduction_pp,
    CASE WHEN u.period_comparable THEN (s.em_poor_rate - u.em_poor_rate) / (u.year - u.period_start_year) END AS em_avg_annual_reduction_pp,
    CASE WHEN u.period_comparable THEN 100.0 * (1 - (u.poor_end + u.near_poor_end) / nullif(u.period_start_poor_near_poor, 0)) END AS multidim_relative_reduction_pct
FROM mart_unit_year u
LEFT JOIN (SELECT level, unit_code, year, standard, em_poor_rate FROM mart_unit_year WHERE counted AND stage_rank >= 2) s
  ON s.level = u.level AND s.unit_code = u.unit_code AND s.standard = u.standard AND s.year = u.period_start_year;
