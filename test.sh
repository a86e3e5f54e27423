#!/usr/bin/env bash
# Runs every test: installs PostgreSQL and Chromium when missing, starts a throwaway PostgreSQL
# cluster, runs all test projects against it, stops it, and sums up the results.
# Exits non-zero when any test fails or a prerequisite is missing (tests never skip for that).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
cd "$root"

command -v dotnet >/dev/null || die "the .NET 10 SDK is required; dotnet is not on PATH"
command -v npm >/dev/null || die "Node.js and npm are required for the front-end assets and the JavaScript exporter tests"
ensure_postgres
ensure_chromium

work=$(mktemp -d /tmp/tollgate-test.XXXXXX)
chmod 755 "$work"
pg_data="$work/pg"
socket_dir="$work/socket"
cleanup() {
  pg_stop "$pg_data"
  rm -rf "$work"
}
trap cleanup EXIT

pg_start "$pg_data" "$socket_dir" "$work/postgres.log"
export TOLLGATE_TEST_PG="Host=$socket_dir;Username=postgres;Database=postgres"
export TOLLGATE_CHROMIUM="$CHROMIUM_PATH"
export TOLLGATE_TEST_ARTIFACTS="${TOLLGATE_TEST_ARTIFACTS:-$root/artifacts/test}"
mkdir -p "$TOLLGATE_TEST_ARTIFACTS"

# The JavaScript exporter tests run the real OpenTelemetry JS SDK from npm.
interop="$root/tests/Interop/js"
if [[ ! -f "$interop/node_modules/.package-lock.json" || "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]]; then
  say "Installing the JavaScript exporter test dependencies (npm ci)..."
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/Interop/js"
fi

say "Building..."
dotnet build Dashboard.sln -nologo -v quiet -clp:ErrorsOnly || die "the build failed"

results="$TOLLGATE_TEST_ARTIFACTS/results"
rm -rf "$results"
status=0
dotnet test Dashboard.sln --no-build -nologo -v quiet \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# One line per test project, then the total, from the TRX files the runs wrote.
passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  files=$((files + 1))
  # awk, not grep | head: under pipefail, head closing the pipe early fails the whole line.
  counters=$(awk 'match($0, /<Counters [^>]*>/) { print substr($0, RSTART, RLENGTH); exit }' "$trx")
  get() { printf '%s' "$counters" | awk -v key="$1" 'match($0, " " key "=\"[0-9]+\"") { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); print s; exit } END { if (!RSTART) print 0 }'; }
  p=$(get passed) f=$(get failed) e=$(get error) t=$(get timeout) n=$(get notExecuted)
  name=$(awk 'match($0, /storage="[^"]*"/) { s = substr($0, RSTART + 9, RLENGTH - 10); sub(/.*\//, "", s); sub(/\.dll$/, "", s); print s; exit }' "$trx")
  printf '%-32s %s passed, %s failed, %s skipped\n' "$name" "$p" "$((f + e + t))" "$n"
  passed=$((passed + p)) failed=$((failed + f + e + t)) skipped=$((skipped + n))
done
# Figures tests report (lines of their output that start with "figure: ", such as the overload
# test's rates and memory), so a CI log shows them; the rest of their output stays in the TRX files.
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk '
    function unescape(s) { gsub(/&#x[dD];/, "", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / { match($0, /testName="[^"]*"/); name = unescape(substr($0, RSTART + 10, RLENGTH - 11)); intest = 1; shown = 0 }
    intest && /<StdOut>/ { inout = 1; sub(/.*<StdOut>/, "") }
    inout {
      done = sub(/<\/StdOut>.*/, "")
      line = unescape($0)
      if (line ~ /^figure: /) {
        if (!shown++) print "FIGURES " name
        print "  " substr(line, 9)
      }
      if (done) { inout = 0 }
    }
    /<\/UnitTestResult>/ { intest = 0; inout = 0 }
  ' "$trx"
done
# Failed tests with the first lines of their messages, just before the totals, so a CI log ends with them.
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk '
    function unescape(s) { gsub(/&#x[dD];/, "", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout)"/ {
      match($0, /testName="[^"]*"/); print "FAILED " unescape(substr($0, RSTART + 10, RLENGTH - 11)); failed = 1; lines = 0
    }
    failed && /<Message>/ { inmessage = 1; sub(/.*<Message>/, "") }
    failed && inmessage {
      done = sub(/<\/Message>.*/, "")
      if (lines++ < 20) print "  " unescape($0)
      if (done) { inmessage = 0; failed = 0 }
    }
    /<\/UnitTestResult>/ { failed = 0; inmessage = 0 }
  ' "$trx"
done
if [[ $files -eq 0 ]]; then
  say "no test results were written"
  status=1
fi
if [[ $skipped -gt 0 && "${CI:-}" == "true" ]]; then
  say "tests were skipped in CI: a skipped test is not a pass"
  status=1
fi
printf '%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
[[ $status -eq 0 && $failed -eq 0 ]]
