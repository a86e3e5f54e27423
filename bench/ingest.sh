#!/usr/bin/env bash
# Ingest benchmark: runs bench/Ingest.Benchmark on a throwaway PostgreSQL.
# Settings: BENCH_BATCHES (1200, of 512 spans), BENCH_EXPORTERS (16), BENCH_OVERLOAD_SECONDS (12),
# BENCH_SAMPLE_SECONDS (20; 0 skips the run of the sample system's load mode).
# BENCH_SPOOL_BATCHES (400): batches sent while the database is away (acknowledged from the spool), then replayed.
# BENCH_ONLY=cpu stops after decode, normalise and COPY only; BENCH_ONLY=e2e after the end-to-end run;
# BENCH_ONLY=overload runs only the overload phase, at BENCH_OVERLOAD_RATE spans/s (twice a measured end-to-end rate).
# BENCH_RECEIVER_ENV="NAME=value;..." sets environment variables of the receiver (Tollgate__Ingest__MaxBatchSpans=4096, say).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
if [[ "${BENCH_SAMPLE_SECONDS:-20}" != 0 ]]; then
  dotnet build "$root/samples/OrchestratedApp" -c Release -nologo -v quiet -clp:ErrorsOnly
  export BENCH_SAMPLE_DLL="$root/samples/OrchestratedApp/bin/Release/net10.0/Tollgate.OrchestratedApp.dll"
fi
run_benchmark Ingest.Benchmark
