#!/usr/bin/env bash
# Governance benchmark: starts a throwaway PostgreSQL (as test.sh does), then the dashboard, and runs
# bench/Governance.Benchmark. Settings: BENCH_RATE (1000), BENCH_PACED_SECONDS (20),
# BENCH_CLIENTS (32), BENCH_SATURATION_SECONDS (10).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
ensure_postgres
work=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
pg_start "$work/pg" "$work/socket" "$work/postgres.log"
dotnet build "$root/bench/Governance.Benchmark" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$root/bench/Governance.Benchmark/bin/Release/net10.0/Tollgate.Governance.Benchmark.dll" "Host=$work/socket;Username=postgres;Database=postgres"
