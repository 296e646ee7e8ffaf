// Package transform turns the raw layer into the measures: it reloads the
// shipped reference data (standards, cycles, targets, anomaly rules) through
// ingest/refdata, the only writer of ref_* tables, and runs the SQL models
// of sql/models in the order of their file names, then puts the analyst
// documentation (table analyst_doc) on the views as COMMENT ON, all in one
// transaction, so readers never see a half-built or undocumented set of
// tables. The measures and their definitions live in the SQL files.
package transform
