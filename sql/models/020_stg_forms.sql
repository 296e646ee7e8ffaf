-- The rows that count from the raw layer. A corrected file for the same form,
-- year, standard, stage and reporting unit supersedes the earlier one (the
-- newest file wins); every file stays queryable in raw_*. Total rows are
-- checks, not data.
CREATE OR REPLACE VIEW stg_current_file AS
SELECT DISTINCT form, year, standard, stage, unit_code AS reporting_unit,
       max(file_id) OVER (PARTITION BY form, year, standard, stage, unit_code) AS file_id
FROM ingest_sheet;

CREATE OR REPLACE VIEW stg_form_a AS
SELECT r.*
FROM raw_form_a r
WHERE NOT r.is_total
  AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'A')
QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1;

CREATE OR REPLACE VIEW stg_form_b AS
SELECT r.*
FROM raw_form_b r
WHERE NOT r.is_total
  AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'B')
QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1;

CREATE OR REPLACE VIEW stg_form_c AS
SELECT r.*
FROM raw_form_c r
WHERE NOT r.is_total
  AND r.file_id IN (SELECT file_id FROM stg_current_file WHERE form = 'C')
QUALIFY row_number() OVER (PARTITION BY r.year, r.standard, r.stage, r.unit_code ORDER BY r.file_id DESC, r.source_row) = 1;
