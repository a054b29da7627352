-- POST /api/v1/lessons/{id}/progress: player heartbeats from many learners over many lessons.
--   wrk -t2 -c32 -d10s --latency -s bench/progress.lua http://127.0.0.1:18082 -- TOKENS LESSONS THREADS [RUN [THINK_MS]]
-- TOKENS: one access token a line, one per learner; LESSONS: one lesson id a line (all in one course every
-- learner is enrolled in); THREADS: wrk's -t; RUN: a label that keeps session ids apart between runs;
-- THINK_MS: how long each connection waits before each beat (0, the default: none), to offer less than
-- the service's peak rate.
-- Each learner x lesson pair is one player session; thread t plays the pairs whose index is t modulo
-- THREADS, in a shuffled round robin, so consecutive requests go to different learners and lessons. Each
-- beat reports the next 10 s of a 600 s video, so coverage grows towards completion as a real player's
-- would. A thread's sequence counter only increases, so every session sees increasing sequence numbers
-- (beats of one session may still overtake each other on different connections: the API takes the
-- later one as a replay and answers 202 anyway). Prints the BENCH summary line of common.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local video_seconds = 600
local beat_seconds = 10

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      table.insert(lines, line)
    end
  end
  return lines
end

local pairs_of_thread = {}
local next_pair = 1
local sequence = 0
local run = "run"
local think_ms = 0

function init(args)
  local tokens = read_lines(args[1])
  local lessons = read_lines(args[2])
  local threads = tonumber(args[3])
  run = args[4] or run
  think_ms = tonumber(args[5] or "0")
  if think_ms > 0 then
    -- wrk looks for delay() after init: defined only when asked for, so the default load stays unpaced.
    function delay()
      return think_ms
    end
  end
  local index = thread_index or 0
  local n = 0
  for learner, token in ipairs(tokens) do
    for lesson_index, lesson in ipairs(lessons) do
      if n % threads == index then
        -- Everything but the body and its length, built once: wrk.format would rebuild the headers on
        -- every request, and wrk's CPU comes out of the same two cores as the service's.
        table.insert(pairs_of_thread, {
          head = "POST /api/v1/lessons/" .. lesson .. "/progress HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
            "\r\nAuthorization: Bearer " .. token .. "\r\nContent-Type: application/json\r\nContent-Length: ",
          session = string.format("bench-%s-%d-%d", run, learner, lesson_index),
          beats = 0,
        })
      end
      n = n + 1
    end
  end
  -- Deterministic shuffle (the same order on every run), so neighbours in the list differ in both
  -- learner and lesson.
  math.randomseed(1000 + index)
  for i = #pairs_of_thread, 2, -1 do
    local j = math.random(i)
    pairs_of_thread[i], pairs_of_thread[j] = pairs_of_thread[j], pairs_of_thread[i]
  end
end

function request()
  local pair = pairs_of_thread[next_pair]
  next_pair = next_pair % #pairs_of_thread + 1
  sequence = sequence + 1
  local start = (pair.beats * beat_seconds) % video_seconds
  pair.beats = pair.beats + 1
  local body = string.format(
    '{"sessionId":"%s","sequence":%d,"position":%d,"watched":[[%d,%d]],"event":"heartbeat"}',
    pair.session, sequence, start + beat_seconds, start, start + beat_seconds)
  return pair.head .. #body .. "\r\n\r\n" .. body
end
