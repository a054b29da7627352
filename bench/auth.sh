#!/usr/bin/env bash
# Benchmarks LearnStream's authentication paths with wrk, against PostgreSQL and Redis on 127.0.0.1.
#   bench/auth.sh        about 4 minutes; run as root (apt-get, scripts/services.sh)
# Builds the API (Release) from a copy of the working tree, starts it on 127.0.0.1:$BENCH_PORT with a
# database of its own (learnstream_bench, dropped and recreated) and Redis prefix "bench:", measures
# each scenario $BENCH_RUNS times and prints a Markdown table of the medians. See bench/README.md.
# Settings: BENCH_PORT (18080), BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_RUNS (3),
#           BENCH_KEEP=1 keeps the work directory (wrk outputs, service log) in /tmp.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench"
port="${BENCH_PORT:-18080}"
duration="${BENCH_DURATION:-10s}"
warmup="${BENCH_WARMUP:-2s}"
runs="${BENCH_RUNS:-3}"
base="http://127.0.0.1:$port"
pg_port=5432
redis_port=6379
database=learnstream_bench
email=bench@example.test
password=bench-Passw0rd-long
threads=2
refresh_connections=16

work="$(mktemp -d /tmp/learnstream-bench.XXXXXX)"
service_pid=""
stop_services=false
started_at=$(date +%s)

log() { printf 'bench: %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    log "stopping the service (pid $service_pid)"
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "$service_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$service_pid" 2>/dev/null || true
  fi
  if $stop_services; then
    "$root/scripts/services.sh" stop || true
  fi
  if [ "$status" -ne 0 ] || [ -n "${BENCH_KEEP:-}" ]; then
    log "work directory kept: $work (service.log, build.log, wrk outputs)"
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

# --- tools and services --------------------------------------------------------------------------
need wrk wrk
need curl curl
command -v dotnet >/dev/null || { log "dotnet (the .NET 10 SDK) is required"; exit 1; }

# services.sh stop stops whatever any caller's start started (it keeps one marker per server), so
# stop only if both servers were down before this script started them: if they were already up,
# someone else (a test run, say) may be using them.
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
# Stale keys of an earlier run (bounded: at most what the prefix holds).
redis-cli -h 127.0.0.1 -p "$redis_port" --scan --pattern 'bench:*' | xargs -r -d '\n' -n 100 redis-cli -h 127.0.0.1 -p "$redis_port" del >/dev/null

# --- build and start -----------------------------------------------------------------------------
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
export Redis__InstanceName=bench:
export DataDirectory="$work/data"
# 10,000,000 is the largest value the options accept: in effect, no throttling.
export RateLimits__Auth__PerAddressPerMinute=10000000
export RateLimits__Auth__PerAccountPerMinute=10000000
export Logging__LogLevel__Default=Warning

log "starting the API on $base"
cd "$work/app"
dotnet LearnStream.Api.dll --urls "$base" > "$work/service.log" 2>&1 &
service_pid=$!
cd "$root"

ready=false
for _ in $(seq 1 120); do
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; log "the service exited"; exit 1; }
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health/ready")" = 200 ]; then
    ready=true
    break
  fi
  sleep 0.5
done
$ready || { cat "$work/service.log" >&2; log "not ready after 60 s"; exit 1; }

# --- helpers -------------------------------------------------------------------------------------
post_json() { # post_json PATH JSON: prints the body; fails unless 2xx
  curl -s -f -H 'Content-Type: application/json' -d "$2" "$base$1"
}
login_body="{\"email\":\"$email\",\"password\":\"$password\"}"
json_field() { grep -o "\"$1\":\"[^\"]*\"" | cut -d'"' -f4; }

export BENCH_EMAIL="$email" BENCH_PASSWORD="$password"

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

# --- measurements --------------------------------------------------------------------------------
post_json /api/v1/auth/register "{\"name\":\"Bench\",\"email\":\"$email\",\"password\":\"$password\"}" > /dev/null

# The framework ceiling: no authentication header, no database.
measure live -t"$threads" -c32 -s "$bench/get.lua" "$base/health/live"

# The same endpoint with a valid bearer token: JwtBearer validates every request that carries a
# token, on any endpoint, so this adds the authentication work alone (ES256 signature, claims, the
# session revocation check) without the database query of /me.
access_token="$(post_json /api/v1/auth/login "$login_body" | json_field accessToken)"
measure live_bearer -t"$threads" -c32 -H "Authorization: Bearer $access_token" -s "$bench/get.lua" "$base/health/live"

# Authenticated GET /api/v1/me: authentication + a primary-key SELECT + JSON.
access_token="$(post_json /api/v1/auth/login "$login_body" | json_field accessToken)"
measure me -t"$threads" -c32 -H "Authorization: Bearer $access_token" -s "$bench/get.lua" "$base/api/v1/me"

# Login under load, and at concurrency 1, where its latency is about one password hash.
measure login -t"$threads" -c4 --timeout 30s -s "$bench/login.lua" "$base"
measure login_c1 -t1 -c1 --timeout 30s -s "$bench/login.lua" "$base"

# No enumeration by timing: an unknown email is checked against a decoy hash, so it should cost what
# a wrong password costs. Both answer 401, so these rows count all answers, not 2xx.
BENCH_EMAIL="nobody-$$@example.test" measure login_unknown -t1 -c1 --timeout 30s -s "$bench/login.lua" "$base"
BENCH_PASSWORD="not-the-password-$$" measure login_wrong -t1 -c1 --timeout 30s -s "$bench/login.lua" "$base"

# Refresh: each token is used once. One set of tokens (from distinct logins) per run and for the
# warm-up; refresh.lua then carries each session's next token over to that connection's next request.
per_set=$((refresh_connections + threads))
log "refresh: creating $(((runs + 1) * per_set)) sessions (one login each) for the refresh runs"
for set in warmup $(seq 1 "$runs"); do
  seq 1 "$per_set" | xargs -P 4 -I{} curl -s -f -H 'Content-Type: application/json' -d "$login_body" "$base/api/v1/auth/login" \
    | json_field refreshToken > "$work/tokens.$set.txt"
  [ "$(wc -l < "$work/tokens.$set.txt")" -eq "$per_set" ] || { log "could not create the refresh tokens"; exit 1; }
done
log "refresh: warm-up $warmup, then $runs x $duration"
wrk -d "$warmup" -t"$threads" -c"$refresh_connections" -s "$bench/refresh.lua" "$base" -- "$work/tokens.warmup.txt" "$threads" > "$work/refresh.warmup.txt"
: > "$work/refresh.bench"
for i in $(seq 1 "$runs"); do
  wrk -d "$duration" --latency -t"$threads" -c"$refresh_connections" -s "$bench/refresh.lua" "$base" -- "$work/tokens.$i.txt" "$threads" > "$work/refresh.$i.txt"
  grep '^BENCH ' "$work/refresh.$i.txt" >> "$work/refresh.bench"
done

# Outside HTTP: the PBKDF2 call itself, and the revocation check, which is far below what
# whole-request throughput can resolve.
log "micro-benchmarks (dotnet run -c Release bench/Micro.cs)"
micro="$(dotnet run -c Release "$bench/Micro.cs" 2> "$work/micro.log" | grep '^MICRO ' || true)"
[ -n "$micro" ] || BENCH_KEEP=1

# --- report --------------------------------------------------------------------------------------
field() { # field FILE KEY: that key's value on each BENCH line
  grep -o " $2=[^ ]*" "$1" | cut -d= -f2
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }

fmt() { # rounds to 3 significant digits or whole numbers
  awk '{ v = $1; if (v == "n/a") print v; else if (v >= 100) printf "%.0f\n", v; else if (v >= 10) printf "%.1f\n", v; else printf "%.2f\n", v }'
}

row() { # row NAME LABEL WRK: one Markdown table row of medians
  local f="$work/$1.bench"
  printf '| %s | `%s` | %s | %s | %s | %s | %s / %s |\n' "$2" "$3" \
    "$(field "$f" ok_rps | median | fmt)" "$(field "$f" p50_ms | median | fmt)" "$(field "$f" p99_ms | median | fmt)" \
    "$(field "$f" ok_rps | fmt | paste -sd' ' - | sed 's/ / \/ /g')" \
    "$(field "$f" non2xx | sum)" "$(field "$f" socket_errors | sum)"
}

row_any() { # row_any NAME LABEL WRK: like row, for scenarios whose expected answer is not 2xx
  local f="$work/$1.bench"
  printf '| %s | `%s` | %s | %s | %s | %s | %s / %s |\n' "$2" "$3" \
    "$(field "$f" rps | median | fmt)" "$(field "$f" p50_ms | median | fmt)" "$(field "$f" p99_ms | median | fmt)" \
    "$(field "$f" rps | fmt | paste -sd' ' - | sed 's/ / \/ /g')" \
    "$(field "$f" non2xx | sum)" "$(field "$f" socket_errors | sum)"
}

m() { field "$work/$1.bench" "$2" | median; }
live_rps=$(m live ok_rps)
bearer_rps=$(m live_bearer ok_rps)
hash_ms=$(m login_c1 p50_ms)
login_rps=$(m login ok_rps)

echo
echo "## LearnStream auth benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GB;" \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). PostgreSQL + Redis on 127.0.0.1; wrk on the same machine."
echo "Each row: median of $runs runs of $duration after a $warmup warm-up; req/s counts 2xx answers only (refresh: 200 only)."
echo
echo '| Scenario | wrk | req/s | p50 ms | p99 ms | req/s per run | non-2xx / socket errors (all runs) |'
echo '|---|---|---:|---:|---:|---|---|'
row live "GET /health/live (framework ceiling)" "-t2 -c32"
row live_bearer "GET /health/live + valid bearer token" "-t2 -c32"
row me "GET /api/v1/me (authenticated)" "-t2 -c32"
row login "POST /api/v1/auth/login" "-t2 -c4"
row login_c1 "POST /api/v1/auth/login, concurrency 1" "-t1 -c1"
row refresh "POST /api/v1/auth/refresh (each token once)" "-t2 -c$refresh_connections"
row_any login_unknown "POST login, unknown email (401 expected)" "-t1 -c1"
row_any login_wrong "POST login, wrong password (401 expected)" "-t1 -c1"
echo
gate=$(( $(nproc) / 2 )); [ "$gate" -ge 1 ] || gate=1
awk -v gate="$gate" -v live="$live_rps" -v bearer="$bearer_rps" -v hash="$hash_ms" -v login="$login_rps" 'BEGIN {
  printf "- Password hash (PBKDF2-SHA512, 210,000 iterations): about %.0f ms, taking the p50 of login at concurrency 1 as the\n", hash
  printf "  proxy (a fair one: a login is one hash plus a user lookup, a session insert and a token signature, small next\n"
  printf "  to the hash; the PBKDF2 call alone is timed below). %d hash(es) at once here (max(1, cores/2)), so logins top out near\n", gate
  printf "  %d x 1000/%.0f = %.1f/s; measured at c=4: %.2f/s.\n", gate, hash, gate * 1000 / hash, login
  if (live > 0 && bearer > 0)
    printf "- Bearer authentication (ES256 signature, claims, revocation check): %.0f us more per request than the framework\n  ceiling (1/%.0f - 1/%.0f s, at saturation, the cores shared with wrk). GET /api/v1/me pays it too, plus its query.\n", 1e6 / bearer - 1e6 / live, bearer, live
}'
echo "- Enumeration by timing: p50 of a login with an unknown email $(m login_unknown p50_ms | fmt) ms, with a wrong password" \
  "$(m login_wrong p50_ms | fmt) ms, with the right one $(m login_c1 p50_ms | fmt) ms (all at concurrency 1)."
if [ -n "$micro" ]; then
  echo "- Micro-benchmarks (bench/Micro.cs, same calls outside HTTP): the PBKDF2 call alone, and the revocation check in ns"
  echo "  (lookup = SessionRevocations.IsRevoked; hook = the whole OnTokenValidated check: read sid and sub, parse"
  echo "  both, look up):"
  echo "$micro" | sed 's/^MICRO /  - /'
else
  echo "- Micro-benchmarks: did not run (see $work/micro.log)."
fi
echo
echo "Total time: $(( $(date +%s) - started_at )) s."
