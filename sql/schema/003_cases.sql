-- Schema 003: re-verification cases (hồ sơ phúc tra).
-- A case is its history: case_event is append-only (the cases package only
-- ever INSERTs into it, one transaction per change), so who did what and
-- when is never lost; case_current folds the events into the state a page
-- shows. DuckDB has no triggers, so append-only is a rule of the code that
-- writes here, stated again in cases/cases.go.

CREATE SEQUENCE seq_case_id START 1;
CREATE SEQUENCE seq_case_event_id START 1;

CREATE TABLE case_event (
    event_id    BIGINT PRIMARY KEY,
    case_id     BIGINT NOT NULL,
    action      VARCHAR NOT NULL CHECK (action IN ('open', 'assign', 'visit', 'close')),
    -- the state of the case after this event
    status      VARCHAR NOT NULL CHECK (status IN ('open', 'assigned', 'visited', 'closed')),
    actor       VARCHAR NOT NULL,
    actor_role  VARCHAR NOT NULL,
    event_at    TIMESTAMP NOT NULL, -- UTC
    -- open: the flag as it stood when the case was opened (the anomaly list
    -- is recomputed by every transform; the case keeps what was seen)
    year          INTEGER,
    stage         VARCHAR,
    standard      VARCHAR,
    unit_code     VARCHAR,
    unit_name     VARCHAR,
    district_name VARCHAR,
    score         DOUBLE,
    severity      VARCHAR,
    rules         VARCHAR[],
    reason_vi     VARCHAR,
    -- assign
    assignee    VARCHAR,
    -- visit
    households_checked      INTEGER,
    households_reclassified INTEGER,
    findings                VARCHAR,
    -- close
    outcome          VARCHAR CHECK (outcome IS NULL OR outcome IN ('confirmed', 'corrected', 'redo')),
    total_households BIGINT,
    poor_end         BIGINT,
    near_poor_end    BIGINT,
    file_id          BIGINT, -- the ingest_file that carried the corrected figures (stage reverified)
    note             VARCHAR
);

CREATE VIEW case_current AS
WITH o AS (
    SELECT * FROM case_event WHERE action = 'open'
), latest AS (
    SELECT case_id,
           arg_max(status, event_id) AS status,
           max(event_at)             AS updated_at,
           arg_max(actor, event_id)  AS updated_by,
           count(*)                  AS n_events
    FROM case_event GROUP BY case_id
), asg AS (
    SELECT case_id, arg_max(assignee, event_id) AS assignee, arg_max(event_at, event_id) AS assigned_at
    FROM case_event WHERE action = 'assign' GROUP BY case_id
), vis AS (
    SELECT case_id,
           count(*)                                      AS visits,
           arg_max(households_checked, event_id)         AS households_checked,
           arg_max(households_reclassified, event_id)    AS households_reclassified,
           arg_max(findings, event_id)                   AS findings,
           arg_max(actor, event_id)                      AS visited_by,
           max(event_at)                                 AS visited_at
    FROM case_event WHERE action = 'visit' GROUP BY case_id
), cl AS (
    SELECT case_id, outcome, total_households, poor_end, near_poor_end, file_id, note,
           actor AS closed_by, event_at AS closed_at
    FROM case_event WHERE action = 'close'
)
SELECT o.case_id, o.year, o.stage, o.standard, o.unit_code, o.unit_name, o.district_name,
       o.score, o.severity, o.rules, o.reason_vi,
       o.actor AS opened_by, o.event_at AS opened_at,
       latest.status, latest.updated_at, latest.updated_by, latest.n_events,
       asg.assignee, asg.assigned_at,
       coalesce(vis.visits, 0) AS visits, vis.households_checked, vis.households_reclassified,
       vis.findings, vis.visited_by, vis.visited_at,
       cl.outcome, cl.total_households, cl.poor_end, cl.near_poor_end, cl.file_id, cl.note,
       cl.closed_by, cl.closed_at
FROM o
JOIN latest USING (case_id)
LEFT JOIN asg USING (case_id)
LEFT JOIN vis USING (case_id)
LEFT JOIN cl USING (case_id);
