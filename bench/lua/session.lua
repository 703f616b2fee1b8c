-- Learners' study sessions: a user's GET /api/study/queue?limit=20, then reviews of that user's
-- cards, so reads meet progress rows that reviews have just rewritten (the other scripts run
-- reads on a copy no review has touched yet). Each read is followed by four reviews, of the
-- users read 16, 32, 48 and 64 reads before: every user's four reviews come after its read and
-- far enough apart (320 requests) that one learner's reviews are not in flight at once over
-- several connections, which no learner does and which would only measure the user lock.
-- Requests/s and latencies are of the mix: one read for four reviews.
local bench = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
setup, init, done = bench.setup, bench.init, bench.done

local SPACING, REVIEWS_PER_READ = 16, 4
local WINDOW = SPACING * REVIEWS_PER_READ
local read = {}   -- the users of the last WINDOW reads, by read number modulo WINDOW
local reads, step = 0, REVIEWS_PER_READ

function request()
  if step >= REVIEWS_PER_READ then
    local user = bench.user()
    read[reads % WINDOW] = user
    reads, step = reads + 1, 0
    return bench.get("/api/study/queue?limit=20", user)
  end
  step = step + 1
  -- The user read SPACING * step reads ago (the latest read until there are that many).
  local back = math.min(SPACING * step, reads)
  return bench.review(read[(reads - back) % WINDOW])
end
