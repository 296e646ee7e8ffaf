#!/usr/bin/env bash
# Measures `rasoat demo` from an empty folder to the first served page
# (issue 2 target: under 30 s on a 2-core machine, after the first build),
# and the second start, which reuses the database.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/rasoat
(cd "$root" && go build -o "$bin" ./cmd/rasoat)
work=$(mktemp -d)
port=${PORT:-18080}
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

first_page() {
  local start=$1
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
      echo "$(( $(date +%s%N) - start ))"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

for run in first second; do
  start=$(date +%s%N)
  (cd "$work" && exec "$bin" demo --addr "127.0.0.1:$port" >"$work/$run.log" 2>&1) &
  pid=$!
  ns=$(first_page "$start")
  printf '%s start: first page after %.1f s\n' "$run" "$(echo "$ns / 1000000000" | bc -l)"
  kill $pid; wait $pid 2>/dev/null || true
done
