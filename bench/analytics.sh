#!/usr/bin/env bash
# Analytics benchmark: runs bench/Analytics.Benchmark on a throwaway PostgreSQL.
# Settings: BENCH_SPANS (10000000; 100000 for a quick smoke run), BENCH_DAYS (90), BENCH_RUNS (50).
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
run_benchmark Analytics.Benchmark
