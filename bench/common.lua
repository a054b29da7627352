-- Shared by the bench/*.lua wrk scripts (loaded with dofile). At the end of a run it prints one
-- machine-readable line that bench/auth.sh parses:
--   BENCH requests=N ok=N non2xx=N socket_errors=N duration_s=S rps=R ok_rps=R p50_ms=L p99_ms=L
-- "ok" counts 2xx responses: a script that defines response() and counts them itself sets
-- counts_ok = true; otherwise ok = requests - wrk's non-2xx/3xx count (summary.errors.status).

local threads = {}
counts_ok = false

function remember_thread(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads - 1)
end

setup = remember_thread

function done(summary, latency, requests)
  local ok
  if counts_ok then
    ok = 0
    for _, thread in ipairs(threads) do
      ok = ok + (thread:get("ok") or 0)
    end
  else
    ok = summary.requests - summary.errors.status
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d ok=%d non2xx=%d socket_errors=%d duration_s=%.3f rps=%.2f ok_rps=%.2f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, ok, summary.requests - ok, e.connect + e.read + e.write + e.timeout, seconds,
    summary.requests / seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
