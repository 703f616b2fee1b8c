-- POST /api/study/review: a fresh client_review_id every request (never an idempotent replay),
-- a random card of the user's active profile, a random rating 1-4 and duration 1-15 s.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  return bench.review(bench.user())
end
