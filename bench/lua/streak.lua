-- GET /api/stats/streak: the learner's streak and until when it is safe.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.get("/api/stats/streak", bench.user())
end
