-- Catalog reads, as the catalog and course pages make them: course listings (20 a page, several
-- orders and filters), course pages over the whole catalog, and the category list.
-- wrk -s catalog.lua URL -- DATA_DIR
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local c = require("common")

setup = c.setup

local reqs = {}
local start_at = c.rotate("catalog", reqs)

function init(args)
  local dir = args[1]
  local headers = { ["Accept-Encoding"] = c.env("LOAD_ACCEPT_ENCODING", "gzip, deflate, br, zstd") }
  local lists = {
    "/api/v1/courses?per_page=20",
    "/api/v1/courses?per_page=20&page=2",
    "/api/v1/courses?per_page=20&sort=rating",
    "/api/v1/courses?per_page=20&sort=newest",
    "/api/v1/courses?per_page=20&level=beginner",
    "/api/v1/courses?per_page=20&price=free",
  }
  local courses = c.lines(dir .. "/courses.txt")
  -- Per 10 requests: 4 listings, 5 course pages, 1 category list.
  local li, ci = 0, tid or 0
  for i = 1, 10 * #courses do
    local k = i % 10
    local path
    if k < 4 then
      path = lists[li % #lists + 1]; li = li + 1
    elseif k < 9 then
      path = "/api/v1/courses/" .. c.encode(courses[ci % #courses + 1]); ci = ci + 1
    else
      path = "/api/v1/categories"
    end
    reqs[#reqs + 1] = wrk.format("GET", path, headers)
  end
  start_at((tid or 0) * 7)
end
