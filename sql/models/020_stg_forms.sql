-- The rows that count from the raw layer. A corrected file for the same form,
-- year, standard, stage and reporting unit supersedes the earlier one (the
-- newest file wins); every file stays queryable in raw_*. Total rows are
-- checks, not data.
--
-- A file loaded with --partial (ingest_sheet.partial) corrects only the units
-- it holds: the current files of a key are its newest whole file and every
-- partial file after it, and each unit's row comes from the newest of them
-- that holds the unit. (Ingest refuses a whole file that covers fewer units
-- than the files it supersedes: E_FEWER_UNITS.)
CREATE OR REPLACE VIEW stg_current_file AS
WITH s AS (
    SELECT form, year, standard, stage, unit_code AS reporting_unit, file_id, coalesce(bool_or(partial), false) AS partial
    FROM ingest_sheet
    GROUP BY ALL
)
SELECT form, year, standard, stage, reporting_unit, file_id, partial
FROM s
QUALIFY file_id >= coalesce(max(file_id) FILTER (WHERE NOT partial) OVER (PARTITION BY form, year, standard, stage, reporting_unit), 0);

CREATE OR REPLACE VIEW stg_form_a AS
SELECT r.*
FROM raw_form_a r
WHERE NOT r.is_total
  AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'A')
QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1;

CREATE OR REPLACE VIEW stg_form_b AS
SELECT * FROM (
    SELECT r.*
    FROM raw_form_b r
    WHERE NOT r.is_total
      AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'B')
    QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1
);

CREATE OR REPLACE VIEW stg_form_c AS
SELECT * FROM (
    SELECT r.*
    FROM raw_form_c r
    WHERE NOT r.is_total
      AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'C')
    QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1
);
