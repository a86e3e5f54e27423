#!/usr/bin/env bash
# Analytics benchmark: starts a throwaway PostgreSQL (as test.sh does) and runs bench/Analytics.Benchmark.
# Settings: BENCH_SPANS (10000000; 100000 for a quick smoke run), BENCH_DAYS (90), BENCH_RUNS (50).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
ensure_postgres
work=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
pg_start "$work/pg" "$work/socket" "$work/postgres.log"
dotnet build "$root/bench/Analytics.Benchmark" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$root/bench/Analytics.Benchmark/bin/Release/net10.0/Tollgate.Analytics.Benchmark.dll" "Host=$work/socket;Username=postgres;Database=postgres"
