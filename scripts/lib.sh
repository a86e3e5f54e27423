# Shared by run.sh and test.sh: installing prerequisites and running a private PostgreSQL.
# Sourced, not executed.

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# apt_install PACKAGE...: installs Debian packages, as root or through sudo.
apt_install() {
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: $*"
    sudo=(sudo)
  fi
  say "Installing $* with apt-get..."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

# pg_bindir: prints the newest installed PostgreSQL server's bin directory, if any.
pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && printf '%s\n' "$dir"
}

ensure_postgres() {
  if ! pg_bindir >/dev/null; then
    apt_install postgresql
    pg_bindir >/dev/null || die "PostgreSQL was installed but initdb was not found under /usr/lib/postgresql"
  fi
  PG_BIN=$(pg_bindir)
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    apt_install chromium
    command -v chromium >/dev/null || die "chromium was installed but is not on PATH"
  fi
  CHROMIUM_PATH=$(command -v chromium)
}

# as_pg_owner CMD...: initdb and postgres refuse to run as root, so root runs them as 'postgres'.
as_pg_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_prepare_dir DIR: a directory the server's user owns and only it can enter.
pg_prepare_dir() {
  mkdir -p "$1"
  chmod 700 "$1"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$1"; fi
}

# pg_can_reach DIR: whether the server's user can reach DIR (a data folder under /root cannot).
pg_can_reach() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- test -x "$1"
  else
    test -x "$1"
  fi
}

# pg_start DATADIR SOCKETDIR LOGFILE: initialises DATADIR when empty, then starts a server that
# listens only on a Unix socket in SOCKETDIR (no TCP port, so no clash with other servers).
pg_start() {
  local data=$1 socket=$2 log=$3
  if [[ ! -f "$data/PG_VERSION" ]]; then
    pg_prepare_dir "$data"
    as_pg_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed for $data"
  fi
  pg_prepare_dir "$socket"
  touch "$log"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$log"; fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-k $socket -c listen_addresses='' -c max_connections=200" start >/dev/null \
    || die "PostgreSQL did not start; see $log"
}

pg_stop() {
  as_pg_owner "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_psql SOCKETDIR SQL: runs SQL as the superuser over the socket.
pg_psql() {
  as_pg_owner "$PG_BIN/psql" -h "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt -c "$2"
}

# random_secret LENGTH: letters and digits from the kernel's random source.
random_secret() {
  local out=""
  while [[ ${#out} -lt $1 ]]; do
    out+=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  done
  printf '%s\n' "${out:0:$1}"
}

# bench_postgres: starts a throwaway PostgreSQL cluster, stopped and removed when the script
# exits, and exports a superuser connection string to it in TOLLGATE_BENCH_PG.
bench_postgres() {
  ensure_postgres
  bench_work=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
  chmod 755 "$bench_work"
  trap 'pg_stop "$bench_work/pg"; rm -rf "$bench_work"' EXIT
  pg_start "$bench_work/pg" "$bench_work/socket" "$bench_work/postgres.log"
  export TOLLGATE_BENCH_PG="Host=$bench_work/socket;Username=postgres;Database=postgres"
}

# bench_build NAME: builds bench/NAME (Release) and prints the path of its program.
bench_build() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dotnet build "$repo/bench/$1" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  printf '%s\n' "$repo/bench/$1/bin/Release/net10.0/Tollgate.$1.dll"
}

# run_benchmark NAME [ARGS...]: builds bench/NAME and runs it on a throwaway PostgreSQL with its
# superuser connection string (also in TOLLGATE_BENCH_PG); extra arguments go to the benchmark.
run_benchmark() {
  local name=$1 program
  shift
  bench_postgres
  program=$(bench_build "$name")
  dotnet "$program" "$TOLLGATE_BENCH_PG" "$@"
}
