#!/usr/bin/env bash
# Runs every test against real PostgreSQL, Redis and SQLite. Installs and starts the servers it
# needs, stops what it started, and ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
configuration="${CONFIGURATION:-Release}"

# Stop at the end only what this run started: servers someone else started keep running.
already_started="$(ls .services/*.started 2>/dev/null || true)"
stop_services() { [ -z "$already_started" ] && scripts/services.sh stop; true; }
trap stop_services EXIT
scripts/services.sh start || { echo "0 passed, 1 failed"; exit 1; }
eval "$(scripts/services.sh env)"

log="$(mktemp)"
dotnet test --solution LearnStream.slnx -c "$configuration" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test project prints "total: / failed: / succeeded: / skipped:" in its summary.
sum() { grep -E "^\s+$1: [0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(sum succeeded)
failed=$(sum failed)
skipped=$(sum skipped)

# Repeat each failure (its name, message and the top of its stack) just above the summary, where a
# reader of the log's tail sees it; the test hosts' own logging can bury it far above.
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  awk '/^failed / { n = 30; print; next } n > 0 && /^ / { print; n--; next } { n = 0 }' "$log"
fi
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before counting
fi
stop_services
trap - EXIT
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"
