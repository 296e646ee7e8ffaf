// Package bench holds benchmarks that are not tests: loading household
// lists of 500 000 rows from CSV and from .xlsx, against DuckDB's own CSV
// reader on the same file in the same run. Run them with bench/ingest.sh
// (each benchmark in its own process, so the peak RSS it reports is its
// own).
package bench
