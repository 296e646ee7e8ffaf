-- A file loaded with --partial corrects only the units it holds: the other
-- units of the file it supersedes keep counting (sql/models/020_stg_forms.sql).
ALTER TABLE ingest_sheet ADD COLUMN partial BOOLEAN DEFAULT false; -- NOT NULL cannot be added by ALTER in DuckDB; ingest always writes it
