#!/usr/bin/env bash
# Runs Tollgate: the dashboard on http://127.0.0.1:5080 with the OTLP receiver (4318, 4317) and
# the jobs. Without ConnectionStrings__Tollgate it installs PostgreSQL when missing and runs a
# private server whose data lives in .tollgate/ (kept between runs). Ctrl+C stops everything.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

command -v dotnet >/dev/null || die "the .NET 10 SDK is required (https://dot.net); dotnet is not on PATH"
command -v npm >/dev/null || die "Node.js 20 with npm is required to build the web UI's front-end libraries; npm is not on PATH"

state="$root/.tollgate"
mkdir -p "$state"
# Others may pass through (the postgres user must reach the data folder) but not list it;
# the credentials file inside is readable only by its owner.
chmod 711 "$state"
pg_data=""
started_pg=0
app_pid=""

cleanup() {
  trap - INT TERM EXIT
  if [[ -n "$app_pid" ]] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if [[ $started_pg -eq 1 ]]; then
    say "Stopping the private PostgreSQL..."
    pg_stop "$pg_data"
  fi
}
trap cleanup INT TERM EXIT

if [[ -n "${ConnectionStrings__Tollgate:-}" ]]; then
  # A database of the user's own is never filled with demo data.
  ConnectionStrings__Tollgate_GIVEN=1
fi
if [[ -z "${ConnectionStrings__Tollgate:-}" ]]; then
  ensure_postgres
  pg_data="$state/pg"
  socket_dir="$state/socket"
  # The server's user must reach the data folder, and a Unix socket path must stay short.
  if [[ $(id -u) -eq 0 ]] && ! pg_can_reach "$state"; then
    key=$(printf '%s' "$root" | md5sum | cut -c1-12)
    pg_data="/var/lib/tollgate/$key/pg"
    socket_dir="/var/lib/tollgate/$key/socket"
    mkdir -p "/var/lib/tollgate/$key"
    chown postgres:postgres "/var/lib/tollgate/$key"
    say "The checkout is not reachable by the postgres user; keeping the database in /var/lib/tollgate/$key."
  fi
  if [[ ${#socket_dir} -gt 90 ]]; then
    socket_dir="/tmp/tollgate-$(printf '%s' "$root" | md5sum | cut -c1-12)"
  fi
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    say "Starting a private PostgreSQL in $pg_data..."
    pg_start "$pg_data" "$socket_dir" "$(dirname "$pg_data")/postgres.log"
    started_pg=1
  fi
  if [[ "$(pg_psql "$socket_dir" "SELECT 1 FROM pg_database WHERE datname = 'tollgate'")" != "1" ]]; then
    pg_psql "$socket_dir" "CREATE DATABASE tollgate" >/dev/null
  fi
  export ConnectionStrings__Tollgate="Host=$socket_dir;Username=postgres;Database=tollgate"
fi

# Credentials are made on the first run and kept (readable only by this user) for later runs.
credentials="$state/credentials.env"
if [[ ! -f "$credentials" ]]; then
  umask 077
  {
    printf 'TOLLGATE_ADMIN_USER=admin\n'
    printf 'TOLLGATE_ADMIN_PASSWORD=%s\n' "$(random_secret 20)"
    printf 'TOLLGATE_INGEST_KEY=tg_ingest_%s\n' "$(random_secret 40)"
    printf 'TOLLGATE_ADMIN_KEY=tg_admin_%s\n' "$(random_secret 40)"
  } > "$credentials"
fi
# shellcheck disable=SC1090
source "$credentials"
export Tollgate__BootstrapAdminUser="${Tollgate__BootstrapAdminUser:-$TOLLGATE_ADMIN_USER}"
export Tollgate__BootstrapAdminPassword="${Tollgate__BootstrapAdminPassword:-$TOLLGATE_ADMIN_PASSWORD}"
export Tollgate__BootstrapIngestKey="${Tollgate__BootstrapIngestKey:-$TOLLGATE_INGEST_KEY}"
export Tollgate__BootstrapAdminKey="${Tollgate__BootstrapAdminKey:-$TOLLGATE_ADMIN_KEY}"
# The receiver's spool (spans kept while the database is away) lives with the rest of the state.
export Tollgate__Ingest__Spool__Directory="${Tollgate__Ingest__Spool__Directory:-$state/spool}"

say "Building Tollgate..."
# Published, not run from the build output: the interactive pages' framework script
# (_framework/blazor.web.js) is served from a published folder in Production.
app_dir="$state/app"
dotnet publish "$root/src/Dashboard.Web/Dashboard.Web.csproj" -c Release -o "$app_dir" -nologo -v quiet -clp:ErrorsOnly \
  || die "the build failed"
# The first start of a database fills it with two weeks of demo traffic from the sample system
# (samples/OrchestratedApp), so there is something to look at. TOLLGATE_DEMO=0 skips it.
demo_marker="$state/demo-loaded"
load_demo=0
if [[ "${TOLLGATE_DEMO:-1}" != "0" && ! -f "$demo_marker" && -z "${ConnectionStrings__Tollgate_GIVEN:-}" ]]; then
  load_demo=1
  dotnet build "$root/samples/OrchestratedApp/OrchestratedApp.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly \
    || die "the sample system did not build"
fi

cd "$app_dir"
dotnet Tollgate.Dashboard.Web.dll "$@" &
app_pid=$!

# Wait until the dashboard answers its readiness check (plain bash: no curl needed).
port="${Tollgate__HttpPort:-5080}"
ready=0
for _ in $(seq 1 240); do
  kill -0 "$app_pid" 2>/dev/null || break
  if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    status=$(timeout 2 head -n 1 <&3 || true)
    exec 3>&- 3<&-
    if [[ "$status" == *" 200 "* ]]; then ready=1; break; fi
  fi
  sleep 0.5
done
if [[ $ready -ne 1 ]]; then
  wait "$app_pid" 2>/dev/null && code=0 || code=$?
  app_pid=""
  die "Tollgate did not become ready (exit code $code); see the messages above"
fi

cat >&2 <<BANNER

  Tollgate is running.
    Dashboard      http://127.0.0.1:$port
    Admin login    $Tollgate__BootstrapAdminUser / $Tollgate__BootstrapAdminPassword
    Ingest key     $Tollgate__BootstrapIngestKey
    OTLP/HTTP      http://127.0.0.1:${Tollgate__Ingest__HttpPort:-4318}   OTLP/gRPC  http://127.0.0.1:${Tollgate__Ingest__GrpcPort:-4317}
  (credentials are kept in $credentials)  Press Ctrl+C to stop.

BANNER

if [[ $load_demo -eq 1 ]]; then
  say "Loading 14 days of demo traffic and revenue from the sample system (TOLLGATE_DEMO=0 skips this)..."
  if dotnet "$root/samples/OrchestratedApp/bin/Release/net10.0/Tollgate.OrchestratedApp.dll" demo \
      --endpoint "http://127.0.0.1:${Tollgate__Ingest__HttpPort:-4318}" --key "$Tollgate__BootstrapIngestKey" \
      --days 14 --requests-per-day 300 --seed 42 \
      --api "http://127.0.0.1:$port" --api-key "$Tollgate__BootstrapAdminKey" >&2; then
    touch "$demo_marker"
  else
    say "The demo data could not be loaded; Tollgate runs without it."
  fi
fi
wait "$app_pid"
