// Package ingest loads officers' files into the raw layer of the database.
//
// Readers (subpackage sheet) turn a workbook or an export into forms and
// rows; this package resolves each form's year, stage, standard and reporting
// unit (from the file, overridden by flags), matches unit names to codes
// within the reporting unit (subpackage unitmatch), checks what the file
// says against itself, and writes one transaction per file: every row with
// its provenance, or nothing. Structural problems reject the whole file;
// content inconsistencies load and are recorded as findings with a stable
// rule id. Ingest never reads the marts. It reads the reference tables
// (units, cycles) but never writes them: units lists, crosswalks, census
// counts and the shipped reference are loaded by subpackage refdata.
package ingest

//go:generate go run ./internal/corpus/corpusgen -out testdata/corpus
