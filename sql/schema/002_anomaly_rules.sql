-- Anomaly rules as data (data/anomaly_rules.csv, reloaded by every transform):
-- a stable id, a family, a Vietnamese title and rationale, a weight in the
-- commune score, and the rule's parameters (thresholds) as JSON.
CREATE TABLE ref_anomaly_rule (
    rule_id      VARCHAR PRIMARY KEY,
    family       VARCHAR NOT NULL,
    title_vi     VARCHAR NOT NULL,
    rationale_vi VARCHAR,
    weight       DOUBLE NOT NULL,
    params       JSON
);
