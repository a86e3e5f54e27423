#!/usr/bin/env bash
# Receiver profile: the ingest benchmark's end-to-end run under a sampling profiler, then the
# functions with the most samples (exclusive, then inclusive).
#   bench/ingest-profile.sh         dotnet-trace's thread-time sampling (running and waiting threads);
#                                   the trace is kept in artifacts/bench/receiver.nettrace for other
#                                   viewers (PerfView, speedscope via dotnet-trace convert).
#   bench/ingest-profile.sh --cpu   Linux perf's CPU sampling (threads on a core only, runtime and kernel
#                                   included): where the receiver's CPU per span goes. Needs perf and root
#                                   (or kernel.perf_event_paranoid <= 1); kept in artifacts/bench/receiver.perf.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
cd "$root"
mkdir -p artifacts/bench
export BENCH_SAMPLE_SECONDS=0 BENCH_OVERLOAD_SECONDS="${BENCH_OVERLOAD_SECONDS:-4}" BENCH_SPOOL_BATCHES="${BENCH_SPOOL_BATCHES:-64}"
if [[ ${1:-} == --cpu ]]; then
  command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
  export BENCH_PERF_FILE="$root/artifacts/bench/receiver.perf"
  # The runtime writes /tmp/perf-<pid>.map, which perf reads to name JIT-compiled methods. With
  # write-xor-execute on (the default), compiled code runs from a double mapping that perf does not tie
  # to that map: it is off for the profiled receiver only (the JIT itself gets a little cheaper).
  export BENCH_RECEIVER_ENV="DOTNET_PerfMapEnabled=1;DOTNET_EnableWriteXorExecute=0${BENCH_RECEIVER_ENV:+;$BENCH_RECEIVER_ENV}"
  rm -f "$BENCH_PERF_FILE"
  run_benchmark Ingest.Benchmark
  report() { perf report -i "$BENCH_PERF_FILE" --stdio --percent-limit 0.4 "$@" 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n "${PROFILE_TOP:-60}"; }
  echo "== by library =="
  report --no-children -g none --sort dso
  echo "== self (exclusive) =="
  report --no-children -g none --sort dso,symbol
  echo "== with callees (inclusive) =="
  report --children -g none --sort symbol
  exit
fi
dotnet tool restore
export BENCH_TRACE_FILE="$root/artifacts/bench/receiver.nettrace"
rm -f "$BENCH_TRACE_FILE"
run_benchmark Ingest.Benchmark
dotnet tool run dotnet-trace -- report "$BENCH_TRACE_FILE" topN -n "${PROFILE_TOP:-40}"
dotnet tool run dotnet-trace -- report "$BENCH_TRACE_FILE" topN -n "${PROFILE_TOP:-40}" --inclusive
