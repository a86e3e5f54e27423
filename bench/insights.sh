#!/usr/bin/env bash
# Insights benchmark: times the hourly dependency and span rollups, the map and the organisation figures beside
# a plain scan, on a throwaway PostgreSQL. Settings: BENCH_TRACES (traces in the hour, 50000; six spans each).
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
run_benchmark Insights.Benchmark
