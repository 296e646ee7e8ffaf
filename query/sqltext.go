package query

// The SQL of the package, kept beside the code that scans it so a column
// added here and a Scan argument added there are reviewed together.

// sqlProvinces: one row per province with counted data, default first
// (see Provinces).
const sqlProvinces = `
SELECT unit_code,
       arg_max(unit_name, year)  AS unit_name,
       bool_or(synthetic)        AS synthetic,
       max(year)                 AS latest_year
FROM province_year
WHERE counted
GROUP BY unit_code
ORDER BY latest_year DESC, synthetic, unit_code`

// sqlTrend: every counted (year, standard) of one province. series_from is
// the first year of the standard's series for this province; ordering by it
// lists the series in the order the standards came into force, whatever
// their codes sort as.
const sqlTrend = `
SELECT year, standard, stage, is_baseline, unit_name, synthetic,
       total_households, poor_end, near_poor_end,
       poor_rate, near_poor_rate, reduction_pp, comparable,
       units_reporting, units_expected,
       min(year) OVER (PARTITION BY standard) AS series_from
FROM province_year
WHERE unit_code = ? AND counted
ORDER BY series_from, standard, year`

// sqlTarget: the poor-rate reduction target of a unit-year (see Q.target).
// Parameters: unit code, year, whether the year is a baseline.
const sqlTarget = `
WITH p AS (SELECT ?::VARCHAR AS unit_code, ?::INTEGER AS year, ?::BOOLEAN AS baseline)
SELECT t.period, t.target_min, t.target_max, t.source
FROM ref_target t, p
WHERE t.measure = 'poor_rate_reduction_pp'
  AND (t.unit_code = p.unit_code OR t.unit_code = '*')
  AND p.year BETWEEN t.first_year AND t.last_year
  AND t.target_min IS NOT NULL
ORDER BY t.unit_code = '*',
         CASE WHEN p.baseline THEN t.first_year = p.year ELSE t.first_year < p.year END DESC,
         t.first_year DESC,
         t.period
LIMIT 1`

// sqlRanking: the units one level below a province in one year and
// standard, highest poor rate first. Districts when that year has any, the
// province's communes otherwise. Parameters: province, year, standard.
const sqlRanking = `
WITH d AS (
    SELECT 'district' AS level, unit_code, unit_name, total_households, poor_end, near_poor_end,
           poor_rate, near_poor_rate, reduction_pp
    FROM district_year
    WHERE province_code = $1 AND year = $2 AND standard = $3 AND counted
), c AS (
    SELECT 'commune' AS level, unit_code, unit_name, total_households, poor_end, near_poor_end,
           poor_rate, near_poor_rate, reduction_pp
    FROM commune_year
    WHERE province_code = $1 AND year = $2 AND standard = $3 AND counted
      AND NOT EXISTS (SELECT 1 FROM d)
)
SELECT * FROM (SELECT * FROM d UNION ALL SELECT * FROM c)
ORDER BY poor_rate DESC NULLS LAST, unit_name, unit_code`
