#!/usr/bin/env bash
# Insights benchmark: starts a throwaway PostgreSQL (as test.sh does) and runs bench/Insights.Benchmark,
# which times the hourly dependency rollup, the map and the organisation figures beside a plain scan.
# Settings: BENCH_TRACES (traces in the hour, 50000; six spans each).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
ensure_postgres
work=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
pg_start "$work/pg" "$work/socket" "$work/postgres.log"
dotnet build "$root/bench/Insights.Benchmark" -c Release -nologo -v quiet -clp:ErrorsOnly
TOLLGATE_TEST_PG="Host=$work/socket;Username=postgres;Database=postgres" \
    dotnet "$root/bench/Insights.Benchmark/bin/Release/net10.0/Tollgate.Insights.Benchmark.dll" "${BENCH_TRACES:-50000}"
