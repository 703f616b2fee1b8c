-- GET /api/me: the user, plan, limits and active profile.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.get("/api/me", bench.user())
end
