-- GET /api/study/queue?limit=20: the study loop's read.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.get("/api/study/queue?limit=20", bench.user())
end
