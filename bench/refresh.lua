-- POST /api/v1/auth/refresh, never sending the same refresh token twice (a reused token ends its session).
--   wrk -t2 -c16 -d10s --latency -s bench/refresh.lua http://127.0.0.1:18080 -- TOKENS_FILE THREADS
-- TOKENS_FILE holds one refresh token per line, from distinct logins; thread i of THREADS takes lines
-- i, i+THREADS, ... Each token is used once. A 200 answer carries the session's next refresh token,
-- which goes back into the thread's pool, so every connection keeps a token in hand for the whole run:
-- give the file at least connections + threads tokens (one spare per thread: wrk calls request() once
-- on thread 0 to check the script, which takes a token without sending it). If a pool runs dry, the
-- request carries a token that does not exist and is answered 401 (counted as non-2xx, harming
-- nothing). Only 200 answers count as ok.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")
counts_ok = true

local pool, head, tail = {}, 1, 0
ok = 0
dry = 0

local function push(token)
  tail = tail + 1
  pool[tail] = token
end

local function pop()
  if head > tail then
    return nil
  end
  local token = pool[head]
  pool[head] = nil
  head = head + 1
  return token
end

function init(args)
  local file, threads = args[1], tonumber(args[2] or "1")
  if file == nil then
    error("usage: wrk ... -s refresh.lua URL -- TOKENS_FILE THREADS")
  end
  local line_number = 0
  for line in io.lines(file) do
    if line ~= "" then
      if line_number % threads == thread_index then
        push(line)
      end
      line_number = line_number + 1
    end
  end
end

local headers = { ["Content-Type"] = "application/json" }

function request()
  local token = pop()
  if token == nil then
    dry = dry + 1
    token = "pool-ran-dry"
  end
  return wrk.format("POST", "/api/v1/auth/refresh", headers, '{"refreshToken":"' .. token .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
    local token = body:match('"refreshToken"%s*:%s*"([^"]+)"')
    if token then
      push(token)
    end
  end
end
