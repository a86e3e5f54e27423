#!/usr/bin/env bash
# Governance benchmark: starts the dashboard on a throwaway PostgreSQL and measures governance checks.
# Settings: BENCH_RATE (1000), BENCH_PACED_SECONDS (20), BENCH_CLIENTS (32), BENCH_SATURATION_SECONDS (10).
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
run_benchmark Governance.Benchmark
