-- Shared by the wrk scripts of scripts/load.sh: data files, thread ids, strict response checks and
-- the one summary line load.sh reads.
--
-- Every response whose status is not 2xx counts as an error here (wrk's own summary.errors.status
-- counts only status > 399), and so does a 2xx whose body is not what the endpoint must answer
-- (each script's `check`). The summary line starts with "@@" and holds key=value pairs.

local M = {}

-- Main Lua state (setup/done): every thread, to read its counters at the end.
local threads = {}

function M.setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Thread state.
M.bad = 0          -- responses that were not what the endpoint must answer
M.bad_status = {}  -- status code -> count, for non-2xx answers

function M.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

function M.lines(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot read " .. path)
  for line in f:lines() do
    if line ~= "" then t[#t + 1] = line end
  end
  f:close()
  return t
end

function M.split(line)
  local t = {}
  for field in string.gmatch(line, "[^\t]+") do t[#t + 1] = field end
  return t
end

-- Percent-encodes a query value (UTF-8 bytes included).
function M.encode(s)
  return (string.gsub(s, "[^A-Za-z0-9%-_.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- Counts a response: non-2xx, or a 2xx that `check(body)` refuses, is an error.
function M.count(status, body, check)
  if status < 200 or status > 299 then
    M.bad = M.bad + 1
    local k = tostring(status)
    M.bad_status[k] = (M.bad_status[k] or 0) + 1
    if M.bad <= 3 then
      io.stderr:write(string.format("unexpected %d: %s\n", status, string.sub(body or "", 1, 300)))
    end
    return false
  end
  if check and not check(body) then
    M.bad = M.bad + 1
    if M.bad <= 3 then
      io.stderr:write("unexpected body: " .. string.sub(body or "", 1, 300) .. "\n")
    end
    return false
  end
  return true
end

-- Sums a numeric thread global over all threads.
function M.sum(name)
  local n = 0
  for _, t in ipairs(threads) do n = n + (tonumber(t:get(name)) or 0) end
  return n
end

-- Prints the summary line. `extra`: more key=value pairs.
function M.report(name, summary, latency, extra)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local bad = M.sum("bad")
  -- Non-2xx answers are in `bad` already; wrk's errors.status counts those > 399 again.
  local errors = e.connect + e.read + e.write + e.timeout + bad
  local statuses = {}
  for _, t in ipairs(threads) do
    local s = t:get("bad_status") or {}
    for k, v in pairs(s) do statuses[k] = (statuses[k] or 0) + v end
  end
  local status_list = {}
  for k, v in pairs(statuses) do status_list[#status_list + 1] = k .. ":" .. v end
  table.sort(status_list)
  local line = string.format(
    "@@ name=%s requests=%d secs=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d connect=%d read=%d write=%d timeout=%d bad=%d statuses=%s bytes=%d",
    name, summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.connect, e.read, e.write, e.timeout, bad,
    (#status_list > 0) and table.concat(status_list, ",") or "-", summary.bytes)
  for k, v in pairs(extra or {}) do line = line .. " " .. k .. "=" .. tostring(v) end
  io.write(line .. "\n")
end

-- wrk's request/response/done hooks for a script of GETs: requests rotate through `reqs` (filled
-- in its init), answers are counted, the summary reported as `name` (with `extra()` fields).
-- Returns the function that sets where this thread starts in the rotation.
function M.rotate(name, reqs, extra)
  local n = 0
  function request()
    n = n + 1
    return reqs[n % #reqs + 1]
  end
  function response(status, headers, body)
    M.count(status, body)
    bad, bad_status = M.bad, M.bad_status
  end
  function done(summary, latency, requests)
    M.report(name, summary, latency, extra and extra())
  end
  return function(start) n = start end
end

return M
