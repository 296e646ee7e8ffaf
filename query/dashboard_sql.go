package query

// SQL of the dashboard (dashboard.go).

// sqlDashChoices: every (year, standard, stage) of a province, with the
// first year of each standard's series (to order standards by the time they
// came into force).
const sqlDashChoices = `
SELECT year, standard, stage, counted, is_baseline,
       min(year) OVER (PARTITION BY standard) AS series_from, synthetic
FROM province_year
WHERE unit_code = ?
ORDER BY year, series_from, standard`

// sqlDashUnits: every unit of a province (province, districts, communes) in
// one year and standard, at one stage or ($4 = ”) at the stage that counts.
// A commune's reduction is the one through the crosswalk where the commune
// changed (reduction_pp_restated; restated says so).
const sqlDashUnits = `
WITH u AS (
    SELECT 'province' AS level, unit_code, unit_name, parent_code, province_code, year, standard, stage, counted,
           total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, multidim_rate,
           em_households, em_poor, em_poor_rate, reduction_pp, false AS restated, multidim_reduction_pp, em_poor_reduction_pp,
           poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
           poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other
    FROM province_year WHERE unit_code = $1 AND year = $2 AND standard = $3
    UNION ALL
    SELECT 'district', unit_code, unit_name, parent_code, province_code, year, standard, stage, counted,
           total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, multidim_rate,
           em_households, em_poor, em_poor_rate, reduction_pp, false, multidim_reduction_pp, em_poor_reduction_pp,
           poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
           poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other
    FROM district_year WHERE province_code = $1 AND year = $2 AND standard = $3
    UNION ALL
    SELECT 'commune', unit_code, unit_name, parent_code, province_code, year, standard, stage, counted,
           total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, multidim_rate,
           em_households, em_poor, em_poor_rate,
           coalesce(reduction_pp, reduction_pp_restated),
           reduction_pp IS NULL AND reduction_pp_restated IS NOT NULL,
           multidim_reduction_pp, em_poor_reduction_pp,
           poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
           poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other
    FROM commune_year WHERE province_code = $1 AND year = $2 AND standard = $3
)
SELECT level, unit_code, unit_name, parent_code, stage, counted,
       total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, multidim_rate,
       em_households, em_poor, em_poor_rate,
       reduction_pp, restated, multidim_reduction_pp, em_poor_reduction_pp,
       poor_start, poor_out_to_near_poor, poor_out_above_near_poor, poor_out_other,
       poor_in_from_near_poor, poor_in_repoor, poor_in_new, poor_in_other, poor_end
FROM u
WHERE CASE WHEN $4 = '' THEN counted ELSE stage = $4 END
ORDER BY level, unit_code`

// sqlDashTargets: the verdicts of unit_target_year for a province's units in
// one year and standard (only counted rows have them; $4 narrows to a stage).
const sqlDashTargets = `
SELECT level, unit_code, measure, target_min, target_max, actual, status, status_vi,
       period_avg_pp, period_status_vi, default_target, target_source
FROM unit_target_year
WHERE province_code = $1 AND year = $2 AND standard = $3 AND ($4 = '' OR stage = $4)
ORDER BY level, unit_code, measure`

const trendCols = `year, standard, is_baseline, total_households::DOUBLE, poor_end::DOUBLE, near_poor_end::DOUBLE,
       poor_rate, near_poor_rate, multidim_rate, em_poor_rate`

// sqlDashTrendProvince / District: the counted history of one area.
const (
	sqlDashTrendProvince = `SELECT ` + trendCols + `, false, true FROM province_year WHERE unit_code = ? AND counted ORDER BY year, standard`
	sqlDashTrendDistrict = `SELECT ` + trendCols + `, false, true FROM district_year WHERE unit_code = ? AND counted ORDER BY year, standard`
)

// sqlDashTrendCommune: a commune's counted history on the communes of year
// $1, restated through the crosswalk where the commune changed; by code
// where commune_year_restated has nothing for that year (no crosswalk date
// before it).
const sqlDashTrendCommune = `
WITH r AS (
    SELECT ` + trendCols + `, restated, complete
    FROM commune_year_restated WHERE units_year = $1 AND unit_code = $2 AND counted
)
SELECT * FROM r
UNION ALL
SELECT ` + trendCols + `, false, true
FROM commune_year WHERE unit_code = $2 AND counted AND NOT EXISTS (SELECT 1 FROM r)
ORDER BY year, standard`

// sqlDataVersion: the ingest log's part of the data version.
const sqlDataVersion = `
SELECT count(*) || '-' || coalesce(max(file_id), 0) || '-' || coalesce(epoch_us(max(loaded_at)), 0)
FROM ingest_file`

// sqlDataVersionFull: the transform's run id and the ingest log, in one
// cheap query (a one-row table and a small one).
const sqlDataVersionFull = `
SELECT (SELECT coalesce(max(version), '') FROM data_version) || '/' || count(*) || '-' || coalesce(max(file_id), 0)
       || '-' || coalesce(epoch_us(max(loaded_at)), 0)
FROM ingest_file`
