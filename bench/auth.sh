#!/usr/bin/env bash
# Benchmarks LearnStream's authentication paths with wrk, against PostgreSQL and Redis on 127.0.0.1.
#   bench/auth.sh        about 4 minutes; run as root (apt-get, scripts/services.sh)
# Builds the API (Release) from a copy of the working tree, starts it on 127.0.0.1:$BENCH_PORT with a
# database of its own (learnstream_bench, dropped and recreated) and Redis prefix "bench:", measures
# each scenario $BENCH_RUNS times and prints a Markdown table of the medians. See bench/README.md.
# Settings: BENCH_PORT (18080), BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_RUNS (3),
#           BENCH_KEEP=1 keeps the work directory (wrk outputs, service log) in /tmp.
set -euo pipefail

port="${BENCH_PORT:-18080}"
database=learnstream_bench
prefix=bench:
work_template=/tmp/learnstream-bench.XXXXXX
kept_files="service.log, service-uncached.log, build.log, wrk outputs"
email=bench@example.test
password="bench-Passw0rd-long"
threads=2
refresh_connections=16

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# --- tools, services, build and start ------------------------------------------------------------
setup_services
build_api
start_service ""
# From the repository root, as the script always ran: dotnet run (Micro.cs, below) takes its SDK from the
# global.json of the working directory.
cd "$root"

# --- helpers -------------------------------------------------------------------------------------
post_json() { # post_json PATH JSON: prints the body; fails unless 2xx
  curl -s -f -H 'Content-Type: application/json' -d "$2" "$base$1"
}
login_body="{\"email\":\"$email\",\"password\":\"$password\"}"
json_field() { grep -o "\"$1\":\"[^\"]*\"" | cut -d'"' -f4; }

export BENCH_EMAIL="$email" BENCH_PASSWORD="$password"

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

# The bearer row again with the verified-signature cache off (Jwt:VerifiedTokenCacheSize=0): every
# request verifies the ES256 signature, as before the cache. A new process, so it is warmed first; the
# token stays valid (the development signing key is kept in the work directory).
stop_service
start_service uncached Jwt__VerifiedTokenCacheSize=0
log "warming up the restarted service (10s)"
wrk -d 10s -t"$threads" -c32 -H "Authorization: Bearer $access_token" "$base/health/live" > /dev/null
measure live_bearer_uncached -t"$threads" -c32 -H "Authorization: Bearer $access_token" -s "$bench/get.lua" "$base/health/live"
stop_service

# Outside HTTP: the PBKDF2 call itself, and the revocation check, which is far below what
# whole-request throughput can resolve.
log "micro-benchmarks (dotnet run -c Release bench/Micro.cs)"
micro="$(dotnet run -c Release "$bench/Micro.cs" 2> "$work/micro.log" | grep '^MICRO ' || true)"
[ -n "$micro" ] || BENCH_KEEP=1

# --- report --------------------------------------------------------------------------------------
row() { # row NAME LABEL WRK: one Markdown table row of medians
  table_row ok_rps "$1" "$2" "\`$3\`"
}

row_any() { # row_any NAME LABEL WRK: like row, for scenarios whose expected answer is not 2xx
  table_row rps "$1" "$2" "\`$3\`"
}

live_rps=$(m live ok_rps)
bearer_rps=$(m live_bearer ok_rps)
uncached_rps=$(m live_bearer_uncached ok_rps)
hash_ms=$(m login_c1 p50_ms)
login_rps=$(m login ok_rps)

echo
echo "## LearnStream auth benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
machine
echo "Each row: median of $runs runs of $duration after a $warmup warm-up; req/s counts 2xx answers only (refresh: 200 only)."
echo
echo '| Scenario | wrk | req/s | p50 ms | p99 ms | req/s per run | non-2xx / socket errors (all runs) |'
echo '|---|---|---:|---:|---:|---|---|'
row live "GET /health/live (framework ceiling)" "-t2 -c32"
row live_bearer "GET /health/live + valid bearer token" "-t2 -c32"
row live_bearer_uncached "GET /health/live + valid bearer token, signature cache off" "-t2 -c32"
row me "GET /api/v1/me (authenticated)" "-t2 -c32"
row login "POST /api/v1/auth/login" "-t2 -c4"
row login_c1 "POST /api/v1/auth/login, concurrency 1" "-t1 -c1"
row refresh "POST /api/v1/auth/refresh (each token once)" "-t2 -c$refresh_connections"
row_any login_unknown "POST login, unknown email (401 expected)" "-t1 -c1"
row_any login_wrong "POST login, wrong password (401 expected)" "-t1 -c1"
echo
gate=$(( $(nproc) / 2 )); [ "$gate" -ge 1 ] || gate=1
awk -v gate="$gate" -v live="$live_rps" -v bearer="$bearer_rps" -v uncached="$uncached_rps" -v hash="$hash_ms" -v login="$login_rps" 'BEGIN {
  printf "- Password hash (PBKDF2-SHA512, 210,000 iterations): about %.0f ms, taking the p50 of login at concurrency 1 as the\n", hash
  printf "  proxy (a fair one: a login is one hash plus a user lookup, a session insert and a token signature, small next\n"
  printf "  to the hash; the PBKDF2 call alone is timed below). %d hash(es) at once here (max(1, cores/2)), so logins top out near\n", gate
  printf "  %d x 1000/%.0f = %.1f/s; measured at c=4: %.2f/s.\n", gate, hash, gate * 1000 / hash, login
  if (live > 0 && bearer > 0 && uncached > 0) {
    printf "- Bearer authentication (signature, claims, revocation check): %.0f us more per request than the framework ceiling\n", 1e6 / bearer - 1e6 / live
    printf "  with the signature of the token cached (1/%.0f - 1/%.0f s), %.0f us with the cache off, verifying ES256 every time\n", bearer, live, 1e6 / uncached - 1e6 / live
    printf "  (1/%.0f - 1/%.0f s); at saturation, the cores shared with wrk. GET /api/v1/me pays it too, plus its query.\n", uncached, live
  }
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
