-- Anomaly detection, part 3: statistical outliers against peers and against
-- the commune's own history, and the target-chasing patterns. Every rule
-- needs two things to fire: a robust score (modified z with MAD, ± 33 % for
-- history) AND a count-aware test (beta-binomial z, see anm_bbz) so that
-- noisy rates of small communes do not flood the list. A change shared by the
-- whole peer group (a district-wide programme) moves the median, so it is
-- not an outlier; baseline years and unknown territories have no "previous".

-- Peer statistics of each measure: median and MAD per year, standard, stage
-- and peer group, over the communes where the measure exists. Groups of
-- fewer than 5 communes are too small to define "far from the peers".
CREATE OR REPLACE TABLE anm_peer AS
WITH long AS (
    SELECT year, standard, stage, peer_group, unit_code, k, x
    FROM anm_base
    UNPIVOT (x FOR k IN (red, rel_red, escape_pct, inflow_pct, to_near_pct, above_pct, denom_pct))
)
SELECT year, standard, stage, peer_group, k,
       count(*) AS n_peers, median(x) AS med, mad(x) AS mad
FROM long
WHERE x IS NOT NULL AND isfinite(x)
GROUP BY ALL
HAVING count(*) >= 5;

-- Pooled rates of each peer group (Σ counts / Σ bases): the expectation of
-- the count-aware tests. Medians of small communes' percentages are often 0
-- or 100 % by rounding; a pooled rate is not.
CREATE OR REPLACE TABLE anm_pool AS
SELECT year, standard, stage, peer_group,
       sum(poor_out_to_near_poor + poor_out_above_near_poor) / nullif(sum(poor_start), 0) AS esc_pool,
       sum(poor_in_new + poor_in_repoor) / nullif(sum(poor_start), 0) AS in_pool,
       sum(poor_out_to_near_poor) / nullif(sum(poor_start), 0) AS tn_pool,
       sum(poor_out_above_near_poor) / nullif(sum(poor_out_to_near_poor + poor_out_above_near_poor), 0) AS ab_pool
FROM anm_base
GROUP BY ALL;

CREATE OR REPLACE TABLE anm_ev_statistical AS
WITH b AS (
    SELECT b.*,
           r.med AS red_med, r.mad AS red_mad, rr.med AS rel_med,
           e.med AS esc_med, e.mad AS esc_mad,
           i.med AS in_med, i.mad AS in_mad,
           t.med AS tn_med, t.mad AS tn_mad,
           a.med AS ab_med, a.mad AS ab_mad,
           d.med AS den_med, d.mad AS den_mad,
           pl.esc_pool, pl.in_pool, pl.tn_pool, pl.ab_pool
    FROM anm_base b
    LEFT JOIN anm_pool pl USING (year, standard, stage, peer_group)
    LEFT JOIN anm_peer rr ON rr.k = 'rel_red' AND rr.year = b.year AND rr.standard = b.standard AND rr.stage = b.stage AND rr.peer_group = b.peer_group
    LEFT JOIN anm_peer r ON r.k = 'red' AND r.year = b.year AND r.standard = b.standard AND r.stage = b.stage AND r.peer_group = b.peer_group
    LEFT JOIN anm_peer e ON e.k = 'escape_pct' AND e.year = b.year AND e.standard = b.standard AND e.stage = b.stage AND e.peer_group = b.peer_group
    LEFT JOIN anm_peer i ON i.k = 'inflow_pct' AND i.year = b.year AND i.standard = b.standard AND i.stage = b.stage AND i.peer_group = b.peer_group
    LEFT JOIN anm_peer t ON t.k = 'to_near_pct' AND t.year = b.year AND t.standard = b.standard AND t.stage = b.stage AND t.peer_group = b.peer_group
    LEFT JOIN anm_peer a ON a.k = 'above_pct' AND a.year = b.year AND a.standard = b.standard AND a.stage = b.stage AND a.peer_group = b.peer_group
    LEFT JOIN anm_peer d ON d.k = 'denom_pct' AND d.year = b.year AND d.standard = b.standard AND d.stage = b.stage AND d.peer_group = b.peer_group
),
p AS (
    SELECT
        anm_param('S_PEER_REDUCTION', 'mod_z') AS red_z, anm_param('S_PEER_REDUCTION', 'min_mad_pp') AS red_minmad,
        anm_param('S_PEER_REDUCTION', 'count_z') AS red_cz, anm_param('S_PEER_REDUCTION', 'rho') AS red_rho,
        anm_param('S_PEER_REDUCTION', 'max_strength') AS red_max,
        anm_param('S_PEER_ESCAPE', 'mod_z') AS esc_z, anm_param('S_PEER_ESCAPE', 'min_mad_pct') AS esc_minmad,
        anm_param('S_PEER_ESCAPE', 'count_z') AS esc_cz, anm_param('S_PEER_ESCAPE', 'rho') AS esc_rho,
        anm_param('S_PEER_ESCAPE', 'max_strength') AS esc_max,
        anm_param('S_PEER_INFLOW', 'mod_z') AS in_z, anm_param('S_PEER_INFLOW', 'min_mad_pct') AS in_minmad,
        anm_param('S_PEER_INFLOW', 'count_z') AS in_cz, anm_param('S_PEER_INFLOW', 'rho') AS in_rho,
        anm_param('S_PEER_INFLOW', 'max_strength') AS in_max,
        anm_param('S_PEER_DENOMINATOR', 'mod_z') AS den_z, anm_param('S_PEER_DENOMINATOR', 'min_mad_pct') AS den_minmad,
        anm_param('S_PEER_DENOMINATOR', 'count_z') AS den_cz, anm_param('S_PEER_DENOMINATOR', 'max_strength') AS den_max,
        anm_param('S_HISTORY_REDUCTION', 'band') AS h_band, anm_param('S_HISTORY_REDUCTION', 'min_pp') AS h_minpp,
        anm_param('S_HISTORY_REDUCTION', 'count_z') AS h_cz, anm_param('S_HISTORY_REDUCTION', 'rho') AS h_rho,
        anm_param('S_HISTORY_REDUCTION', 'max_strength') AS h_max,
        anm_param('T_THRESHOLD_LANDING', 'band_pp') AS tl_band, anm_param('T_THRESHOLD_LANDING', 'from_above_pp') AS tl_above,
        anm_param('T_THRESHOLD_LANDING', 'count_z') AS tl_cz, anm_param('T_THRESHOLD_LANDING', 'rho') AS tl_rho,
        anm_param('T_EXIT_ABOVE_NEAR', 'mod_z') AS ab_z, anm_param('T_EXIT_ABOVE_NEAR', 'min_mad_pct') AS ab_minmad,
        anm_param('T_EXIT_ABOVE_NEAR', 'count_z') AS ab_cz, anm_param('T_EXIT_ABOVE_NEAR', 'rho') AS ab_rho,
        anm_param('T_EXIT_ABOVE_NEAR', 'max_strength') AS ab_max,
        anm_param('T_MASS_TO_NEAR', 'mod_z') AS tn_z, anm_param('T_MASS_TO_NEAR', 'min_mad_pct') AS tn_minmad,
        anm_param('T_MASS_TO_NEAR', 'count_z') AS tn_cz, anm_param('T_MASS_TO_NEAR', 'rho') AS tn_rho,
        anm_param('T_MASS_TO_NEAR', 'max_strength') AS tn_max,
        anm_param('T_NO_NEW_POOR', 'min_rate') AS nn_rate, anm_param('T_NO_NEW_POOR', 'min_expected') AS nn_exp,
        anm_param('T_NO_NEW_POOR', 'max_strength') AS nn_max
),
s AS (
    SELECT b.*, p.*,
        anm_modz(red, red_med, red_mad, red_minmad) AS red_mz,
        -- expected poor count had the commune fallen like its median peer, in
        -- proportion to its own rate (a low-poverty town in a poor district
        -- cannot fall as many points as its villages)
        anm_bbz(poor_end, total_households, prev_rate / 100 * (1 - rel_med), red_rho) AS red_bz,
        anm_modz(escape_pct, esc_med, esc_mad, esc_minmad) AS esc_mz,
        anm_bbz(poor_out_to_near_poor + poor_out_above_near_poor, poor_start, esc_pool, esc_rho) AS esc_bz,
        anm_modz(inflow_pct, in_med, in_mad, in_minmad) AS in_mz,
        anm_bbz(poor_in_new + poor_in_repoor, poor_start, in_pool, in_rho) AS in_bz,
        anm_modz(denom_pct, den_med, den_mad, den_minmad) AS den_mz,
        -- households: Poisson-like band around last year's count grown like the peers
        (total_households - prev_h * (1 + den_med / 100)) / sqrt(greatest(prev_h * (1 + den_med / 100), 1)) AS den_bz,
        anm_modz(above_pct, ab_med, ab_mad, ab_minmad) AS ab_mz,
        anm_bbz(poor_out_above_near_poor, poor_out_to_near_poor + poor_out_above_near_poor, ab_pool, ab_rho) AS ab_bz,
        anm_modz(to_near_pct, tn_med, tn_mad, tn_minmad) AS tn_mz,
        anm_bbz(poor_out_to_near_poor, poor_start, tn_pool, tn_rho) AS tn_bz,
        h.mean_red, h.n_years
    FROM b CROSS JOIN p
    LEFT JOIN anm_history h USING (year, standard, stage, unit_code)
),
-- this year's shift of the peer group against its own history: a change
-- shared by the district is explained, not anomalous
hs AS (
    SELECT s.*,
        median(red - mean_red) OVER (PARTITION BY year, standard, stage, peer_group) AS peer_shift,
        count(mean_red) OVER (PARTITION BY year, standard, stage, peer_group) AS n_hist_peers
    FROM s
),
ev AS (
    -- a fall in reduction counts as "more reduction" (positive red_mz with a
    -- poor count below expectation: red_bz < 0), a rise the other way round
    SELECT year, stage, unit_code, 'S_PEER_REDUCTION' AS rule_id, red AS observed, red_med AS expected,
           red_med - red_z * greatest(red_mad, red_minmad) / 0.6745 AS lower,
           red_med + red_z * greatest(red_mad, red_minmad) / 0.6745 AS upper,
           red_z AS threshold,
           least(red_max, abs(red_mz) / red_z) AS strength,
           CASE WHEN red >= 0 THEN 'Tỷ lệ hộ nghèo giảm ' || vn1(red) || ' điểm %'
                ELSE 'Tỷ lệ hộ nghèo tăng ' || vn1(-red) || ' điểm %' END
           || CASE WHEN red > 0 AND red_med > 0.05 AND red / red_med >= 1.95
                   THEN ', gấp ' || vn0(red / red_med) || ' lần mức giảm trung vị của ' || peer_label || ' (' || vn1(red_med) || ' điểm %)'
                   ELSE ', trong khi ' || peer_label || ' ' || CASE WHEN red_med >= 0 THEN 'giảm' ELSE 'tăng' END
                        || ' trung vị ' || vn1(abs(red_med)) || ' điểm %' END
           || ' (từ ' || vn2(prev_rate) || '% còn ' || vn2(poor_rate) || '%; z hiệu chỉnh ' || vn1(red_mz) || ')' AS reason_vi
    FROM s
    WHERE abs(red_mz) >= red_z AND sign(red_mz) = -sign(red_bz) AND abs(red_bz) >= red_cz
    UNION ALL
    SELECT year, stage, unit_code, 'S_PEER_ESCAPE', escape_pct, esc_med,
           esc_med - esc_z * greatest(esc_mad, esc_minmad) / 0.6745, esc_med + esc_z * greatest(esc_mad, esc_minmad) / 0.6745,
           esc_z, least(esc_max, abs(esc_mz) / esc_z),
           vn1(escape_pct) || '% hộ nghèo đầu kỳ đã thoát nghèo (' || vn0(poor_out_to_near_poor + poor_out_above_near_poor)
           || '/' || vn0(poor_start) || ' hộ), trong khi trung vị của ' || peer_label || ' là ' || vn1(esc_med) || '%'
    FROM s
    WHERE abs(esc_mz) >= esc_z AND sign(esc_mz) = sign(esc_bz) AND abs(esc_bz) >= esc_cz
    UNION ALL
    SELECT year, stage, unit_code, 'S_PEER_INFLOW', inflow_pct, in_med,
           in_med - in_z * greatest(in_mad, in_minmad) / 0.6745, in_med + in_z * greatest(in_mad, in_minmad) / 0.6745,
           in_z, least(in_max, abs(in_mz) / in_z),
           'Hộ nghèo phát sinh mới và tái nghèo bằng ' || vn1(inflow_pct) || '% số hộ nghèo đầu kỳ ('
           || vn0(poor_in_new + poor_in_repoor) || ' hộ), trong khi trung vị của ' || peer_label || ' là ' || vn1(in_med) || '%'
    FROM s
    WHERE abs(in_mz) >= in_z AND sign(in_mz) = sign(in_bz) AND abs(in_bz) >= in_cz
    UNION ALL
    SELECT year, stage, unit_code, 'S_PEER_DENOMINATOR', denom_pct, den_med,
           den_med - den_z * greatest(den_mad, den_minmad) / 0.6745, den_med + den_z * greatest(den_mad, den_minmad) / 0.6745,
           den_z, least(den_max, abs(den_mz) / den_z),
           'Tổng số hộ ' || CASE WHEN denom_pct >= 0 THEN 'tăng ' ELSE 'giảm ' END || vn1(abs(denom_pct)) || '% so với năm trước ('
           || vn0(prev_h) || ' → ' || vn0(total_households) || ' hộ), trong khi trung vị của ' || peer_label || ' là '
           || vn1(den_med) || '%'
    FROM s
    WHERE abs(den_mz) >= den_z AND sign(den_mz) = sign(den_bz) AND abs(den_bz) >= den_cz
    UNION ALL
    SELECT year, stage, unit_code, 'S_HISTORY_REDUCTION', red, mean_red + peer_shift,
           mean_red + peer_shift - h_band * greatest(abs(mean_red), h_minpp),
           mean_red + peer_shift + h_band * greatest(abs(mean_red), h_minpp),
           h_band,
           least(h_max, abs(red - mean_red - peer_shift) / (h_band * greatest(abs(mean_red), h_minpp))),
           'Tỷ lệ hộ nghèo ' || CASE WHEN red >= 0 THEN 'giảm ' ELSE 'tăng ' END || vn1(abs(red))
           || ' điểm %, trong khi ' || n_years || ' năm trước mức giảm trung vị của chính xã là ' || vn1(mean_red) || ' điểm %/năm'
           || CASE WHEN abs(peer_shift) >= 0.05 THEN ' (đã tính mức thay đổi chung ' || vn1(peer_shift) || ' điểm % của ' || peer_label || ')' ELSE '' END
    FROM hs
    WHERE mean_red IS NOT NULL AND n_years >= coalesce(anm_param('S_HISTORY_REDUCTION', 'min_years'), 3) AND n_hist_peers >= 5
      AND abs(red - mean_red - peer_shift) > h_band * greatest(abs(mean_red), h_minpp)
      AND abs(anm_bbz(poor_end, total_households, (prev_rate - mean_red - peer_shift) / 100, h_rho)) >= h_cz
      AND sign(red - mean_red - peer_shift) = -sign(anm_bbz(poor_end, total_households, (prev_rate - mean_red - peer_shift) / 100, h_rho))
    UNION ALL
    -- target chasing: landing just under a threshold from far above, with a
    -- fall the peers do not explain
    SELECT year, stage, unit_code, 'T_THRESHOLD_LANDING', poor_rate, th, th - tl_band, th, th,
           1.0,
           'Tỷ lệ hộ nghèo giảm từ ' || vn2(prev_rate) || '% xuống ' || vn2(poor_rate) || '%, vừa dưới ngưỡng '
           || vn0(th) || '%, trong khi ' || peer_label || ' giảm trung vị ' || vn1(red_med) || ' điểm %'
    FROM (SELECT s.*, unnest(CAST(json_extract((SELECT params FROM ref_anomaly_rule WHERE rule_id = 'T_THRESHOLD_LANDING'), '$.thresholds') AS DOUBLE[])) AS th FROM s) s
    WHERE poor_rate < th AND poor_rate >= th - tl_band AND prev_rate >= th + tl_above
      AND anm_bbz(poor_end, total_households, prev_rate / 100 * (1 - rel_med), tl_rho) <= -tl_cz
    UNION ALL
    SELECT year, stage, unit_code, 'T_EXIT_ABOVE_NEAR', above_pct, ab_med,
           ab_med - ab_z * greatest(ab_mad, ab_minmad) / 0.6745, ab_med + ab_z * greatest(ab_mad, ab_minmad) / 0.6745,
           ab_z, least(ab_max, ab_mz / ab_z),
           vn1(above_pct) || '% hộ thoát nghèo vượt thẳng lên trên chuẩn cận nghèo (' || vn0(poor_out_above_near_poor) || '/'
           || vn0(poor_out_to_near_poor + poor_out_above_near_poor) || ' hộ), trong khi trung vị của ' || peer_label || ' là ' || vn1(ab_med) || '%'
    FROM s
    WHERE ab_mz >= ab_z AND ab_bz >= ab_cz
    UNION ALL
    SELECT year, stage, unit_code, 'T_MASS_TO_NEAR', to_near_pct, tn_med,
           tn_med - tn_z * greatest(tn_mad, tn_minmad) / 0.6745, tn_med + tn_z * greatest(tn_mad, tn_minmad) / 0.6745,
           tn_z, least(tn_max, tn_mz / tn_z),
           vn1(to_near_pct) || '% hộ nghèo đầu kỳ chuyển sang cận nghèo (' || vn0(poor_out_to_near_poor) || '/' || vn0(poor_start)
           || ' hộ), trong khi trung vị của ' || peer_label || ' là ' || vn1(tn_med) || '%'
    FROM s
    WHERE tn_mz >= tn_z AND tn_bz >= tn_cz
    UNION ALL
    -- no new and no re-poor households where poverty is high, when the peers'
    -- inflow rate says several were to be expected (P(0) = e^(−expected))
    SELECT year, stage, unit_code, 'T_NO_NEW_POOR', 0, poor_start * in_pool, NULL, NULL, nn_exp,
           least(nn_max, poor_start * in_pool / nn_exp),
           'Tỷ lệ hộ nghèo ' || vn2(poor_rate) || '% nhưng không có hộ nghèo phát sinh mới hay tái nghèo; theo '
           || peer_label || ' dự kiến khoảng ' || vn0(poor_start * in_pool) || ' hộ'
    FROM s
    WHERE poor_in_new = 0 AND poor_in_repoor = 0 AND poor_rate >= nn_rate
      AND poor_start * in_pool >= nn_exp
)
SELECT * FROM ev WHERE strength IS NOT NULL AND isfinite(strength);

-- Preliminary → official: the relative change of the poor count compared
-- with every other commune of the province that year ("far larger than
-- elsewhere"), and at least a few households.
CREATE OR REPLACE TABLE anm_ev_prelim AS
WITH pairs AS (
    SELECT o.year, o.standard, o.unit_code, o.poor_end AS official, p.poor_end AS prelim,
           100.0 * (o.poor_end - p.poor_end) / greatest(p.poor_end, 1) AS change_pct
    FROM commune_year o
    JOIN commune_year p
      ON p.year = o.year AND p.standard = o.standard AND p.unit_code = o.unit_code AND p.stage = 'preliminary'
    WHERE o.stage = 'official' AND o.level = 'commune' AND o.poor_end IS NOT NULL AND p.poor_end IS NOT NULL
),
st AS (
    SELECT year, standard, median(change_pct) AS med, mad(change_pct) AS mad, count(*) AS n
    FROM pairs GROUP BY ALL HAVING count(*) >= 5
),
p AS (
    SELECT anm_param('P_PRELIM_OFFICIAL', 'mod_z') AS z, anm_param('P_PRELIM_OFFICIAL', 'min_mad_pct') AS minmad,
           anm_param('P_PRELIM_OFFICIAL', 'min_households') AS minh, anm_param('P_PRELIM_OFFICIAL', 'max_strength') AS mx
),
s AS (
    SELECT pairs.*, st.med, st.mad, p.*, anm_modz(change_pct, st.med, st.mad, p.minmad) AS mz
    FROM pairs JOIN st USING (year, standard) CROSS JOIN p
)
SELECT year, 'official' AS stage, unit_code, 'P_PRELIM_OFFICIAL' AS rule_id,
       change_pct AS observed, med AS expected,
       med - z * greatest(mad, minmad) / 0.6745 AS lower, med + z * greatest(mad, minmad) / 0.6745 AS upper,
       z AS threshold, least(mx, abs(mz) / z) AS strength,
       'Số hộ nghèo sơ bộ ' || vn0(prelim) || ', chính thức ' || vn0(official) || ' ('
       || CASE WHEN change_pct >= 0 THEN '+' ELSE '−' END || vn1(abs(change_pct)) || '%), trong khi trung vị các xã trong tỉnh là '
       || vn1(med) || '%' AS reason_vi
FROM s
WHERE abs(mz) >= z AND abs(official - prelim) >= minh;
