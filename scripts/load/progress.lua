-- Progress ingestion as the player sends it: POST /api/v1/progress/events, batches of
-- LOAD_BATCH events (default 50) from one learner about one lesson — watched stretches and
-- positions for a video, reading time for an article — rotating over the prepared learners and
-- lessons. Every event id is unique (run, thread, request counter, index in the batch), so every
-- event is new work; each receipt must say all of its batch was accepted.
-- wrk -s progress.lua URL -- DATA_DIR THREADS
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local c = require("common")

setup = c.setup

local learners, lessons = {}, {}
local nthreads, batch, run = 1, 50, "0"
local n = 0
accepted, duplicates, batches, issued = 0, 0, 0, 0

function init(args)
  local dir = args[1]
  nthreads = tonumber(args[2]) or 1
  batch = tonumber(c.env("LOAD_BATCH", "50"))
  run = c.env("LOAD_RUN", "0")
  for _, line in ipairs(c.lines(dir .. "/learners.txt")) do learners[#learners + 1] = line end
  for _, line in ipairs(c.lines(dir .. "/lessons.txt")) do
    local f = c.split(line)
    lessons[#lessons + 1] = { id = f[1], video = f[2] == "video", duration = tonumber(f[3]) or 60 }
  end
end

function request()
  n = n + 1
  issued = n
  -- Thread t uses learners t, t + T, t + 2T, …: with fewer connections a thread than learners a
  -- thread, one learner's batches never race each other.
  local li = ((n * nthreads + (tid or 0)) % #learners) + 1
  local lesson = lessons[((n + (tid or 0)) % #lessons) + 1]
  local now = os.time() * 1000
  local events = {}
  local span = math.max(lesson.duration - 5, 5)
  for k = 0, batch - 1 do
    local id = string.format("ld%s-%02d-%09d-%03d", run, tid or 0, n, k)
    local action
    if lesson.video then
      local from = (k * 5) % span
      if k % 2 == 0 then
        action = string.format('{"watched":{"from_s":%d,"to_s":%d,"rate":1}}', from, from + 5)
      else
        action = string.format('{"position":{"position_s":%d}}', from)
      end
    else
      action = string.format('{"read":{"open_s":4,"reached_end":%s,"block":%d}}',
        (k == batch - 1) and "true" or "false", k)
    end
    events[#events + 1] = string.format('{"id":"%s","lesson_id":"%s","at_ms":%d,"action":%s}',
      id, lesson.id, now + k, action)
  end
  local body = '{"events":[' .. table.concat(events, ",") .. ']}'
  return wrk.format("POST", "/api/v1/progress/events", {
    ["Authorization"] = "Bearer " .. learners[li],
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  c.count(status, body, function(b)
    local a = tonumber(string.match(b, '"accepted":(%d+)'))
    local d = tonumber(string.match(b, '"duplicates":(%d+)'))
    if a == nil or d == nil then return false end
    accepted = accepted + a
    duplicates = duplicates + d
    batches = batches + 1
    return a == batch and d == 0
  end)
  bad, bad_status = c.bad, c.bad_status
end

function done(summary, latency, requests)
  local b = tonumber(c.env("LOAD_BATCH", "50"))
  local secs = summary.duration / 1e6
  local acc = c.sum("accepted")
  c.report("progress", summary, latency, {
    batch = b,
    accepted = acc,
    duplicates = c.sum("duplicates"),
    issued = c.sum("issued"),
    events_per_s = string.format("%.0f", acc / secs),
  })
end
