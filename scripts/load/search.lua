-- Catalog search as learners type it: Chinese characters, full pinyin, pinyin initials, English
-- words and mixed queries, 20 results a page with facets (what the catalog page asks for).
-- wrk -s search.lua URL -- DATA_DIR
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local c = require("common")

setup = c.setup

local queries = {
  -- characters
  "电商", "会计", "直播带货", "设计", "证", "电工", "数据分析", "短视频",
  -- pinyin
  "dianshang", "kuaiji", "python", "DianShang", "shuju", "zhibo",
  -- initials
  "ds", "kj", "ps", "dg", "sjfx",
  -- English and mixed
  "Excel", "Python 数据", "photoshop", "kuaiji 初级",
}

local reqs = {}
local start_at = c.rotate("search", reqs, function() return { queries = #queries } end)

function init(args)
  local headers = { ["Accept-Encoding"] = c.env("LOAD_ACCEPT_ENCODING", "gzip, deflate, br, zstd") }
  for _, q in ipairs(queries) do
    reqs[#reqs + 1] = wrk.format("GET", "/api/v1/courses?per_page=20&q=" .. c.encode(q), headers)
  end
  start_at((tid or 0) * 5)
end
