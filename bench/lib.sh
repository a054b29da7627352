# shellcheck shell=bash
# Shared by the wrk benchmarks (bench/auth.sh, bench/catalog.sh): sourced, never run. Each script sets,
# before sourcing it:
#   port           the API's port on 127.0.0.1 (the script's BENCH_PORT default applied)
#   database       the PostgreSQL database of its own, dropped and recreated
#   prefix         its Redis key prefix (Redis__InstanceName), whose keys are deleted
#   work_template  the mktemp template of its work directory in /tmp
#   kept_files     what the work directory holds, for the message when it is kept
# Then it calls setup_services, build_api, start_service, measure, and the report helpers.
: "${port:?}" "${database:?}" "${prefix:?}" "${work_template:?}" "${kept_files:?}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
bench="$root/bench"
duration="${BENCH_DURATION:-10s}"
warmup="${BENCH_WARMUP:-2s}"
runs="${BENCH_RUNS:-3}"
base="http://127.0.0.1:$port"
pg_port=5432
redis_port=6379

work="$(mktemp -d "$work_template")"
service_pid=""
stop_services=false
# shellcheck disable=SC2034 # used by the scripts that source this file
started_at=$(date +%s)

log() { printf 'bench: %s\n' "$*" >&2; }

stop_service() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    log "stopping the service (pid $service_pid)"
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "$service_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$service_pid" 2>/dev/null || true
  fi
  service_pid=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_service
  if $stop_services; then
    "$root/scripts/services.sh" stop || true
  fi
  if [ "$status" -ne 0 ] || [ -n "${BENCH_KEEP:-}" ]; then
    log "work directory kept: $work ($kept_files)"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() { # need COMMAND PACKAGE: installs the Debian package when the command is missing
  if ! command -v "$1" >/dev/null; then
    log "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
  fi
}

pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p "$pg_port"; }
redis_up() { command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; }
redis() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
# Keys of this benchmark only, stale ones of an earlier run included (bounded: at most what the prefix
# holds). One key a line, taken verbatim: list-cache keys hold JSON, whose quotes plain xargs would strip.
clear_keys() { redis --scan --pattern "$prefix*" | xargs -r -d '\n' -n 100 redis-cli -h 127.0.0.1 -p "$redis_port" del >/dev/null; }
count_keys() { redis --scan --pattern "$1*" | wc -l; }

# setup_services: the tools, PostgreSQL and Redis, an empty $database and no keys under $prefix.
setup_services() {
  need wrk wrk
  need curl curl
  need openssl openssl # the run's secrets (build_api)
  command -v dotnet >/dev/null || { log "dotnet (the .NET 10 SDK) is required"; exit 1; }

  # services.sh stop stops whatever any caller's start started (it keeps one marker per server), so
  # stop only if both servers were down before this script started them: if they were already up,
  # someone else (a test run, say) may be using them.
  local already_up
  if pg_up && redis_up; then
    already_up=both
  elif pg_up || redis_up; then
    already_up=one
  else
    already_up=none
  fi
  "$root/scripts/services.sh" start
  if [ "$already_up" = none ]; then
    stop_services=true
  else
    log "PostgreSQL and/or Redis were already running; they will be left running"
  fi

  export PGPASSWORD=learnstream
  log "recreating database $database"
  dropdb -h 127.0.0.1 -p "$pg_port" -U learnstream --if-exists --force "$database"
  createdb -h 127.0.0.1 -p "$pg_port" -U learnstream -O learnstream "$database"
  clear_keys
}

# build_api: publishes the API (Release) to $work/app, checks the port is free and exports the
# service's settings (database, Redis prefix, no rate limiting).
build_api() {
  # From a copy, so the Release build shares no obj/ directory with builds or tests running in the repo.
  log "building the API (Release) in $work"
  mkdir -p "$work/src"
  cp "$root/.editorconfig" "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/global.json" "$work/"
  tar -C "$root/src" --exclude=bin --exclude=obj -cf - LearnStream.Api | tar -C "$work/src" -xf -
  if ! dotnet publish "$work/src/LearnStream.Api" -c Release -o "$work/app" -nologo > "$work/build.log" 2>&1; then
    tail -30 "$work/build.log" >&2
    exit 1
  fi

  if curl -s -o /dev/null --max-time 2 "$base/health/live"; then
    log "something already listens on $base; set BENCH_PORT"
    exit 1
  fi

  # Production, as deployed: no developer exception page, no DI scope checks, secrets required. Each run
  # makes its own: an ES256 signing key, a media-token key, and Stripe settings that are never used (the
  # benchmarks enroll in free courses only, and Production refuses the manual payment provider).
  export ASPNETCORE_ENVIRONMENT=Production
  export Jwt__SigningKeys__0__Id=bench
  Jwt__SigningKeys__0__PrivateKey="$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt | base64 -w0)"
  export Jwt__SigningKeys__0__PrivateKey
  Video__Local__TokenKey="$(openssl rand -base64 32)"
  export Video__Local__TokenKey
  export Payments__Provider=stripe
  Stripe__SecretKey="sk_test_bench_$(openssl rand -hex 12)"
  Stripe__WebhookSecret="whsec_bench_$(openssl rand -hex 12)"
  export Stripe__SecretKey Stripe__WebhookSecret
  export Database__Provider=postgres
  export ConnectionStrings__Database="Host=127.0.0.1;Port=$pg_port;Username=learnstream;Password=learnstream;Database=$database"
  export ConnectionStrings__Redis="127.0.0.1:$redis_port"
  export Redis__InstanceName="$prefix"
  export DataDirectory="$work/data"
  # 10,000,000 is the largest value the options accept: in effect, no throttling.
  export RateLimits__Auth__PerAddressPerMinute=10000000
  export RateLimits__Auth__PerAccountPerMinute=10000000
  export Logging__LogLevel__Default=Warning
}

# start_service NAME [VAR=VALUE...]: starts the API with extra settings and waits until it is ready.
# Its output goes to $work/service-NAME.log, or to $work/service.log when NAME is empty.
start_service() {
  local name=$1
  shift
  local service_log="$work/service${name:+-$name}.log"
  log "starting the API on $base${name:+ ($name${*:+: $*})}"
  (cd "$work/app" && exec env "$@" dotnet LearnStream.Api.dll --urls "$base") > "$service_log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$service_pid" 2>/dev/null || { cat "$service_log" >&2; log "the service exited"; exit 1; }
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health/ready")" = 200 ]; then
      return 0
    fi
    sleep 0.5
  done
  cat "$service_log" >&2
  log "not ready after 60 s"
  exit 1
}

# measure NAME WRK-ARGS...: a warm-up run, then $runs measured runs; keeps each run's BENCH line.
measure() {
  local name=$1
  shift
  log "$name: warm-up $warmup, then $runs x $duration"
  wrk -d "$warmup" "$@" > "$work/$name.warmup.txt"
  : > "$work/$name.bench"
  for i in $(seq 1 "$runs"); do
    wrk -d "$duration" --latency "$@" > "$work/$name.$i.txt"
    grep '^BENCH ' "$work/$name.$i.txt" >> "$work/$name.bench"
  done
}

# CPU seconds (user + system) used so far by the service process and by Redis: differences across a
# measurement give CPU time per request, which req/s on shared cores cannot separate.
service_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$service_pid/stat"; }
# CPU seconds of this script's finished children: across a measurement, wrk's (the load generator
# shares the cores, so a costlier request script would count against the service).
# (`times` must run in this shell, not in a $(...) subshell, hence the variable.)
children_cpu_into() { # children_cpu_into VAR
  times > "$work/times.txt"
  printf -v "$1" '%s' "$(tail -1 "$work/times.txt" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } print s }')"
}
redis_cpu() { redis info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s + 0 }'; }

# --- report helpers ------------------------------------------------------------------------------
field() { # field FILE KEY: that key's value on each BENCH line
  grep -o " $2=[^ ]*" "$1" | cut -d= -f2
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }
m() { field "$work/$1.bench" "$2" | median; }

fmt() { # rounds to 3 significant digits or whole numbers
  awk '{ v = $1; if (v == "n/a") print v; else if (v >= 100) printf "%.0f\n", v; else if (v >= 10) printf "%.1f\n", v; else printf "%.2f\n", v }'
}

table_row() { # table_row RPS-KEY NAME LABEL COLUMN: one Markdown table row of medians, req/s from RPS-KEY
  local f="$work/$2.bench"
  printf '| %s | %s | %s | %s | %s | %s | %s / %s |\n' "$3" "$4" \
    "$(field "$f" "$1" | median | fmt)" "$(field "$f" p50_ms | median | fmt)" "$(field "$f" p99_ms | median | fmt)" \
    "$(field "$f" "$1" | fmt | paste -sd' ' - | sed 's/ / \/ /g')" \
    "$(field "$f" non2xx | sum)" "$(field "$f" socket_errors | sum)"
}

machine() { # the report's machine line
  echo "Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GB;" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). PostgreSQL + Redis on 127.0.0.1; wrk on the same machine."
}
