-- GET /api/decks: the active profile's decks with their counts.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.get("/api/decks", bench.user())
end
