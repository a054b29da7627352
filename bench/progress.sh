#!/usr/bin/env bash
# Benchmarks progress beats (POST /api/v1/lessons/{id}/progress) with wrk against PostgreSQL and Redis on
# 127.0.0.1, beside the framework ceiling and PostgreSQL's own single-row upsert rate (pgbench).
#   bench/progress.sh    about 5 minutes; run as root (apt-get, scripts/services.sh)
# Builds the API (Release) from a copy of the working tree, starts it on 127.0.0.1:$BENCH_PORT with a
# database of its own (learnstream_bench_progress, dropped and recreated) and Redis prefix "benchprog:",
# creates through the API an instructor, one free course of video lessons and learners enrolled in it,
# measures each scenario $BENCH_RUNS times and prints a Markdown table of the medians, the ratios against
# the targets and the service's peak memory. See bench/README.md.
# Settings: BENCH_PORT (18082), BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_RUNS (3),
#           BENCH_LEARNERS (64), BENCH_LESSONS (8; 256 gives each pair about one beat a second, see
#           bench/README.md), BENCH_CONNECTIONS (32), BENCH_UPSERT_KEYS (100000),
#           BENCH_SERVICE_WARMUP (10s, the trivial endpoint after the start), BENCH_BEATS_WARMUP (60s, beats
#           before any measurement, so the flush's code has reached the JIT's optimized tier; see
#           bench/README.md), BENCH_THINK_MS (0: each wrk
#           connection waits this long before each beat, to offer a rate below the service's peak),
#           BENCH_SETTINGS (extra service settings, VAR=VALUE separated by spaces, for experiments),
#           BENCH_KEEP=1 keeps the work directory (wrk and pgbench outputs, service log) in /tmp.
set -euo pipefail

port="${BENCH_PORT:-18082}"
learners="${BENCH_LEARNERS:-64}"
lessons="${BENCH_LESSONS:-8}"
connections="${BENCH_CONNECTIONS:-32}"
think_ms="${BENCH_THINK_MS:-0}"
upsert_keys="${BENCH_UPSERT_KEYS:-100000}"
service_warmup="${BENCH_SERVICE_WARMUP:-10s}"
beats_warmup="${BENCH_BEATS_WARMUP:-60s}"
threads=2
pgbench_clients=8
video_seconds=600
database=learnstream_bench_progress
prefix=benchprog:
work_template=/tmp/learnstream-bench-progress.XXXXXX
kept_files="service.log, build.log, setup files, wrk and pgbench outputs"
admin_email="bench-admin@example.test"
admin_password="bench-Admin-Passw0rd-long"
password="bench-Passw0rd-long"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# --- tools, services, build and start ------------------------------------------------------------
setup_services
need pgbench postgresql-client
build_api
# The first admin comes from configuration. Beats are limited per learner and lesson per minute (60 by
# default, a player sends one every 10-15 s); wrk sends far more, so the limit goes to its maximum.
# Access tokens live 15 minutes (the maximum), longer than the whole measurement.
read -r -a extra_settings <<< "${BENCH_SETTINGS:-}"
start_service "" \
  Bootstrap__AdminEmail="$admin_email" Bootstrap__AdminPassword="$admin_password" \
  Progress__MaxBeatsPerMinute=100000 Jwt__AccessTokenMinutes=15 "${extra_settings[@]}"

# --- setup through the API -----------------------------------------------------------------------
api() { # api METHOD PATH TOKEN [JSON]: prints the body; fails unless 2xx
  curl -s -f -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+-d "$4"} "$base$2"
}
anon_post() { # anon_post PATH JSON: prints the body; fails unless 2xx
  curl -s -f -H 'Content-Type: application/json' -d "$2" "$base$1"
}
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
login() { anon_post /api/v1/auth/login "{\"email\":\"$1\",\"password\":\"$2\"}" | json_field accessToken; }
register() { anon_post /api/v1/auth/register "{\"name\":\"$1\",\"email\":\"$2\",\"password\":\"$password\"}" | json_field id; }

log "setup: an instructor, a free course of $lessons video lessons, $learners learners enrolled"
admin_token="$(login "$admin_email" "$admin_password")"
instructor_email="bench-instructor@example.test"
instructor_id="$(register "Bench Instructor" "$instructor_email")"
api PATCH "/api/v1/admin/users/$instructor_id" "$admin_token" '{"role":"instructor"}' > /dev/null
instructor_token="$(login "$instructor_email" "$password")"

course_id="$(api POST /api/v1/courses "$instructor_token" '{"title":"Progress benchmark course"}' | json_field id)"
section_id="$(api POST "/api/v1/courses/$course_id/sections" "$instructor_token" '{"title":"Videos"}' | json_field id)"
: > "$work/lessons.txt"
for i in $(seq 1 "$lessons"); do
  api POST "/api/v1/courses/$course_id/lessons" "$instructor_token" \
    "{\"sectionId\":\"$section_id\",\"title\":\"Video $i\",\"kind\":\"video\"}" | json_field id >> "$work/lessons.txt"
done
[ "$(grep -c . "$work/lessons.txt")" -eq "$lessons" ] || { log "could not create the lessons"; exit 1; }

# Each video lesson gets a ready 600 s video written straight into lesson_videos: the benchmark skips
# uploading and transcoding (bench/README.md), which have nothing to do with beats.
{
  echo 'INSERT INTO lesson_videos ("LessonId", "CourseId", "Provider", "Status", "Duration", "Attempts", "UpdatedAt") VALUES'
  sed "s/.*/('&', '$course_id', 'local', 'Ready', $video_seconds, 0, now())/" "$work/lessons.txt" | paste -sd, -
  echo ';'
} > "$work/videos.sql"
psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U learnstream -d "$database" -f "$work/videos.sql"
api POST "/api/v1/courses/$course_id/publish" "$instructor_token" > /dev/null

# Registering and logging in each hash a password (about 0.25 s, one at a time on 2 cores): 64 learners
# take about half a minute. Four at a time keeps the hashing gate busy.
log "setup: registering, logging in and enrolling $learners learners (each hashes a password twice)"
export base password course_id
setup_learner() {
  local email="bench-learner-$1@example.test" token
  curl -s -f -H 'Content-Type: application/json' \
    -d "{\"name\":\"Learner $1\",\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/register" > /dev/null || return 1
  token="$(curl -s -f -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" \
    "$base/api/v1/auth/login" | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)"
  curl -s -f -X POST -H "Authorization: Bearer $token" "$base/api/v1/courses/$course_id/enroll" > /dev/null || return 1
  echo "$token"
}
export -f setup_learner
seq 1 "$learners" | xargs -P 4 -I{} bash -c 'setup_learner {}' > "$work/tokens.txt"
[ "$(grep -c . "$work/tokens.txt")" -eq "$learners" ] || { log "could not set up the learners"; exit 1; }

# One beat by hand: the endpoint exists and answers 202 before wrk sends thousands.
first_lesson="$(head -1 "$work/lessons.txt")"
first_token="$(head -1 "$work/tokens.txt")"
status="$(curl -s -o "$work/first-beat.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $first_token" \
  -H 'Content-Type: application/json' \
  -d '{"sessionId":"bench-check","sequence":1,"position":10,"watched":[[0,10]],"event":"heartbeat"}' \
  "$base/api/v1/lessons/$first_lesson/progress")"
[ "$status" = 202 ] || { log "a first beat got $status, not 202: $(cat "$work/first-beat.json")"; exit 1; }

# --- measurements --------------------------------------------------------------------------------
# A new process climbs for tens of seconds (tiered JIT, the GC adapting, pools filling): warm both
# endpoints before measuring either. Beats warm longer: the flush runs every 2 s, so its code takes about
# a minute of beats to be called often enough for the JIT's optimized tier; measured sooner, it runs
# unoptimized and the JIT compiles it during the measurement.
log "warming up the new service ($service_warmup on /health/live, $beats_warmup of beats)"
wrk -d "$service_warmup" -t"$threads" -c"$connections" "$base/health/live" > /dev/null
wrk -d "$beats_warmup" -t"$threads" -c"$connections" -s "$bench/progress.lua" "$base" -- \
  "$work/tokens.txt" "$work/lessons.txt" "$threads" warm "$think_ms" > /dev/null

# 1. The framework ceiling: no authentication header, no database.
children_cpu_into wrk_before
live_cpu=("$(service_cpu)" "$(redis_cpu)" "$wrk_before")
measure live -t"$threads" -c"$connections" -s "$bench/get.lua" "$base/health/live"
children_cpu_into wrk_after
live_cpu+=("$(service_cpu)" "$(redis_cpu)" "$wrk_after")

# 2. Beats: each run with session ids of its own (the last argument), so no run replays another's.
log "beats: warm-up $warmup, then $runs x $duration"
children_cpu_into wrk_before
beats_cpu=("$(service_cpu)" "$(redis_cpu)" "$wrk_before")
wrk -d "$warmup" -t"$threads" -c"$connections" -s "$bench/progress.lua" "$base" -- \
  "$work/tokens.txt" "$work/lessons.txt" "$threads" warmup "$think_ms" > "$work/beats.warmup.txt"
: > "$work/beats.bench"
# The flush's backlog during the measured runs, every 2 s: the pairs due in Redis (beats not yet in the
# store), and how long the one due longest has waited. That wait is what a crash of Redis with the node
# could lose (README.md, "What a crash can lose"): about one flush interval while the flush keeps up.
: > "$work/backlog.txt"
(while kill -0 $$ 2>/dev/null; do
  due="$(redis zcard "${prefix}progress:due-since")"
  since="$(redis zrange "${prefix}progress:due-since" 0 0 withscores | sed -n 2p)"
  echo "$due $(( $(date +%s%3N) - ${since:-$(date +%s%3N)} ))" >> "$work/backlog.txt"
  sleep 2
done) &
sampler=$!
for i in $(seq 1 "$runs"); do
  wrk -d "$duration" --latency -t"$threads" -c"$connections" -s "$bench/progress.lua" "$base" -- \
    "$work/tokens.txt" "$work/lessons.txt" "$threads" "run$i" "$think_ms" > "$work/beats.$i.txt"
  grep '^BENCH ' "$work/beats.$i.txt" >> "$work/beats.bench"
done
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
children_cpu_into wrk_after
beats_cpu+=("$(service_cpu)" "$(redis_cpu)" "$wrk_after")

# After the runs: what a learner sees (the write-behind buffer answers reads too, so no wait is needed).
course_progress="$(api GET "/api/v1/courses/$course_id/progress" "$first_token" || echo "(GET /api/v1/courses/{id}/progress failed)")"
peak_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$service_pid/status")"
stop_service

# 3. PostgreSQL alone: the same write as one beat stored on its own, a single-row upsert in its own
# transaction, from $pgbench_clients clients, with random keys over $upsert_keys rows (all present
# beforehand, as a learner's row is after the first beat). The table is a copy of the service's own
# lesson_progress (LIKE ... INCLUDING ALL: same columns, key and indexes), and the row is what a beat
# leaves: key "{userId:N}:{lessonId}", the intervals and sessions as JSON text, position and times.
log "pgbench: $upsert_keys rows, $pgbench_clients clients, warm-up $warmup, then $runs x $duration"
sessions_json='[{"id":"bench","startedAt":"2026-01-01T00:00:00+00:00","sequence":1,"position":10}]'
psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U learnstream -d "$database" <<SQL
DROP TABLE IF EXISTS bench_upsert;
CREATE TABLE bench_upsert (LIKE lesson_progress INCLUDING ALL);
INSERT INTO bench_upsert ("Id", "UserId", "CourseId", "LessonId", "Watched", "Sessions", "Duration", "WatchedSeconds",
                          "Position", "FirstWatchedAt", "LastWatchedAt", "Version")
  SELECT md5(k::text) || ':' || md5((-k)::text)::uuid::text, md5(k::text)::uuid, '$course_id', md5((-k)::text)::uuid::text,
         '[0,10]', '$sessions_json', $video_seconds, 10, 10, now(), now(), 1
  FROM generate_series(1, $upsert_keys) AS k;
VACUUM ANALYZE bench_upsert;
SQL
cat > "$work/upsert.sql" <<SQL
\\set k random(1, $upsert_keys)
\\set start random(10, $((video_seconds - 10)))
INSERT INTO bench_upsert AS p ("Id", "UserId", "CourseId", "LessonId", "Watched", "Sessions", "Duration", "WatchedSeconds",
                               "Position", "FirstWatchedAt", "LastWatchedAt", "Version")
VALUES (md5(:k::text) || ':' || md5((-:k)::text)::uuid::text, md5(:k::text)::uuid, '$course_id', md5((-:k)::text)::uuid::text,
        '[0,10,' || :start || ',' || (:start + 10) || ']', '$sessions_json', $video_seconds, 20, :start + 10, now(), now(), 1)
ON CONFLICT ("Id") DO UPDATE SET "Watched" = EXCLUDED."Watched", "Sessions" = EXCLUDED."Sessions",
  "WatchedSeconds" = EXCLUDED."WatchedSeconds", "Position" = EXCLUDED."Position", "LastWatchedAt" = EXCLUDED."LastWatchedAt",
  "Version" = p."Version" + 1;
SQL
pgbench_run() { # pgbench_run SECONDS OUTPUT
  pgbench -n -h 127.0.0.1 -p "$pg_port" -U learnstream -c "$pgbench_clients" -j "$threads" -T "$1" -f "$work/upsert.sql" "$database" > "$2" 2>&1
}
seconds() { echo "${1%s}"; }
pgbench_run "$(seconds "$warmup")" "$work/upsert.warmup.txt"
: > "$work/upsert.bench"
for i in $(seq 1 "$runs"); do
  pgbench_run "$(seconds "$duration")" "$work/upsert.$i.txt"
  awk '/^tps = / { tps = $3 } /^latency average = / { avg = $4 } /^number of failed transactions: / { failed = $5 }
    END { printf "BENCH tps=%s avg_ms=%s failed=%s\n", tps, avg, failed + 0 }' "$work/upsert.$i.txt" >> "$work/upsert.bench"
done

# --- report --------------------------------------------------------------------------------------
requests_of() { # requests_of NAME: requests of its warm-up and measured runs
  cat "$work/$1.warmup.txt" "$work/$1".[0-9]*.txt | grep '^BENCH ' | grep -o ' requests=[0-9]*' | cut -d= -f2 | sum
}
cpu_us() { # cpu_us BEFORE AFTER REQUESTS: CPU microseconds per request
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1e6 / n; else print "n/a" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { # verdict VALUE OP TARGET: met, NOT met, or n/a when nothing was measured
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v !~ /^[0-9.]+$/) { print "n/a"; exit }
    ok = (op == ">=") ? v + 0 >= t + 0 : v + 0 < t + 0; print ok ? "met" : "NOT met" }'
}

live_rps=$(m live ok_rps)
beats_rps=$(m beats ok_rps)
beats_p99=$(m beats p99_ms)
upsert_tps=$(field "$work/upsert.bench" tps | median)
beats_errors=$(( $(field "$work/beats.bench" non2xx | sum) + $(field "$work/beats.bench" socket_errors | sum) ))
peak_mb=$(awk -v kb="$peak_kb" 'BEGIN { printf "%.0f", kb / 1024 }')
vs_upsert=$(ratio "$beats_rps" "$upsert_tps")
vs_live=$(ratio "$beats_rps" "$live_rps")

echo
echo "## LearnStream progress benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
machine
echo "Each row: median of $runs runs of $duration after a $warmup warm-up; req/s counts 2xx answers only."
echo "$learners learners x $lessons video lessons ($((learners * lessons)) player sessions), one free course;" \
  "${think_ms} ms between a connection's beats;" \
  "the service was warmed after its start for $service_warmup on /health/live and $beats_warmup of beats."
echo
echo '| Scenario | driver | req/s | p50 ms | p99 ms | req/s per run | non-2xx / socket errors (all runs) |'
echo '|---|---|---:|---:|---:|---|---|'
table_row ok_rps live "GET /health/live (framework ceiling)" "wrk -t$threads -c$connections"
table_row ok_rps beats "POST /api/v1/lessons/{id}/progress (heartbeat, 202)" "wrk -t$threads -c$connections"
printf '| %s | %s | %s | | | %s | %s failed |\n' "PostgreSQL single-row upsert (pgbench)" "$pgbench_clients clients, -j$threads" \
  "$(echo "$upsert_tps" | fmt)" "$(field "$work/upsert.bench" tps | fmt | paste -sd' ' - | sed 's/ / \/ /g')" \
  "$(field "$work/upsert.bench" failed | sum)"
echo
echo "| Target | measured | |"
echo "|---|---:|---|"
echo "| beats >= 1.0 x the single-row upsert rate | $vs_upsert x | $(verdict "$vs_upsert" ">=" 1.0) |"
echo "| beats >= 0.35 x the framework ceiling | $vs_live x | $(verdict "$vs_live" ">=" 0.35) |"
echo "| beats p99 < 50 ms | $(echo "$beats_p99" | fmt) ms | $(verdict "$beats_p99" "<" 50) |"
echo "| zero errors (non-2xx + socket errors, all beat runs) | $beats_errors | $(verdict "$beats_errors" "<" 1) |"
echo "| peak memory of the service (VmHWM) < 400 MB | $peak_mb MB | $(verdict "$peak_mb" "<" 400) |"
echo
live_requests=$(requests_of live)
beats_requests=$(requests_of beats)
echo "- CPU time per request, over the warm-up and measured runs (2 cores give 2 CPU-seconds a second):" \
  "GET /health/live $(cpu_us "${live_cpu[0]}" "${live_cpu[3]}" "$live_requests") us in the service" \
  "and $(cpu_us "${live_cpu[2]}" "${live_cpu[5]}" "$live_requests") us in wrk;" \
  "a beat $(cpu_us "${beats_cpu[0]}" "${beats_cpu[3]}" "$beats_requests") us in the service," \
  "$(cpu_us "${beats_cpu[1]}" "${beats_cpu[4]}" "$beats_requests") us in Redis and" \
  "$(cpu_us "${beats_cpu[2]}" "${beats_cpu[5]}" "$beats_requests") us in wrk (PostgreSQL not counted)."
echo "- The flush's backlog (every 2 s during the measured beat runs): pairs due" \
  "median $(cut -d' ' -f1 "$work/backlog.txt" | median) of $((learners * lessons))" \
  "(from $(cut -d' ' -f1 "$work/backlog.txt" | sort -g | head -1) to $(cut -d' ' -f1 "$work/backlog.txt" | sort -g | tail -1));" \
  "the beat due longest had waited median $(cut -d' ' -f2 "$work/backlog.txt" | median) ms," \
  "at most $(cut -d' ' -f2 "$work/backlog.txt" | sort -g | tail -1) ms."
echo "- pgbench latency average (median of runs): $(field "$work/upsert.bench" avg_ms | median) ms."
echo "- Course progress of the first learner after the runs: $(echo "$course_progress" | cut -c1-300)"
echo
echo "Total time: $(( $(date +%s) - started_at )) s."
