-- Schema 004: the review cycle's workflow: rejected attempts and approval.
--
-- ingest_rejected keeps one row per refused file so the cycle's progress can
-- say "sent but refused" apart from "never sent". It holds no personal data:
-- no file name (officers name files after people), no cell value, no
-- message text; only the fingerprint, the first error's stable code and what
-- the file was for, as far as it was known when it was refused.
CREATE SEQUENCE seq_reject_id START 1;

CREATE TABLE ingest_rejected (
    reject_id   BIGINT PRIMARY KEY,
    rejected_at TIMESTAMP NOT NULL, -- UTC
    sha256      VARCHAR NOT NULL,
    format      VARCHAR,
    code        VARCHAR NOT NULL,   -- the first rejecting problem's code (E_…)
    n_problems  INTEGER NOT NULL,
    form        VARCHAR,
    year        INTEGER,
    standard    VARCHAR,
    stage       VARCHAR,
    unit_code   VARCHAR             -- the reporting unit, when it was known
);

-- Approval by level (phê duyệt). Append-only like case_event: the ingest
-- package only ever INSERTs here. An 'approve' event locks the unit's
-- figures of one form for a year and standard, and points to the
-- ingest_file that carries the approved-stage rows it created; a 'reopen'
-- by the level above lifts the lock and must say why.
CREATE SEQUENCE seq_approval_event START 1;

CREATE TABLE approval_event (
    event_id     BIGINT PRIMARY KEY,
    action       VARCHAR NOT NULL CHECK (action IN ('approve', 'reopen')),
    year         INTEGER NOT NULL,
    standard     VARCHAR NOT NULL,
    form         VARCHAR NOT NULL,
    unit_code    VARCHAR NOT NULL,  -- the unit whose figures are approved
    source_stage VARCHAR,           -- approve: official or reverified
    source_file  BIGINT,            -- approve: the file the figures came from
    file_id      BIGINT,            -- approve: the file holding the approved rows
    actor        VARCHAR NOT NULL,
    actor_unit   VARCHAR NOT NULL,
    event_at     TIMESTAMP NOT NULL, -- UTC
    reason       VARCHAR,
    CHECK (action = 'approve' OR coalesce(trim(reason), '') <> '')
);

-- The lock as it stands: the newest event per unit, form, year and standard.
CREATE VIEW approval_state AS
SELECT year, standard, form, unit_code,
       arg_max(action, event_id)     AS action,
       arg_max(actor, event_id)      AS actor,
       arg_max(event_at, event_id)   AS event_at,
       arg_max(reason, event_id)     AS reason,
       arg_max(file_id, event_id)    AS file_id,
       arg_max(action, event_id) = 'approve' AS locked
FROM approval_event
GROUP BY year, standard, form, unit_code;
