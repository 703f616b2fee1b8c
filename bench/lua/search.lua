-- GET /api/cards?search=<term>&limit=20: card search (BENCH_SEARCH, URL-encoded; default "ma",
-- a prefix of many seeded words in every language).
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

local path = "/api/cards?search=" .. (os.getenv("BENCH_SEARCH") or "ma") .. "&limit=20"

function request()
  return bench.get(path, bench.user())
end
