-- Shared by the endpoint scripts (loaded with dofile). Reads the run's data file, one line per
-- seeded user: "<access token> <telegram id> <card id>,<card id>,…" (cards of the user's active
-- profile). Each wrk thread starts at a different offset and moves to the next user on every
-- request. done() prints one machine-readable line for bench/run.sh.
local M = {}

local users = {}
local next_user = 1
local thread_id = 0

local function seed_random(extra)
  local seed = os.time() + extra * 7919
  local f = io.open("/dev/urandom", "rb")
  if f then
    local bytes = f:read(4)
    f:close()
    seed = seed + bytes:byte(1) * 16777216 + bytes:byte(2) * 65536 + bytes:byte(3) * 256 + bytes:byte(4)
  end
  math.randomseed(seed)
  -- LuaJIT's first draws after seeding are correlated with the seed: discard a few.
  for _ = 1, 10 do math.random() end
end

local function load(path)
  local list = {}
  for line in io.lines(path) do
    local token, tg, cards = line:match("^(%S+)%s+(%S+)%s*(%S*)$")
    if token then
      local ids = {}
      for id in cards:gmatch("[^,]+") do ids[#ids + 1] = id end
      list[#list + 1] = { token = token, tg = tonumber(tg), cards = ids,
                          auth = "Bearer " .. token }
    end
  end
  return list
end

-- wrk calls setup(thread) in the main state, once per thread.
local thread_counter = 0
function M.setup(thread)
  thread:set("bench_thread_id", thread_counter)
  thread_counter = thread_counter + 1
end

function M.init(args)
  local path = os.getenv("BENCH_DATA")
  assert(path, "BENCH_DATA is not set")
  users = load(path)
  assert(#users > 0, "no users in " .. path)
  -- thread:set() in setup() made it a global of this thread's state
  thread_id = tonumber(rawget(_G, "bench_thread_id")) or 0
  local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
  next_user = 1 + math.floor((#users / threads) * thread_id) % #users
  seed_random(thread_id + 1)
end

-- The next user, round robin from this thread's offset.
function M.user()
  local u = users[next_user]
  next_user = next_user + 1
  if next_user > #users then next_user = 1 end
  return u
end

function M.uuid4()
  local r = math.random
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff), 0x8000 + r(0, 0x3fff),
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

-- A GET with the user's token.
function M.get(path, u)
  return wrk.format("GET", path, { ["Authorization"] = u.auth })
end

function M.post_json(path, body, headers)
  headers = headers or {}
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", path, headers, body)
end

-- A review of a random card of the user: a fresh client_review_id (never an idempotent replay),
-- a random rating 1-4 and duration 1-15 s.
function M.review(u)
  local card = u.cards[math.random(1, #u.cards)]
  local body = string.format('{"card_id":"%s","rating":%d,"client_review_id":"%s","duration_ms":%d}',
    card, math.random(1, 4), M.uuid4(), math.random(1000, 15000))
  return M.post_json("/api/study/review", body, { ["Authorization"] = u.auth })
end

-- One JSON line with what bench/run.sh needs. wrk counts a status >= 400 as an error.
function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end

return M
