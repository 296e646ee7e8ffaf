-- Anomaly detection, last part: the evidence of every rule that fired and
-- the ranked phúc tra list. These two views are a contract (the inspector
-- pages, the case workflow and `rasoat anomalies` read them): add columns at
-- the end, never rename or drop one.
--
-- Evidence score = rule weight × strength (strength ≥ 1: how far past the
-- threshold, capped by the rule's max_strength). A commune's score sums, per
-- family, the strongest evidence of that family, so two rules seeing the same
-- fall (peers and history) count once while independent signals add up.
CREATE OR REPLACE TABLE mart_anomaly_evidence AS
WITH ev AS (
    SELECT year, stage, unit_code, rule_id, observed, expected, lower, upper, threshold, strength, reason_vi FROM anm_ev_validation
    UNION ALL
    SELECT year, stage, unit_code, rule_id, observed, expected, lower, upper, threshold, strength, reason_vi FROM anm_ev_statistical
    UNION ALL
    SELECT year, stage, unit_code, rule_id, observed, expected, lower, upper, threshold, strength, reason_vi FROM anm_ev_prelim
    UNION ALL
    SELECT year, stage, unit_code, rule_id, observed, expected, lower, upper, threshold, strength, reason_vi FROM anm_ev_household
)
SELECT ev.year::INT AS year, ev.stage, ev.unit_code, ev.rule_id, r.family,
       ev.observed::DOUBLE AS observed, ev.expected::DOUBLE AS expected,
       ev.lower::DOUBLE AS lower, ev.upper::DOUBLE AS upper, ev.threshold::DOUBLE AS threshold,
       round(r.weight * greatest(ev.strength, 1.0), 3) AS score,
       ev.reason_vi
FROM ev
JOIN ref_anomaly_rule r USING (rule_id)
WHERE r.weight > 0;

CREATE OR REPLACE TABLE mart_anomalies AS
WITH fam AS (
    SELECT year, stage, unit_code, family, max(score) AS score
    FROM mart_anomaly_evidence GROUP BY ALL
),
tot AS (
    SELECT year, stage, unit_code, sum(score) AS score FROM fam GROUP BY ALL
),
agg AS (
    SELECT year, stage, unit_code,
           list(rule_id ORDER BY score DESC, rule_id) AS rules,
           count(*)::INT AS n_rules,
           first(reason_vi ORDER BY score DESC, rule_id) AS reason_vi
    FROM mart_anomaly_evidence GROUP BY ALL
),
names AS (
    -- communes from the analyst view; other units (a district total row)
    -- from the unit list of that year
    SELECT DISTINCT ON (year, unit_code) year, unit_code, unit_name, district_code, district_name
    FROM commune_year ORDER BY year, unit_code, stage
),
units AS (
    SELECT u.year, u.unit_code, u.unit_name,
           CASE WHEN u.level = 'district' THEN u.unit_code END AS district_code,
           CASE WHEN u.level = 'district' THEN u.unit_name END AS district_name
    FROM anm_unit u
)
SELECT t.year, t.stage, t.unit_code,
       coalesce(n.unit_name, u.unit_name) AS unit_name,
       coalesce(n.district_code, u.district_code) AS district_code,
       coalesce(n.district_name, u.district_name) AS district_name,
       round(t.score, 3) AS score,
       CASE WHEN t.score >= 4 THEN 'cao' WHEN t.score >= 2 THEN 'trung bình' ELSE 'thấp' END AS severity,
       a.rules, a.n_rules, a.reason_vi,
       row_number() OVER (PARTITION BY t.year, t.stage ORDER BY t.score DESC, t.unit_code)::INT AS rank
FROM tot t
JOIN agg a USING (year, stage, unit_code)
LEFT JOIN names n ON n.year = t.year AND n.unit_code = t.unit_code
LEFT JOIN units u ON n.unit_code IS NULL AND u.year = t.year AND u.unit_code = t.unit_code;

CREATE OR REPLACE VIEW anomaly_evidence AS
SELECT year, stage, unit_code, rule_id, family, observed, expected, lower, upper, threshold, score, reason_vi
FROM mart_anomaly_evidence;

CREATE OR REPLACE VIEW anomalies AS
SELECT year, stage, unit_code, unit_name, district_code, district_name, score, severity, rules, n_rules, reason_vi, rank
FROM mart_anomalies
ORDER BY year DESC, stage, score DESC, unit_code;
