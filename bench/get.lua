-- A plain GET (the URL and any -H header come from the wrk command line), with the BENCH summary line.
--   wrk -t2 -c32 -d10s --latency -s bench/get.lua http://127.0.0.1:18080/health/live
--   wrk ... -H "Authorization: Bearer $ACCESS_TOKEN" -s bench/get.lua http://127.0.0.1:18080/api/v1/me
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")
