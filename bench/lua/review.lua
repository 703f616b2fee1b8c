-- POST /api/study/review: a fresh client_review_id every request (never an idempotent replay),
-- a random card of the user's active profile, a random rating 1-4 and duration 1-15 s.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

function request()
  local u = bench.user()
  local card = u.cards[math.random(1, #u.cards)]
  local body = string.format('{"card_id":"%s","rating":%d,"client_review_id":"%s","duration_ms":%d}',
    card, math.random(1, 4), bench.uuid4(), math.random(1000, 15000))
  return bench.post_json("/api/study/review", body, { ["Authorization"] = u.auth })
end
