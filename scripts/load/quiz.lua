-- Quiz submission: POST /api/v1/attempts/{id}/submit with every question answered, one request
-- per attempt prepared by setup.js (one open attempt per guest and quiz, so attempt limits never
-- refuse one). Each thread submits its share once and stops when every one has been answered, so
-- the work measured is first submissions: scored, stored, wrong answers put in the book. Only
-- while its last ones are in flight does a connection resend one of its thread's attempts
-- (an idempotent resend, counted apart). Each answer must be the submitted attempt.
-- wrk -s quiz.lua URL -- DATA_DIR THREADS
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local c = require("common")

setup = c.setup

local reqs = {}
local n = 0
local seen = {}
first, resends = 0, 0

function init(args)
  local dir = args[1]
  local nthreads = tonumber(args[2]) or 1
  for i, line in ipairs(c.lines(dir .. "/submissions.txt")) do
    if (i - 1) % nthreads == (tid or 0) then
      local f = c.split(line)
      reqs[#reqs + 1] = wrk.format("POST", "/api/v1/attempts/" .. f[1] .. "/submit", {
        ["Authorization"] = "Bearer " .. f[2],
        ["Content-Type"] = "application/json",
      }, f[3])
    end
  end
end

function request()
  n = n + 1
  return reqs[(n - 1) % #reqs + 1]
end

function response(status, headers, body)
  local ok = c.count(status, body, function(b)
    return string.find(b, '"status":"submitted"', 1, true) ~= nil
  end)
  bad, bad_status = c.bad, c.bad_status
  local id = ok and string.match(body, '^{"id":"([^"]+)"')
  if id and not seen[id] then
    seen[id] = true
    first = first + 1
  elseif id then
    resends = resends + 1
  end
  if first >= #reqs or n >= 2 * #reqs then wrk.thread:stop() end
end

function done(summary, latency, requests)
  c.report("quiz", summary, latency, { first = c.sum("first"), resends = c.sum("resends") })
end
