-- GET /api/cards?limit=20: the first page of the active profile's cards.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.get("/api/cards?limit=20", bench.user())
end
