#!/usr/bin/env bash
# Benchmarks of ingest (not tests): 500 000-row household lists from CSV
# and from .xlsx, and a 2 000 000-row CSV at the default limits. Each benchmark runs in its own process so that the peak
# RSS it reports is its own. Inputs are cached in $TMPDIR/rasoat-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in BenchmarkHouseholdCSV BenchmarkHouseholdCSV2M BenchmarkHouseholdXLSX; do
  go test ./bench -run '^$' -bench "^${b}\$" -benchtime "${BENCHTIME:-1x}" -timeout 60m "$@"
done
