-- POST /telegram/webhook: a private text message from a seeded user, as Telegram delivers it
-- (secret token header, a fresh update_id every request). Run only when the server has the route.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, done = bench.setup, bench.done

local secret = os.getenv("BENCH_WEBHOOK_SECRET") or "bench-webhook-secret"
local update_id = 0

function init(args)
  bench.init(args)
  -- distinct update ids per thread and per run
  update_id = (os.time() % 100000) * 100000 + math.random(0, 99999) * 1000
end

function request()
  local u = bench.user()
  update_id = update_id + 1
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"Bench","language_code":"ru"},"text":"Wie sagt man \\"Haus\\" im Plural?"}}',
    update_id, update_id % 1000000, os.time(), u.tg, u.tg)
  return bench.post_json("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = secret })
end
