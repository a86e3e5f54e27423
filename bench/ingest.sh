#!/usr/bin/env bash
# Ingest benchmark: starts a throwaway PostgreSQL (as test.sh does) and runs bench/Ingest.Benchmark.
# Settings: BENCH_BATCHES (400), BENCH_EXPORTERS (16), BENCH_OVERLOAD_SECONDS (12),
# BENCH_SAMPLE_SECONDS (20; 0 skips the run of the sample system's load mode).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
ensure_postgres
work=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
pg_start "$work/pg" "$work/socket" "$work/postgres.log"
dotnet build "$root/bench/Ingest.Benchmark" -c Release -nologo -v quiet -clp:ErrorsOnly
if [[ "${BENCH_SAMPLE_SECONDS:-20}" != 0 ]]; then
  dotnet build "$root/samples/OrchestratedApp" -c Release -nologo -v quiet -clp:ErrorsOnly
  export BENCH_SAMPLE_DLL="$root/samples/OrchestratedApp/bin/Release/net10.0/Tollgate.OrchestratedApp.dll"
fi
dotnet "$root/bench/Ingest.Benchmark/bin/Release/net10.0/Tollgate.Ingest.Benchmark.dll" "Host=$work/socket;Username=postgres;Database=postgres"
