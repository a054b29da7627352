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

port="${BENCH_PORT:-18081}"
service_warmup="${BENCH_SERVICE_WARMUP:-10s}"
database=learnstream_bench_catalog
prefix=benchcat:
work_template=/tmp/learnstream-bench-catalog.XXXXXX
kept_files="service-*.log, build.log, seed.log, wrk outputs"
list_path="/api/v1/courses?page=1&pageSize=20"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# --- tools, services, build, seed ----------------------------------------------------------------
setup_services
build_api

# seed-demo migrates the new database and adds three published courses; it prints the demo passwords,
# so its output stays in the work directory.
log "seeding the demo catalog (seed-demo)"
(cd "$work/app" && dotnet LearnStream.Api.dll seed-demo > "$work/seed.log" 2>&1) || { cat "$work/seed.log" >&2; exit 1; }

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
row() { # row NAME LABEL CACHE: one Markdown table row of medians
  table_row ok_rps "$@"
}

ratio() { # ratio A B: A / B to 1 decimal
  awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", a / b; else print "n/a" }'
}

echo
echo "## LearnStream catalog benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
machine
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
