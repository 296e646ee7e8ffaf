// Package transform turns the raw layer into the measures: it reloads the
// shipped reference data (standards, cycles, targets) and runs the SQL models
// of sql/models in the order of their file names, all in one transaction, so
// readers never see a half-built set of tables.
package transform
