#!/usr/bin/env bash
# Benchmarks LearnStream's public catalog reads with wrk, with the catalog cache on and off, against
# PostgreSQL and Redis on 127.0.0.1.
#   bench/catalog.sh     about 3 minutes; run as root (apt-get, scripts/services.sh)
# Builds the API (Release) from a copy of the working tree, seeds the demo catalog into a database of
# its own (learnstream_bench_catalog, dropped and recreated) with the seed-demo command, starts the API
# on 127.0.0.1:$BENCH_PORT with Redis prefix "benchcat:", measures each scenario $BENCH_RUNS times,
# restarts it with Catalog__CacheEnabled=false and measures again; prints a Markdown table of the
# medians and the cache's speed-up. See bench/README.md.
# Settings: BENCH_PORT (18081), BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_RUNS (3),
#           BENCH_SERVICE_WARMUP (10s, per endpoint after each start),
#           BENCH_KEEP=1 keeps the work directory (wrk outputs, service logs) in /tmp.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench"
port="${BENCH_PORT:-18081}"
duration="${BENCH_DURATION:-10s}"
warmup="${BENCH_WARMUP:-2s}"
runs="${BENCH_RUNS:-3}"
service_warmup="${BENCH_SERVICE_WARMUP:-10s}"
base="http://127.0.0.1:$port"
pg_port=5432
redis_port=6379
database=learnstream_bench_catalog
prefix=benchcat:
list_path="/api/v1/courses?page=1&pageSize=20"

work="$(mktemp -d /tmp/learnstream-bench-catalog.XXXXXX)"
service_pid=""
stop_services=false
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
    log "work directory kept: $work (service-*.log, build.log, seed.log, wrk outputs)"
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
# Keys of this benchmark only (bounded: at most what the prefix holds). One key a line, taken
# verbatim: list-cache keys hold JSON, whose quotes plain xargs would strip.
clear_keys() { redis --scan --pattern "$prefix*" | xargs -r -d '\n' -n 100 redis-cli -h 127.0.0.1 -p "$redis_port" del >/dev/null; }
count_keys() { redis --scan --pattern "$1*" | wc -l; }

# --- tools and services --------------------------------------------------------------------------
need wrk wrk
need curl curl
command -v dotnet >/dev/null || { log "dotnet (the .NET 10 SDK) is required"; exit 1; }

# As in auth.sh: stop the servers at the end only if both were down before this script started them.
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

# --- build, seed -------------------------------------------------------------------------------
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

export ASPNETCORE_ENVIRONMENT=Development
export Database__Provider=postgres
export ConnectionStrings__Database="Host=127.0.0.1;Port=$pg_port;Username=learnstream;Password=learnstream;Database=$database"
export ConnectionStrings__Redis="127.0.0.1:$redis_port"
export Redis__InstanceName="$prefix"
export DataDirectory="$work/data"
# 10,000,000 is the largest value the options accept: in effect, no throttling.
export RateLimits__Auth__PerAddressPerMinute=10000000
export RateLimits__Auth__PerAccountPerMinute=10000000
export Logging__LogLevel__Default=Warning

# seed-demo migrates the new database and adds three published courses; it prints the demo passwords,
# so its output stays in the work directory.
log "seeding the demo catalog (seed-demo)"
(cd "$work/app" && dotnet LearnStream.Api.dll seed-demo > "$work/seed.log" 2>&1) || { cat "$work/seed.log" >&2; exit 1; }

# start_service NAME [VAR=VALUE...]: starts the API with extra settings and waits until it is ready.
start_service() {
  local name=$1
  shift
  log "starting the API on $base ($name${*:+: $*})"
  (cd "$work/app" && exec env "$@" dotnet LearnStream.Api.dll --urls "$base") > "$work/service-$name.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/service-$name.log" >&2; log "the service exited"; exit 1; }
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health/ready")" = 200 ]; then
      return 0
    fi
    sleep 0.5
  done
  cat "$work/service-$name.log" >&2
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

# warm_service PATH...: load on each endpoint of a freshly started service before any measurement. A
# new process climbs for tens of seconds (tiered JIT, the GC adapting its heap count, pools filling);
# without this the first scenario after a start measures that climb.
warm_service() {
  local path
  for path in "$@"; do
    log "warming up the new service on $path ($service_warmup)"
    wrk -d "$service_warmup" -t2 -c32 "$base$path" > /dev/null
  done
}

# size PATH: bytes of the answer's body; fails unless 200
size() { curl -s -f -o /dev/null -w '%{size_download}' "$base$1"; }

# --- measurements --------------------------------------------------------------------------------
start_service cache-on
# The largest demo course (most sections and lessons): the heaviest detail page of the catalog.
slug=modern-csharp-and-dotnet
course_path="/api/v1/courses/$slug"
[ "$(curl -s "$base$list_path" | grep -o '"total":[0-9]*')" = '"total":3' ] || { log "the seeded catalog is not listed"; exit 1; }
course_bytes=$(size "$course_path")
list_bytes=$(size "$list_path")
warm_service /health/live "$course_path" "$list_path"

# Anonymous callers only: they are the ones the cache serves (signed-in readers bypass it for drafts).
measure live -t2 -c32 -s "$bench/get.lua" "$base/health/live"
measure course_on -t2 -c32 -s "$bench/get.lua" "$base$course_path"
measure list_on -t2 -c32 -s "$bench/get.lua" "$base$list_path"
cache_keys_on=$(count_keys "${prefix}cache:")
stop_service

# Same database and data; the cache off, and Redis emptied so nothing could be served from it anyway.
clear_keys
start_service cache-off Catalog__CacheEnabled=false
warm_service /health/live "$course_path" "$list_path"
measure course_off -t2 -c32 -s "$bench/get.lua" "$base$course_path"
measure list_off -t2 -c32 -s "$bench/get.lua" "$base$list_path"
cache_keys_off=$(count_keys "${prefix}cache:")
stop_service

# --- report --------------------------------------------------------------------------------------
field() { # field FILE KEY: that key's value on each BENCH line
  grep -o " $2=[^ ]*" "$1" | cut -d= -f2
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }
m() { field "$work/$1.bench" "$2" | median; }

fmt() { # rounds to 3 significant digits or whole numbers
  awk '{ v = $1; if (v == "n/a") print v; else if (v >= 100) printf "%.0f\n", v; else if (v >= 10) printf "%.1f\n", v; else printf "%.2f\n", v }'
}

row() { # row NAME LABEL CACHE: one Markdown table row of medians
  local f="$work/$1.bench"
  printf '| %s | %s | %s | %s | %s | %s | %s / %s |\n' "$2" "$3" \
    "$(field "$f" ok_rps | median | fmt)" "$(field "$f" p50_ms | median | fmt)" "$(field "$f" p99_ms | median | fmt)" \
    "$(field "$f" ok_rps | fmt | paste -sd' ' - | sed 's/ / \/ /g')" \
    "$(field "$f" non2xx | sum)" "$(field "$f" socket_errors | sum)"
}

ratio() { # ratio A B: A / B to 1 decimal
  awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", a / b; else print "n/a" }'
}

echo
echo "## LearnStream catalog benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GB;" \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). PostgreSQL + Redis on 127.0.0.1; wrk on the same machine."
echo "Each row: median of $runs runs of $duration after a $warmup warm-up, wrk -t2 -c32, anonymous; req/s counts 2xx answers only."
echo "Each service (cache on, then off) was warmed for $service_warmup per endpoint after its start."
echo
echo '| Scenario | catalog cache | req/s | p50 ms | p99 ms | req/s per run | non-2xx / socket errors (all runs) |'
echo '|---|---|---:|---:|---:|---|---|'
row live "GET /health/live (framework ceiling)" "n/a"
row course_on "GET /api/v1/courses/{slug} ($course_bytes B)" "on"
row course_off "GET /api/v1/courses/{slug}" "off"
row list_on "GET /api/v1/courses?page=1&pageSize=20 ($list_bytes B)" "on"
row list_off "GET /api/v1/courses?page=1&pageSize=20" "off"
echo
echo "- Cache speed-up, course by slug: $(ratio "$(m course_on ok_rps)" "$(m course_off ok_rps)")x req/s," \
  "p50 $(m course_off p50_ms | fmt) -> $(m course_on p50_ms | fmt) ms ($(ratio "$(m course_off p50_ms)" "$(m course_on p50_ms)")x lower)."
echo "- Cache speed-up, list page: $(ratio "$(m list_on ok_rps)" "$(m list_off ok_rps)")x req/s," \
  "p50 $(m list_off p50_ms | fmt) -> $(m list_on p50_ms | fmt) ms ($(ratio "$(m list_off p50_ms)" "$(m list_on p50_ms)")x lower)."
echo "- Cached reads against the framework ceiling: course $(ratio "$(m course_on ok_rps)" "$(m live ok_rps)"), list" \
  "$(ratio "$(m list_on ok_rps)" "$(m live ok_rps)") of GET /health/live's req/s."
echo "- Redis keys under ${prefix}cache: after the cache-on runs: $cache_keys_on; after the cache-off runs: $cache_keys_off" \
  "(0 confirms the second service read the database every time)."
echo
echo "Total time: $(( $(date +%s) - started_at )) s."
