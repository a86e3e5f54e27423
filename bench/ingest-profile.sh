#!/usr/bin/env bash
# Receiver CPU profile: the ingest benchmark's end-to-end run under dotnet-trace's CPU sampling,
# then the functions with the most samples (exclusive, then inclusive). The trace is kept in
# artifacts/bench/receiver.nettrace for other viewers (PerfView, speedscope via dotnet-trace convert).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
cd "$root"
dotnet tool restore
mkdir -p artifacts/bench
export BENCH_TRACE_FILE="$root/artifacts/bench/receiver.nettrace"
rm -f "$BENCH_TRACE_FILE"
BENCH_SAMPLE_SECONDS=0 BENCH_OVERLOAD_SECONDS="${BENCH_OVERLOAD_SECONDS:-4}" BENCH_SPOOL_BATCHES="${BENCH_SPOOL_BATCHES:-64}" \
  run_benchmark Ingest.Benchmark
dotnet tool run dotnet-trace -- report "$BENCH_TRACE_FILE" topN -n "${PROFILE_TOP:-40}"
dotnet tool run dotnet-trace -- report "$BENCH_TRACE_FILE" topN -n "${PROFILE_TOP:-40}" --inclusive
