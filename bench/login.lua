-- POST /api/v1/auth/login with the same account on every request (a static request: wrk builds it once).
--   BENCH_EMAIL=... BENCH_PASSWORD=... wrk -t2 -c4 -d10s --latency -s bench/login.lua http://127.0.0.1:18080
-- Each successful login starts a session (one row per login in auth_sessions and refresh_tokens).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local email = os.getenv("BENCH_EMAIL") or "bench@example.test"
local password = os.getenv("BENCH_PASSWORD") or "bench-Passw0rd-long"

wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', email, password)
