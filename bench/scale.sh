#!/usr/bin/env bash
# From one province to national size, one table (issue 12): CSV ingest vs
# DuckDB read_csv on the same file, load/transform/ranking time for the
# sample province, 10 provinces and 55 (about 10 000 communes, 27 M
# households), the anomaly models' time, every step's peak RSS, and
# dashboard p50/p99 for 50 clients idle and during an ingest.
# Needs about 15 GB free under $TMPDIR (or --work DIR) and 20–40 minutes on
# 2 cores. Smaller: bench/scale.sh --provinces 1,2
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${TMPDIR:-/tmp}/rasoat-scale-bin"
go build -o "$bin" ./cmd/rasoat
go build -o "$bin-bench" ./bench/scale
exec "$bin-bench" --rasoat "$bin" "$@"
