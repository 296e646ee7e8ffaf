-- The review cycle's progress and data quality (issue 10). Views, not
-- tables: received files, refused attempts and approvals count the moment
-- they are written, without waiting for a transform, and "missing" is
-- judged against today's date when the page is read.
--
-- A report is one commune's figures (form A) at one stage: its own file or
-- its row in its district's file; the district's completeness is over its
-- communes. Expected communes are those of the year's unit list
-- (dim_unit_year: valid on 31/12, so before 1/7/2025 communes sit under
-- districts and after it directly under the province, where each commune is
-- its own group). Dates are Vietnam's: loaded_at is UTC, +7 hours.
--
-- status per commune and stage:
--   on_time   received by the stage's due date (data/cycles.csv)
--   late      received after it
--   rejected  not received, but a file for it (its own or its district's)
--             was refused (ingest_rejected)
--   missing   not received, nothing refused, the due date has passed
--   pending   not received, not yet due
-- WHO Data Quality Review: completeness = received / expected (≥ 90 %),
-- timeliness = received on time / expected (≥ 75 %), the DHIS2 reading.

CREATE OR REPLACE VIEW cycle_stage_due AS
SELECT year, standard, is_default, is_baseline, stage, due
FROM ref_cycle
CROSS JOIN LATERAL (VALUES ('preliminary', preliminary_due), ('official', official_due), ('approved', approved_due)) s(stage, due);

CREATE OR REPLACE VIEW cycle_unit_stage AS
WITH exp AS (
    SELECT d.year, d.standard, d.is_default, d.stage, d.due,
           u.unit_code, u.unit_name, u.parent_code, u.province_code, u.district_code, u.district_name,
           coalesce(u.district_code, u.unit_code) AS group_code,
           coalesce(u.district_name, u.unit_name) AS group_name,
           u.synthetic
    FROM cycle_stage_due d
    JOIN dim_unit_year u ON u.year = d.year AND u.level = 'commune'
),
got AS (
    SELECT r.year, r.standard, r.stage, r.unit_code,
           min(f.loaded_at) AS first_received_at,
           max(f.loaded_at) AS last_received_at,
           count(DISTINCT r.file_id) AS files
    FROM raw_form_a r
    JOIN ingest_file f USING (file_id)
    WHERE NOT r.is_total
    GROUP BY ALL
),
rej AS (
    SELECT year, standard, stage, unit_code, count(*) AS n, max(rejected_at) AS last_rejected_at
    FROM ingest_rejected
    WHERE year IS NOT NULL AND stage IS NOT NULL AND unit_code IS NOT NULL
    GROUP BY ALL
)
SELECT e.year, e.standard, e.is_default, e.stage, e.due,
       e.unit_code, e.unit_name, e.district_code, e.district_name, e.group_code, e.group_name, e.province_code, e.synthetic,
       g.first_received_at, g.last_received_at, coalesce(g.files, 0) AS files,
       (g.first_received_at + INTERVAL 7 HOUR)::DATE AS received_on,
       coalesce(rc.n, 0) + coalesce(rp.n, 0) AS rejected_files,
       CASE
           WHEN g.first_received_at IS NOT NULL AND (g.first_received_at + INTERVAL 7 HOUR)::DATE <= e.due THEN 'on_time'
           WHEN g.first_received_at IS NOT NULL THEN 'late'
           WHEN coalesce(rc.n, 0) + coalesce(rp.n, 0) > 0 THEN 'rejected'
           WHEN e.due < (now() + INTERVAL 7 HOUR)::DATE THEN 'missing'
           ELSE 'pending'
       END AS status
FROM exp e
LEFT JOIN got g ON g.year = e.year AND g.standard = e.standard AND g.stage = e.stage AND g.unit_code = e.unit_code
LEFT JOIN rej rc ON rc.year = e.year AND coalesce(rc.standard, e.standard) = e.standard AND rc.stage = e.stage AND rc.unit_code = e.unit_code
LEFT JOIN rej rp ON rp.year = e.year AND coalesce(rp.standard, e.standard) = e.standard AND rp.stage = e.stage
                AND rp.unit_code = e.parent_code AND e.parent_code <> e.unit_code;

-- Per district (per commune after 1/7/2025) and stage: counts and the two
-- WHO rates, with whether they meet the thresholds.
CREATE OR REPLACE VIEW cycle_group_stage AS
SELECT year, standard, is_default, stage, due, group_code, any_value(group_name) AS group_name,
       any_value(province_code) AS province_code, bool_or(synthetic) AS synthetic,
       count(*) AS expected,
       count(*) FILTER (WHERE status IN ('on_time', 'late')) AS received,
       count(*) FILTER (WHERE status = 'on_time') AS on_time,
       count(*) FILTER (WHERE status = 'late') AS late,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'rejected') AS rejected,
       count(*) FILTER (WHERE status = 'pending') AS pending,
       100.0 * count(*) FILTER (WHERE status IN ('on_time', 'late')) / count(*) AS completeness,
       100.0 * count(*) FILTER (WHERE status = 'on_time') / count(*) AS timeliness,
       100.0 * count(*) FILTER (WHERE status IN ('on_time', 'late')) / count(*) >= 90 AS completeness_ok,
       100.0 * count(*) FILTER (WHERE status = 'on_time') / count(*) >= 75 AS timeliness_ok
FROM cycle_unit_stage
GROUP BY year, standard, is_default, stage, due, group_code;

-- The data-quality scorecard of a year, per district (per commune after
-- 1/7/2025): refused files, warnings and findings recorded at ingest,
-- broken identities (validation rules V_FLOW_POOR, V_FLOW_NEAR and
-- V_CROSS_FORM: distinct unit-stages), phúc tra flags (anomalies of medium
-- or high severity) and late reports (all stages). A unit's own rows (a
-- district's total) count for its group.
CREATE OR REPLACE VIEW quality_scorecard AS
WITH grp AS (
    SELECT year, unit_code, coalesce(district_code, unit_code) AS group_code,
           coalesce(district_name, unit_name) AS group_name, province_code
    FROM dim_unit_year WHERE level IN ('commune', 'district')
),
groups AS (
    SELECT DISTINCT g.year, g.group_code, g.group_name, g.province_code
    FROM grp g
),
file_year AS (
    SELECT DISTINCT file_id, year FROM ingest_sheet
),
fnd AS (
    SELECT fy.year, g.group_code,
           count(*) FILTER (WHERE f.severity = 'warning') AS warnings,
           count(*) FILTER (WHERE f.severity = 'finding') AS findings
    FROM ingest_finding f
    JOIN file_year fy USING (file_id)
    JOIN grp g ON g.year = fy.year AND g.unit_code = f.unit_code
    GROUP BY ALL
),
rej AS (
    SELECT r.year, g.group_code, count(*) AS rejected_files
    FROM ingest_rejected r
    JOIN grp g ON g.year = r.year AND g.unit_code = r.unit_code
    GROUP BY ALL
),
idn AS (
    SELECT e.year, g.group_code, count(DISTINCT (e.unit_code, e.stage)) AS identities_broken
    FROM mart_anomaly_evidence e
    JOIN grp g ON g.year = e.year AND g.unit_code = e.unit_code
    WHERE e.rule_id IN ('V_FLOW_POOR', 'V_FLOW_NEAR', 'V_CROSS_FORM')
    GROUP BY ALL
),
flg AS (
    SELECT a.year, g.group_code, count(*) AS flags
    FROM mart_anomalies a
    JOIN grp g ON g.year = a.year AND g.unit_code = a.unit_code
    WHERE a.severity <> 'thấp'
    GROUP BY ALL
),
lat AS (
    SELECT year, group_code, count(*) AS late_reports
    FROM cycle_unit_stage
    WHERE status = 'late' AND is_default
    GROUP BY ALL
)
SELECT gs.year, gs.group_code, gs.group_name, gs.province_code,
       coalesce(rej.rejected_files, 0) AS rejected_files,
       coalesce(fnd.warnings, 0) AS warnings,
       coalesce(fnd.findings, 0) AS findings,
       coalesce(idn.identities_broken, 0) AS identities_broken,
       coalesce(flg.flags, 0) AS flags,
       coalesce(lat.late_reports, 0) AS late_reports
FROM groups gs
LEFT JOIN rej USING (year, group_code)
LEFT JOIN fnd USING (year, group_code)
LEFT JOIN idn USING (year, group_code)
LEFT JOIN flg USING (year, group_code)
LEFT JOIN lat USING (year, group_code);
