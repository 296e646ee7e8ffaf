-- Anomaly detection (phúc tra list), part 1: helpers and the per-commune base
-- every rule reads. Rules, weights and thresholds are data
-- (ref_anomaly_rule, from data/anomaly_rules.csv); a rule missing from that
-- table, or with weight 0, does not fire. Models 2xx read only the analyst
-- views, the reference tables and the raw/ingest layer.

-- Numbers as an inspector reads them aloud: 1.234,5 (Vietnamese notation).
-- Rounding first avoids printing "-0,0".
CREATE OR REPLACE MACRO vn0(x) AS
    translate(format('{:,d}', round(x::DOUBLE)::BIGINT), ',', '.');
CREATE OR REPLACE MACRO vn1(x) AS
    translate(format('{:,.1f}', CASE WHEN round(x::DOUBLE, 1) = 0 THEN 0.0 ELSE round(x::DOUBLE, 1) END), ',.', '.,');
CREATE OR REPLACE MACRO vn2(x) AS
    translate(format('{:,.2f}', CASE WHEN round(x::DOUBLE, 2) = 0 THEN 0.0 ELSE round(x::DOUBLE, 2) END), ',.', '.,');

-- A rule's numeric parameter (NULL when the rule or the key is absent).
CREATE OR REPLACE MACRO anm_param(rule, key) AS
    (SELECT TRY_CAST(json_extract_string(params, '$.' || key) AS DOUBLE) FROM ref_anomaly_rule WHERE rule_id = rule);

-- Modified z-score (Iglewicz–Hoaglin): 0,6745·(x − median)/MAD. The MAD is
-- floored so that a group whose values are nearly identical (common with
-- small integer counts) does not turn a tiny difference into a huge score.
CREATE OR REPLACE MACRO anm_modz(x, med, mad_, min_mad) AS
    0.6745 * (x - med) / greatest(mad_, min_mad);

-- Count-aware check: the standardised gap between an observed count and its
-- expectation n·e under a beta-binomial with intra-class correlation rho
-- (variance n·e·(1−e)·(1 + (n−1)·rho)). Small communes get a wide band, so
-- 3 of 40 households is not an outlier while 300 of 4 000 may be. e is kept
-- inside [0,5/n; 1 − 0,5/n] so that an expected 0 % still has a variance,
-- and the gap shrinks by half a household (continuity correction) because
-- the normal approximation is generous with a handful of households: 4 of 5
-- against an expected 30 % is not evidence (exact p ≈ 0,03).
CREATE OR REPLACE MACRO anm_clamp_p(e, n) AS least(greatest(e, 0.5 / n), 1 - 0.5 / n);
CREATE OR REPLACE MACRO anm_bbz(obs, n, e, rho) AS
    CASE WHEN n > 0 THEN
        sign(obs - n * anm_clamp_p(e, n)) * greatest(abs(obs - n * anm_clamp_p(e, n)) - 0.5, 0)
        / sqrt(n * anm_clamp_p(e, n) * (1 - anm_clamp_p(e, n)) * (1 + (n - 1) * rho))
    END;

-- Units of each review year (valid on 31/12), from the reference table, for
-- names and levels of units that are not communes (a district total row).
CREATE OR REPLACE TABLE anm_unit AS
WITH years AS (SELECT DISTINCT year FROM ref_cycle)
SELECT y.year, u.unit_code, u.unit_name, u.level, u.parent_code
FROM years y
JOIN ref_unit u
  ON u.valid_from <= make_date(y.year, 12, 31)
 AND (u.valid_to IS NULL OR u.valid_to > make_date(y.year, 12, 31));

-- Crosswalk rows that take effect during review year Y (after 31/12/(Y−1),
-- on or before 31/12/Y): the unit reported in Y is made of these old units.
CREATE OR REPLACE TABLE anm_move AS
WITH years AS (SELECT DISTINCT year FROM ref_cycle)
SELECT y.year, x.new_code, x.old_code, x.share_kind, x.share
FROM ref_crosswalk x
JOIN years y
  ON x.effective_date > make_date(y.year - 1, 12, 31)
 AND x.effective_date <= make_date(y.year, 12, 31);

-- The previous year's counted official-or-later result of the same standard
-- for each commune: by code, or through the crosswalk when the unit changed
-- (Σ share × old result; unknown when a share is unknown).
CREATE OR REPLACE TABLE anm_prev AS
WITH counted AS (
    SELECT year, standard, unit_code, total_households, poor_end, near_poor_end
    FROM commune_year
    WHERE counted AND stage <> 'preliminary' AND level = 'commune'
),
units AS (
    SELECT DISTINCT year, standard, unit_code FROM commune_year WHERE level = 'commune'
),
moved AS (
    SELECT u.year, u.standard, u.unit_code,
           bool_or(m.share_kind = 'partial' OR (m.share_kind = 'fraction' AND m.share IS NULL)) AS unknown_share,
           count(*) AS n_parts,
           count(c.unit_code) AS n_found,
           count(*) FILTER (WHERE m.share_kind = 'fraction') AS n_fraction,
           sum(coalesce(m.share, 1) * c.total_households) AS prev_h,
           sum(coalesce(m.share, 1) * c.poor_end) AS prev_p,
           sum(coalesce(m.share, 1) * c.near_poor_end) AS prev_n
    FROM units u
    JOIN anm_move m ON m.year = u.year AND m.new_code = u.unit_code
    LEFT JOIN counted c ON c.year = u.year - 1 AND c.standard = u.standard AND c.unit_code = m.old_code
    GROUP BY ALL
)
SELECT u.year, u.standard, u.unit_code,
       CASE WHEN mv.unit_code IS NULL THEN c.total_households
            WHEN NOT mv.unknown_share AND mv.n_found = mv.n_parts THEN mv.prev_h END AS prev_h,
       CASE WHEN mv.unit_code IS NULL THEN c.poor_end
            WHEN NOT mv.unknown_share AND mv.n_found = mv.n_parts THEN mv.prev_p END AS prev_p,
       CASE WHEN mv.unit_code IS NULL THEN c.near_poor_end
            WHEN NOT mv.unknown_share AND mv.n_found = mv.n_parts THEN mv.prev_n END AS prev_n,
       mv.unit_code IS NOT NULL AS via_crosswalk,
       coalesce(mv.n_fraction, 0) AS n_fraction
FROM units u
LEFT JOIN moved mv USING (year, standard, unit_code)
-- by code (used only when the unit did not change: see the CASEs above)
LEFT JOIN counted c ON c.year = u.year - 1 AND c.standard = u.standard AND c.unit_code = u.unit_code;

-- One row per commune, year, standard and stage with the measures the rules
-- compare, the peer group and the previous result. Peers are the communes of
-- the same district; without districts (from 1/7/2025) the communes of
-- similar poverty level: fifths of the province by last year's rate.
CREATE OR REPLACE TABLE anm_base AS
WITH b AS (
    SELECT
        c.*,
        p.prev_h, p.prev_p, p.prev_n, p.via_crosswalk, p.n_fraction,
        100.0 * p.prev_p / nullif(p.prev_h, 0) AS prev_rate,
        -- comparable with last year: same standard, not a baseline, and the
        -- territory known (by code or through the crosswalk)
        NOT c.is_baseline AND p.prev_h > 0 AS has_prev
    FROM commune_year c
    LEFT JOIN anm_prev p USING (year, standard, unit_code)
    WHERE c.level = 'commune'
),
m AS (
    SELECT
        b.*,
        CASE WHEN has_prev THEN prev_rate - poor_rate END AS red,
        -- the fall relative to last year's rate: poverty falls roughly in
        -- proportion to its level, so this is what peers share across levels
        CASE WHEN has_prev AND prev_rate > 0 THEN (prev_rate - poor_rate) / prev_rate END AS rel_red,
        100.0 * (poor_out_to_near_poor + poor_out_above_near_poor) / nullif(poor_start, 0) AS escape_pct,
        100.0 * (poor_in_new + poor_in_repoor) / nullif(poor_start, 0) AS inflow_pct,
        100.0 * poor_out_to_near_poor / nullif(poor_start, 0) AS to_near_pct,
        100.0 * poor_out_above_near_poor / nullif(poor_out_to_near_poor + poor_out_above_near_poor, 0) AS above_pct,
        CASE WHEN has_prev THEN 100.0 * (total_households - prev_h) / prev_h END AS denom_pct
    FROM b
)
SELECT
    m.*,
    CASE WHEN district_code IS NOT NULL THEN district_code
         ELSE 'muc_' || ntile(5) OVER (PARTITION BY year, standard, stage, district_code IS NULL
                                       ORDER BY coalesce(prev_rate, poor_rate), unit_code) END AS peer_group,
    CASE WHEN district_code IS NOT NULL THEN 'các xã cùng ' || coalesce(district_name, 'huyện')
         ELSE 'các xã có mức nghèo tương tự' END AS peer_label
FROM m;

-- The commune's own history: counted official-or-later reductions of the
-- same standard, only from years when the unit already had its current
-- territory (a merged commune has no history before its merger).
CREATE OR REPLACE TABLE anm_history AS
WITH red AS (
    SELECT year, standard, unit_code, red FROM anm_base
    WHERE counted AND stage <> 'preliminary' AND red IS NOT NULL
),
changes AS (
    SELECT new_code AS unit_code, year FROM anm_move WHERE old_code <> new_code OR share_kind <> 'full'
    UNION
    SELECT old_code, year FROM anm_move WHERE old_code <> new_code OR share_kind <> 'full'
),
-- the last year, up to the reviewed one, in which the unit's territory changed
last_change AS (
    SELECT b.year, b.unit_code, max(c.year) AS last_change
    FROM (SELECT DISTINCT year, unit_code FROM anm_base) b
    JOIN changes c ON c.unit_code = b.unit_code AND c.year <= b.year
    GROUP BY ALL
),
p AS (SELECT coalesce(anm_param('S_HISTORY_REDUCTION', 'years'), 3)::INT AS years)
SELECT b.year, b.standard, b.stage, b.unit_code,
       -- the median of the previous years, not their mean: one anomalous year
       -- must not make the following normal years look anomalous
       median(r.red) AS mean_red, count(r.red) AS n_years
FROM anm_base b
CROSS JOIN p
LEFT JOIN last_change lc ON lc.year = b.year AND lc.unit_code = b.unit_code
JOIN red r
  ON r.unit_code = b.unit_code AND r.standard = b.standard
 AND r.year BETWEEN b.year - p.years AND b.year - 1
WHERE b.red IS NOT NULL
  AND r.year >= coalesce(lc.last_change, 0)
GROUP BY ALL;
