#!/usr/bin/env bash
# Page benchmark: fills a throwaway PostgreSQL with the analytics benchmark's traffic (BENCH_SPANS,
# 10000000 by default; 100000 for a quick run), then measures first paint, time to interactive and
# server memory per circuit of the weekly review and the dependency map in Chromium.
# Settings: BENCH_SPANS, BENCH_DAYS (90), BENCH_PAGE_LOADS (30), BENCH_TABS (50). To measure pages
# again on data already made, set TOLLGATE_BENCH_PG to that server and BENCH_REUSE_DB to the database.
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_chromium
export TOLLGATE_CHROMIUM=$CHROMIUM_PATH
pages=$(bench_build Pages.Benchmark)
# dotnet-gcdump, which measures the dashboard's live heap, comes from the repository's tool manifest.
(cd "$(dirname "${BASH_SOURCE[0]}")/.." && dotnet tool restore >&2)
# The dashboard as run.sh deploys it: published, its static assets compressed and cached under fingerprinted names.
export BENCH_DASHBOARD_PUBLISHED
BENCH_DASHBOARD_PUBLISHED="$(dirname "$pages")/dashboard"
dotnet publish "$(dirname "${BASH_SOURCE[0]}")/../src/Dashboard.Web/Dashboard.Web.csproj" -c Release -o "$BENCH_DASHBOARD_PUBLISHED" \
  -nologo -v quiet -clp:ErrorsOnly >&2

if [[ -n ${BENCH_REUSE_DB:-} && -n ${TOLLGATE_BENCH_PG:-} ]]; then
  dotnet "$pages" "$TOLLGATE_BENCH_PG"
  exit
fi

bench_postgres
analytics=$(bench_build Analytics.Benchmark)
# The analytics benchmark writes and rolls up the data and keeps its database (its own query runs kept short).
BENCH_KEEP_DB=1 BENCH_RUNS=${BENCH_ANALYTICS_RUNS:-3} dotnet "$analytics" "$TOLLGATE_BENCH_PG"
dotnet "$pages" "$TOLLGATE_BENCH_PG"
