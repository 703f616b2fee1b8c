#!/usr/bin/env bash
# The benchmark harness: seeds PostgreSQL (and SQLite) in bulk, measures the pgbench floor,
# loads the api-server's study-loop endpoints with wrk and writes the results to
# bench/results/ and docs/performance.md. See bench/README.md for the knobs.
#
#   bash bench/run.sh
#   BENCH_ONLY=pg BENCH_ENDPOINTS=queue,review DURATION=10s bash bench/run.sh
#   API_SERVER_BIN=/path/to/old/api-server BENCH_LABEL=before bash bench/run.sh
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

# --- settings ----------------------------------------------------------------------------------
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
# wrk drops a request slower than its timeout from the latency figures (counting it as a
# timeout): long enough that slow answers show in p99 instead of vanishing.
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
BENCH_ONLY=${BENCH_ONLY:-}                      # pg | sqlite | empty: both
ALL_ENDPOINTS=queue,review,session,decks,streak,me,cards,search,webhook,webhook-rate
BENCH_ENDPOINTS=${BENCH_ENDPOINTS:-$ALL_ENDPOINTS}
BENCH_LABEL=${BENCH_LABEL:-}                    # set: results/ only, docs/performance.md untouched
BENCH_RESEED=${BENCH_RESEED:-0}
BENCH_SEARCH=${BENCH_SEARCH:-ma}
WEBHOOK_RATE=${BENCH_WEBHOOK_RATE:-500}           # updates/s of webhook-rate (ops.md's target load)
BENCH_KEEP_SEEDS=${BENCH_KEEP_SEEDS:-3}         # seeded template databases kept (per schema)
SEED_USERS=${SEED_USERS:-10000}
SEED_CARDS_PER_USER=${SEED_CARDS_PER_USER:-100}
SEED_PROGRESS_PCT=${SEED_PROGRESS_PCT:-60}
SEED_REVIEWS=${SEED_REVIEWS:-5000000}
SQLITE_SCALE=${SQLITE_SCALE:-1}
TOKEN_USERS=${TOKEN_USERS:-5000}
PGBENCH_SCALE=${PGBENCH_SCALE:-10}
PGBENCH_AFTER=${PGBENCH_AFTER:-1}               # 1: pgbench again after the load (noise check)
PORT=${BENCH_PORT:-18080}
WORK=${BENCH_WORK_DIR:-$ROOT/target/bench}
SECRET_KEY=${BENCH_SECRET_KEY:-lang-agent-bench-secret-key-0123456789abcdef}
WEBHOOK_SECRET=bench-webhook-secret
# settings.rs caps RATE_LIMIT_IP_PER_MINUTE at 1 000 000 (16 666 requests/s from one address)
RATE_LIMIT_IP=${BENCH_RATE_LIMIT_IP_PER_MINUTE:-1000000}
RATE_LIMIT_USER=${BENCH_RATE_LIMIT_USER_PER_MINUTE:-1000000}

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
# TLS on loopback only burns CPU (about 14 % of the queue's throughput when measured): both
# pgbench and the api-server connect without it, so the floor and the endpoints pay the same.
export PGSSLMODE=${BENCH_PG_SSLMODE:-disable}
PG_URL_BASE="postgres://$PGUSER@$PGHOST:$PGPORT"
BENCH_DB=lang_agent_bench
PGBENCH_DB=lang_agent_pgbench
REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
REDIS_PREFIX=bench:

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DIR=$WORK/runs/$RUN_ID${BENCH_LABEL:+-$BENCH_LABEL}
LOGS=$RUN_DIR/logs
mkdir -p "$LOGS" "$WORK/sqlite"

SERVER_PID=
SAMPLER_PID=

say() { printf '\033[1m[bench %s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '\033[1;33m[bench %s] WARNING:\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\033[1;31m[bench] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
seconds_of() { # 20s, 2m, 20 -> seconds
  case $1 in *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac
}
now_ms() { date +%s%3N; }

cleanup() {
  local status=$?
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_server
  restore_autovacuum
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. tools ----------------------------------------------------------------------------------
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  command -v curl >/dev/null || missing+=(curl)
  command -v psql >/dev/null || missing+=(postgresql-client)
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >"$LOGS/apt.log" 2>&1 ||
      { apt-get update -qq >>"$LOGS/apt.log" 2>&1 && apt-get install -y -qq "${missing[@]}" >>"$LOGS/apt.log" 2>&1; } ||
      die "apt-get install ${missing[*]} failed (see $LOGS/apt.log)"
  fi
  # Optional: perf is not used by the runs, only handy for profiling a slow endpoint.
  command -v perf >/dev/null || apt-get install -y -qq linux-perf >>"$LOGS/apt.log" 2>&1 || true
  PGBENCH=$(ls -1 /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)
  [[ -x $PGBENCH ]] || die "pgbench not found under /usr/lib/postgresql/*/bin (it comes with the PostgreSQL server package)"
  command -v python3 >/dev/null || die "python3 is required"
  command -v redis-cli >/dev/null || warn "redis-cli not found: bench:* keys are not cleared between runs"
}

# --- 2. the server binary ----------------------------------------------------------------------
build_server() {
  if [[ -n ${API_SERVER_BIN:-} ]]; then
    [[ -x $API_SERVER_BIN ]] || die "API_SERVER_BIN=$API_SERVER_BIN is not an executable"
    BIN=$(readlink -f "$API_SERVER_BIN")
    say "api-server: $BIN (given, not built)"
    return
  fi
  say "building api-server (release; log: $LOGS/build.log)"
  local t0; t0=$(now_ms)
  (cd "$ROOT" && cargo build --release -p api-server) >"$LOGS/build.log" 2>&1 ||
    { tail -30 "$LOGS/build.log" >&2; die "cargo build --release -p api-server failed"; }
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/api-server
  [[ $BIN = /* ]] || BIN=$ROOT/$BIN
  say "built in $(( ($(now_ms) - t0) / 1000 )) s: $BIN"
}

# The commit of the binary: its worktree when it lives in one, else the current tree.
describe_commit() {
  local dir=$ROOT
  if [[ -n ${API_SERVER_BIN:-} ]]; then
    dir=$(dirname "$BIN")
    git -C "$dir" rev-parse --show-toplevel >/dev/null 2>&1 || dir=
  fi
  if [[ -z $dir ]]; then echo "unknown (API_SERVER_BIN outside a git tree)"; return; fi
  local top; top=$(git -C "$dir" rev-parse --show-toplevel)
  local commit; commit=$(git -C "$top" rev-parse --short HEAD)
  if [[ -n $(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null) ]] ||
     [[ -n $(git -C "$top" ls-files --others --exclude-standard -- crates bins migration 2>/dev/null) ]]; then
    commit+="+dirty"
  fi
  echo "$commit"
}

# --- 3. PostgreSQL -----------------------------------------------------------------------------
pg_version() { ls -1 /etc/postgresql 2>/dev/null | sort -V | tail -1; }

# PostgreSQL's settings for the run (docs/performance.md, "PostgreSQL settings"): the default
# 128 MB of shared buffers cannot hold the study loop's working set of the seeded data (cards,
# progress and their indexes, about 400 MB), so every request copied pages in from the OS.
PG_SHARED_BUFFERS=${BENCH_PG_SHARED_BUFFERS:-1GB}
# Checkpoints far enough apart that a page a review changes is written whole to the WAL once per
# checkpoint, not once every few seconds (a review wrote 42-51 KB of WAL with the defaults, about
# 3 KB in the steady state with these; bench/replay/review.sh). The same as docker/docker-compose.yml.
PG_MAX_WAL_SIZE=${BENCH_PG_MAX_WAL_SIZE:-4GB}
PG_CHECKPOINT_TIMEOUT=${BENCH_PG_CHECKPOINT_TIMEOUT:-15min}

ensure_pg_settings() {
  local libs; libs=$(psql_q -d postgres -Atc "SHOW shared_preload_libraries")
  local buffers; buffers=$(psql_q -d postgres -Atc "SHOW shared_buffers")
  if [[ $libs != *pg_stat_statements* || $buffers != "$PG_SHARED_BUFFERS" ]]; then
    say "enabling pg_stat_statements, shared_buffers=$PG_SHARED_BUFFERS (PostgreSQL restarts once)"
    local value=pg_stat_statements
    [[ -n $libs && $libs != *pg_stat_statements* ]] && value="$libs,pg_stat_statements"
    [[ $libs == *pg_stat_statements* ]] && value=$libs
    psql_q -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = '$value'"
    psql_q -d postgres -c "ALTER SYSTEM SET shared_buffers = '$PG_SHARED_BUFFERS'"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main restart ||
      die "PostgreSQL restart failed (pg_ctlcluster $(pg_version) main restart)"
    for _ in $(seq 50); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 0.2; done
    [[ $(psql_q -d postgres -Atc "SHOW shared_preload_libraries") == *pg_stat_statements* ]] ||
      die "pg_stat_statements did not load"
  fi
  # These two take effect on a reload.
  if [[ $(psql_q -d postgres -Atc "SHOW max_wal_size") != "$PG_MAX_WAL_SIZE" ||
        $(psql_q -d postgres -Atc "SHOW checkpoint_timeout") != "$PG_CHECKPOINT_TIMEOUT" ]]; then
    say "setting max_wal_size=$PG_MAX_WAL_SIZE, checkpoint_timeout=$PG_CHECKPOINT_TIMEOUT (reload)"
    psql_q -d postgres -c "ALTER SYSTEM SET max_wal_size = '$PG_MAX_WAL_SIZE'"
    psql_q -d postgres -c "ALTER SYSTEM SET checkpoint_timeout = '$PG_CHECKPOINT_TIMEOUT'"
    psql_q -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null
  fi
}

# Autovacuum runs during the load, as in production (PostgreSQL's default, and docker-compose's):
# reviews rewrite progress and activity rows, and the reads' index-only scans depend on vacuum
# marking those pages all-visible again. A machine set up for tests may have it off (this
# workplace's CI configuration does); it is switched on for the run and back off after it.
AUTOVACUUM_TURNED_ON=0
ensure_autovacuum() {
  [[ $(psql_q -d postgres -Atc "SHOW autovacuum") == on ]] && return
  say "autovacuum is off on this cluster: on for the run (reload), off again after it"
  psql_q -d postgres -c "ALTER SYSTEM SET autovacuum = on"
  psql_q -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null
  AUTOVACUUM_TURNED_ON=1
}
restore_autovacuum() {
  ((AUTOVACUUM_TURNED_ON)) || return 0
  psql_q -d postgres -c "ALTER SYSTEM RESET autovacuum" &&
    psql_q -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null || warn "could not switch autovacuum off again"
  AUTOVACUUM_TURNED_ON=0
}

migrate() { # migrate <database url>
  local out
  if ! out=$(cd "$WORK" && DATABASE_URL=$1 APP_ENV=local LOG_LEVEL=warn SECRET_KEY=$SECRET_KEY "$BIN" migrate 2>&1); then
    echo "$out" >&2
    die "api-server migrate failed on $1"
  fi
}

# A fingerprint of the schema this binary's migrations produce (columns, indexes, constraints
# and the applied migration names): a seeded database is only reused for the same schema, so an
# older build never runs against indexes it did not have.
schema_fingerprint_pg() {
  local db=lang_agent_bench_schema
  psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  migrate "$PG_URL_BASE/$db"
  { pg_dump -s -x -O -d "$db" | grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'
    psql_q -d "$db" -Atc "SELECT version FROM seaql_migrations ORDER BY version"; } | sha256sum | cut -c1-12
  psql_q -d postgres -c "DROP DATABASE $db" >/dev/null
}

seed_version() { # what the seed depends on besides the schema
  { cat "$BENCH_DIR/seed/pg_seed.sql" "$BENCH_DIR/seed/vocab.py"
    echo "$SEED_USERS $SEED_CARDS_PER_USER $SEED_PROGRESS_PCT $SEED_REVIEWS"; } | sha256sum | cut -c1-12
}

db_exists() { [[ $(psql_q -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'") == 1 ]]; }

seed_key_of() { # the seed key stored in a database's bench_meta, or nothing
  psql_q -d "$1" -Atc "SELECT value FROM bench_meta WHERE key = 'seed_key'" 2>/dev/null || true
}

# The seeded template for this schema and seed version: lang_agent_bench_seed_<key>. Every run
# copies it to lang_agent_bench (CREATE DATABASE … TEMPLATE, a file copy), so each run starts
# from the same data however many reviews the previous run wrote.
ensure_pg_seed() {
  local fp=$1 key=$2
  SEED_DB=lang_agent_bench_seed_$key
  if [[ $BENCH_RESEED == 1 ]] && db_exists "$SEED_DB"; then
    say "BENCH_RESEED=1: dropping $SEED_DB"
    psql_q -d postgres -c "DROP DATABASE $SEED_DB" >/dev/null
  fi
  if db_exists "$SEED_DB" && [[ $(seed_key_of "$SEED_DB") == "$key" ]]; then
    say "PostgreSQL seed $SEED_DB is ready (schema $fp)"
    SEED_SECONDS=$(psql_q -d "$SEED_DB" -Atc "SELECT value FROM bench_meta WHERE key = 'seed_seconds'" 2>/dev/null || echo "")
    return
  fi
  db_exists "$SEED_DB" && psql_q -d postgres -c "DROP DATABASE $SEED_DB" >/dev/null
  say "seeding PostgreSQL $SEED_DB: $SEED_USERS users, $SEED_CARDS_PER_USER cards each, $SEED_REVIEWS reviews (log: $LOGS/seed-pg.log)"
  local t0; t0=$(now_ms)
  psql_q -d postgres -c "CREATE DATABASE $SEED_DB" >/dev/null
  migrate "$PG_URL_BASE/$SEED_DB"
  python3 "$BENCH_DIR/seed/vocab.py" |
    psql_q -d "$SEED_DB" -v users="$SEED_USERS" -v cards_per_user="$SEED_CARDS_PER_USER" \
      -v progress_pct="$SEED_PROGRESS_PCT" -v reviews_total="$SEED_REVIEWS" \
      -f "$BENCH_DIR/seed/pg_seed.sql" >"$LOGS/seed-pg.log" 2>&1 ||
    { tail -20 "$LOGS/seed-pg.log" >&2; die "seeding failed (see $LOGS/seed-pg.log)"; }
  grep '^\[seed\]' "$LOGS/seed-pg.log" | sed 's/^/    /' || true
  say "  loaded in $(( ($(now_ms) - t0) / 1000 )) s; VACUUM (FREEZE, ANALYZE)"
  psql_q -d "$SEED_DB" -c "VACUUM (FREEZE, ANALYZE)" >>"$LOGS/seed-pg.log" 2>&1
  SEED_SECONDS=$(( ($(now_ms) - t0) / 1000 ))
  psql_q -d "$SEED_DB" -c "INSERT INTO bench_meta VALUES ('seed_seconds', '$SEED_SECONDS'), ('schema', '$fp'),
                                 ('seed_key', '$key')
                           ON CONFLICT (key) DO UPDATE SET value = excluded.value" >/dev/null
  say "  seeded in $SEED_SECONDS s: $(psql_q -d "$SEED_DB" -Atc "SELECT string_agg(key || '=' || value, ' ' ORDER BY key) FROM bench_meta WHERE key IN ('users','cards','card_progress','card_reviews','daily_activity')")"
  say "  size $(psql_q -d postgres -Atc "SELECT pg_size_pretty(pg_database_size('$SEED_DB'))")"
}

# Keep the BENCH_KEEP_SEEDS most recently used seeded templates.
prune_pg_seeds() {
  psql_q -d postgres -c "COMMENT ON DATABASE $SEED_DB IS 'lang-agent bench seed, last used $(date +%s)'" >/dev/null
  psql_q -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'lang\_agent\_bench\_seed\_%'
                          ORDER BY coalesce(substring(shobj_description(oid, 'pg_database') FROM '[0-9]+$')::bigint, 0) DESC
                          OFFSET $BENCH_KEEP_SEEDS" |
    while read -r old; do
      [[ -n $old ]] || continue
      say "dropping the old seed $old (BENCH_KEEP_SEEDS=$BENCH_KEEP_SEEDS)"
      psql_q -d postgres -c "DROP DATABASE $old" >/dev/null
    done
}

fresh_bench_db() {
  local t0; t0=$(now_ms)
  psql_q -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" \
    -c "CREATE DATABASE $BENCH_DB TEMPLATE $SEED_DB STRATEGY FILE_COPY" >/dev/null
  psql_q -d "$BENCH_DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  migrate "$PG_URL_BASE/$BENCH_DB"
  say "$BENCH_DB copied from $SEED_DB in $(( ($(now_ms) - t0) / 1000 )) s"
}

# --- 4. pgbench --------------------------------------------------------------------------------
run_pgbench() { # run_pgbench [suffix]: "" before the load, "-after" after it
  local suffix=${1:-}
  local initialised
  initialised=$(psql_q -d "$PGBENCH_DB" -Atc "SELECT count(*) FROM pgbench_branches" 2>/dev/null || echo 0)
  if [[ $initialised != "$PGBENCH_SCALE" ]]; then
    say "initialising $PGBENCH_DB (pgbench -i -s $PGBENCH_SCALE)"
    psql_q -d postgres -c "DROP DATABASE IF EXISTS $PGBENCH_DB" -c "CREATE DATABASE $PGBENCH_DB" >/dev/null
    "$PGBENCH" -i -q -s "$PGBENCH_SCALE" "$PGBENCH_DB" >"$LOGS/pgbench-init.log" 2>&1 ||
      die "pgbench -i failed (see $LOGS/pgbench-init.log)"
  fi
  say "pgbench -S -c $CONNECTIONS -j $THREADS -T $(seconds_of "$DURATION") (the floor: one primary-key SELECT per transaction)"
  "$PGBENCH" -S -n -c "$CONNECTIONS" -j "$THREADS" -T "$(seconds_of "$WARMUP")" "$PGBENCH_DB" >/dev/null 2>&1 || true
  "$PGBENCH" -S -n -c "$CONNECTIONS" -j "$THREADS" -T "$(seconds_of "$DURATION")" "$PGBENCH_DB" \
    >"$LOGS/pgbench$suffix.log" 2>&1 || die "pgbench failed (see $LOGS/pgbench$suffix.log)"
  local tps lat
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$LOGS/pgbench$suffix.log" | head -1)
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$LOGS/pgbench$suffix.log" | head -1)
  if [[ -z $suffix ]]; then PGBENCH_TPS=$tps PGBENCH_LAT=$lat; else PGBENCH_TPS_AFTER=$tps; fi
  say "  pgbench: $tps tps (latency average $lat ms)"
}

# --- 5. the api-server -------------------------------------------------------------------------
start_server() { # start_server <backend> <database url> [redis url]
  local backend=$1 url=$2 redis=${3:-}
  local env=(
    APP_ENV=local SECRET_KEY="$SECRET_KEY" DATABASE_URL="$url" RUN_MIGRATIONS=false LOG_LEVEL=warn
    LOG_FORMAT=json HOST=127.0.0.1 PORT="$PORT" REDIS_KEY_PREFIX="$REDIS_PREFIX"
    RATE_LIMIT_IP_PER_MINUTE="$RATE_LIMIT_IP" RATE_LIMIT_USER_PER_MINUTE="$RATE_LIMIT_USER"
    TELEGRAM_WEBHOOK_SECRET="$WEBHOOK_SECRET" SHUTDOWN_TIMEOUT_SECONDS=2
    # Outgoing Telegram calls (webhook replies) fail at once instead of waiting on DNS.
    TELEGRAM_API_BASE_URL=http://127.0.0.1:9 LLM_PROVIDER=none WEB_DIST_DIR="$WORK/no-web-dist"
  )
  [[ -n $redis ]] && env+=(REDIS_URL="$redis")
  [[ -n ${DATABASE_MAX_CONNECTIONS:-} ]] && env+=(DATABASE_MAX_CONNECTIONS="$DATABASE_MAX_CONNECTIONS")
  [[ -n ${WORKERS:-} ]] && env+=(WORKERS="$WORKERS")
  # Extra variables for the server, for experiments: BENCH_SERVER_ENV="MALLOC_ARENA_MAX=2 …".
  read -r -a extra <<<"${BENCH_SERVER_ENV:-}"
  env+=("${extra[@]}")
  SERVER_ENV="${env[*]}"
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; then
    die "something already listens on port $PORT (BENCH_PORT)"
  fi
  local t0; t0=$(now_ms)
  # env -i: nothing of this shell's environment leaks in; the working directory has no .env.
  (cd "$WORK" && exec env -i PATH="$PATH" HOME="$HOME" "${env[@]}" "$BIN" serve) >"$LOGS/server-$backend.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$LOGS/server-$backend.log" >&2; die "api-server exited"; }
    sleep 0.05
  done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready" || { tail -20 "$LOGS/server-$backend.log" >&2; die "api-server not ready after 30 s"; }
  READY_MS=$(( $(now_ms) - t0 ))
  sleep 1
  RSS_IDLE_KB=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
  say "api-server ($backend) ready in $READY_MS ms, pid $SERVER_PID, RSS idle $((RSS_IDLE_KB / 1024)) MB"
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

clear_redis() {
  command -v redis-cli >/dev/null || return 0
  redis-cli -u "$REDIS_URL" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null |
    xargs -r -n 500 redis-cli -u "$REDIS_URL" DEL >/dev/null 2>&1 || true
}

# --- 6.-8. endpoints ---------------------------------------------------------------------------
lua_of() { echo "$BENCH_DIR/lua/$1.lua"; }

describe_endpoint() {
  case $1 in
    queue) echo "GET /api/study/queue?limit=20";;
    review) echo "POST /api/study/review";;
    session) echo "a session: the queue, then 4 reviews";;
    decks) echo "GET /api/decks";;
    streak) echo "GET /api/stats/streak";;
    me) echo "GET /api/me";;
    cards) echo "GET /api/cards?limit=20";;
    search) echo "GET /api/cards?search=$BENCH_SEARCH&limit=20";;
    webhook) echo "POST /telegram/webhook";;
    webhook-rate) echo "POST /telegram/webhook at $WEBHOOK_RATE/s";;
    *) die "unknown endpoint $1 (known: $ALL_ENDPOINTS)";;
  esac
}

# One request with curl, status and the first 300 bytes, so a broken endpoint shows at once.
preflight() { # preflight <endpoint> -> sets PREFLIGHT_STATUS
  local ep=$1 line token tg cards card out
  line=$(head -1 "$DATA")
  read -r token tg cards <<<"$line"
  card=${cards%%,*}
  local url=http://127.0.0.1:$PORT
  local args=(-s -o "$LOGS/preflight-$ep.body" -w '%{http_code}' --max-time 30)
  case $ep in
    queue|session) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/study/queue?limit=20");;
    decks) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/decks");;
    streak) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/stats/streak");;
    me) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/me");;
    cards) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/cards?limit=20");;
    search) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" "$url/api/cards?search=$BENCH_SEARCH&limit=20");;
    review) out=$(curl "${args[@]}" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"card_id\":\"$card\",\"rating\":3,\"client_review_id\":\"$(python3 -c 'import uuid; print(uuid.uuid4())')\",\"duration_ms\":4200}" \
        "$url/api/study/review");;
    webhook|webhook-rate) out=$(curl "${args[@]}" -H "X-Telegram-Bot-Api-Secret-Token: $WEBHOOK_SECRET" -H 'Content-Type: application/json' \
        -d "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":$(date +%s),\"chat\":{\"id\":$tg,\"type\":\"private\"},\"from\":{\"id\":$tg,\"is_bot\":false,\"first_name\":\"Bench\"},\"text\":\"Hallo\"}}" \
        "$url/telegram/webhook");;
  esac
  PREFLIGHT_STATUS=$out
  echo "$out" >"$LOGS/preflight-$ep.status"
  printf '    %-44s %s  %s\n' "$(describe_endpoint "$ep")" "$out" "$(head -c 300 "$LOGS/preflight-$ep.body" | tr '\n' ' ')"
}

# pg_stat_statements of the bench database only: reset before an endpoint's run, read after it.
PSS_DB="(SELECT oid FROM pg_database WHERE datname = current_database())"
pss_reset() {
  psql_q -d "$BENCH_DB" -Atc "SELECT pg_stat_statements_reset(0, $PSS_DB, 0)" >/dev/null
}
pss_calls() { # statements executed since the reset, the reset itself excluded
  psql_q -d "$BENCH_DB" -Atc "SELECT coalesce(sum(calls), 0) - 1 FROM pg_stat_statements WHERE dbid = $PSS_DB"
}
pss_top() { # pss_top <requests> <file>: the statements behind the endpoint, by total time
  psql_q -d "$BENCH_DB" -P pager=off -c "
    SELECT round(calls::numeric / greatest($1, 1), 2) AS per_request, calls,
           round(mean_exec_time::numeric, 3) AS mean_ms, round(total_exec_time::numeric) AS total_ms,
           rows / greatest(calls, 1) AS rows_each, queryid,
           left(regexp_replace(query, '\s+', ' ', 'g'), 400) AS query
    FROM pg_stat_statements WHERE dbid = $PSS_DB AND query NOT LIKE '%pg_stat_statements%'
    ORDER BY total_exec_time DESC LIMIT 25" >"$2" 2>&1 || true
  { echo; echo "-- full text of the ten costliest, for EXPLAIN (ANALYZE, BUFFERS):"
    psql_q -d "$BENCH_DB" -At -c "
      SELECT '-- queryid ' || queryid || E'\n' || query || E';\n' FROM pg_stat_statements
      WHERE dbid = $PSS_DB AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 10"
  } >>"$2" 2>&1 || true
}

# cpu_ms, pg_postmaster, pg_cpu_ms: CPU per request of the api-server and the PostgreSQL cluster.
# shellcheck source=bench/lib/cpu.sh
source "$BENCH_DIR/lib/cpu.sh"

run_wrk() { # run_wrk <endpoint> <duration> <output>
  if [[ $1 == webhook-rate ]]; then # a fixed rate, which wrk cannot send (bench/tools/rate.py)
    BENCH_WEBHOOK_SECRET=$WEBHOOK_SECRET python3 "$BENCH_DIR/tools/rate.py" 127.0.0.1 "$PORT" "$DATA" \
      "$WEBHOOK_RATE" "$(seconds_of "$2")" >"$3" 2>&1
    return
  fi
  BENCH_DATA=$DATA BENCH_LUA_DIR=$BENCH_DIR/lua BENCH_THREADS=$THREADS BENCH_SEARCH=$BENCH_SEARCH \
    BENCH_WEBHOOK_SECRET=$WEBHOOK_SECRET \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout "$WRK_TIMEOUT" --latency -s "$(lua_of "$1")" "http://127.0.0.1:$PORT" >"$3" 2>&1
}

bench_endpoint() { # bench_endpoint <backend> <endpoint>
  local backend=$1 ep=$2
  local result=$LOGS/wrk-$backend-$ep.txt
  run_wrk "$ep" "$WARMUP" "$LOGS/wrk-$backend-$ep-warmup.txt" || true
  [[ $backend == pg ]] && pss_reset
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do ps -o rss= -p "$SERVER_PID"; sleep 0.5; done ) >"$LOGS/rss-$backend-$ep.txt" 2>/dev/null &
  SAMPLER_PID=$!
  local server_cpu0 pg_cpu0=0 server_cpu pg_cpu=null postmaster= machine0 wall0 machine wall
  [[ $backend == pg ]] && postmaster=$(pg_postmaster)
  server_cpu0=$(cpu_ms "$SERVER_PID")
  [[ -n $postmaster ]] && pg_cpu0=$(pg_cpu_ms "$postmaster")
  machine0=$(machine_busy_ms); wall0=$(date +%s%3N)
  run_wrk "$ep" "$DURATION" "$result" || warn "wrk exited non-zero for $ep (see $result)"
  machine=$(( $(machine_busy_ms) - machine0 )); wall=$(( $(date +%s%3N) - wall0 ))
  server_cpu=$(( $(cpu_ms "$SERVER_PID") - server_cpu0 ))
  # Every process's time at the end, less every process's at the start: one that exited in
  # between left its whole time in the postmaster's cutime/cstime, and its start time is
  # taken away again; one that started in between counts from zero.
  [[ -n $postmaster ]] && pg_cpu=$(( $(pg_cpu_ms "$postmaster") - pg_cpu0 ))
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
  local statements=null
  [[ $backend == pg ]] && statements=$(pss_calls)
  local json; json=$(sed -n 's/^BENCH_RESULT //p' "$result" | tail -1)
  [[ -n $json ]] || { warn "no result from wrk for $ep:"; cat "$result" >&2; json=null; }
  if [[ $backend == pg && $json != null ]]; then
    pss_top "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$json")" "$LOGS/statements-$ep.txt"
  fi
  local peak; peak=$(sort -n "$LOGS/rss-$backend-$ep.txt" | tail -1)
  printf '{"backend":"%s","endpoint":"%s","request":"%s","preflight_status":"%s","wrk":%s,"statements":%s,"rss_peak_kb":%s,"server_cpu_ms":%s,"pg_cpu_ms":%s,"machine_busy_ms":%s,"wall_ms":%s}\n' \
    "$backend" "$ep" "$(describe_endpoint "$ep")" "$PREFLIGHT_STATUS" "$json" "$statements" "${peak:-null}" \
    "$server_cpu" "$pg_cpu" "$machine" "$wall" >>"$RUN_DIR/results.jsonl"
  python3 "$BENCH_DIR/tools/report.py" line "$RUN_DIR/results.jsonl"
}

route_exists() { # the webhook: only when the server has the route (an unknown POST answers 404)
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$PORT/telegram/webhook")
  [[ $status != 404 && $status != 405 ]]
}

bench_backend() { # bench_backend <backend>
  local backend=$1
  say "preflight ($backend): one request per endpoint"
  local endpoints=()
  IFS=, read -r -a endpoints <<<"$BENCH_ENDPOINTS"
  local run=()
  for ep in "${endpoints[@]}"; do
    describe_endpoint "$ep" >/dev/null
    if [[ $ep == webhook* ]] && ! route_exists; then
      printf '    %-44s skipped (no route)\n' "$(describe_endpoint "$ep")"
      printf '{"backend":"%s","endpoint":"%s","request":"%s","skipped":"no route"}\n' \
        "$backend" "$ep" "$(describe_endpoint "$ep")" >>"$RUN_DIR/results.jsonl"
      continue
    fi
    preflight "$ep"
    run+=("$ep")
  done
  # Reads first, what writes (and changes what the reads see) after them.
  local ordered=() writes=" review session webhook-rate webhook "
  for ep in "${run[@]}"; do [[ $writes == *" $ep "* ]] || ordered+=("$ep"); done
  # In the order of `writes`: the webhook at a fixed rate before the flood, whose backlog the
  # bot then works through for minutes.
  for ep in $writes; do [[ " ${run[*]} " == *" $ep "* ]] && ordered+=("$ep"); done
  say "load ($backend): wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $WRK_TIMEOUT --latency (after $WARMUP of warm-up) per endpoint"
  for ep in "${ordered[@]}"; do
    PREFLIGHT_STATUS=$(cat "$LOGS/preflight-$ep.status")
    bench_endpoint "$backend" "$ep"
  done
  printf '{"backend":"%s","rss_idle_kb":%s,"ready_ms":%s,"server_env":"%s"}\n' \
    "$backend" "$RSS_IDLE_KB" "$READY_MS" "$SERVER_ENV" >>"$RUN_DIR/backends.jsonl"
}

# --- 9. SQLite ---------------------------------------------------------------------------------
schema_fingerprint_sqlite() {
  local file=$WORK/sqlite/schema-probe.db
  rm -f "$file" "$file"-wal "$file"-shm
  migrate "sqlite://$file?mode=rwc"
  { sqlite3 "$file" .schema; sqlite3 "$file" "SELECT version FROM seaql_migrations ORDER BY version"; } | sha256sum | cut -c1-12
  rm -f "$file" "$file"-wal "$file"-shm
}

ensure_sqlite_seed() { # ensure_sqlite_seed <key>
  SQLITE_SEED=$WORK/sqlite/seed-$1-scale$SQLITE_SCALE.db
  if [[ $BENCH_RESEED == 1 ]]; then rm -f "$SQLITE_SEED"; fi
  if [[ -f $SQLITE_SEED ]]; then
    say "SQLite seed $(basename "$SQLITE_SEED") is ready"
    SQLITE_SEED_SECONDS=$(sqlite3 "$SQLITE_SEED" "SELECT value FROM bench_meta WHERE key = 'seed_seconds'" 2>/dev/null || echo "")
    return
  fi
  local tmp=$SQLITE_SEED.tmp t0
  t0=$(now_ms)
  rm -f "$tmp" "$tmp"-wal "$tmp"-shm
  say "seeding SQLite (scale $SQLITE_SCALE) from $SEED_DB (log: $LOGS/seed-sqlite.log)"
  migrate "sqlite://$tmp?mode=rwc"
  python3 "$BENCH_DIR/seed/to_sqlite.py" --pg-db "$SEED_DB" --sqlite "$tmp" --scale "$SQLITE_SCALE" \
    >"$LOGS/seed-sqlite.log" 2>&1 || { tail -20 "$LOGS/seed-sqlite.log" >&2; die "SQLite seeding failed"; }
  sed 's/^/    /' "$LOGS/seed-sqlite.log"
  SQLITE_SEED_SECONDS=$(( ($(now_ms) - t0) / 1000 ))
  sqlite3 "$tmp" "INSERT OR REPLACE INTO bench_meta VALUES ('seed_seconds', '$SQLITE_SEED_SECONDS')"
  mv "$tmp" "$SQLITE_SEED"
  rm -f "$tmp"-wal "$tmp"-shm
  say "  SQLite seeded in $SQLITE_SEED_SECONDS s ($(du -h "$SQLITE_SEED" | cut -f1))"
  # old seeds of other schemas or scales
  find "$WORK/sqlite" -name 'seed-*.db' ! -newer "$SQLITE_SEED" ! -path "$SQLITE_SEED" -mtime +7 -delete 2>/dev/null || true
}

# --- 10. run -----------------------------------------------------------------------------------
clean() {
  say "dropping the bench databases and $WORK"
  psql_q -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'lang\_agent\_bench%' OR datname = '$PGBENCH_DB'" |
    while read -r db; do [[ -n $db ]] && psql_q -d postgres -c "DROP DATABASE \"$db\"" >/dev/null && echo "    dropped $db"; done
  clear_redis
  rm -rf "$WORK"
}

main() {
  if [[ ${1:-} == clean ]]; then clean; return; fi
  case $BENCH_ONLY in ""|pg|sqlite) ;; *) die "BENCH_ONLY must be pg or sqlite";; esac
  install_tools
  build_server
  COMMIT=$(describe_commit)
  say "run $RUN_ID, commit $COMMIT, $BENCH_ENDPOINTS, $DURATION per endpoint (logs: $RUN_DIR)"
  ensure_pg_settings
  local fp key
  fp=$(schema_fingerprint_pg)
  key=${fp}_$(seed_version)
  ensure_pg_seed "$fp" "$key"
  prune_pg_seeds
  # After the seeding: a bulk load ends in its own VACUUM (FREEZE, ANALYZE).
  ensure_autovacuum

  run_pgbench

  if [[ $BENCH_ONLY != sqlite ]]; then
    fresh_bench_db
    clear_redis
    DATA=$RUN_DIR/data-pg.txt
    say "minting tokens: $(python3 "$BENCH_DIR/tools/tokens.py" --secret "$SECRET_KEY" --pg-db "$BENCH_DB" \
      --users "$TOKEN_USERS" --out "$DATA")"
    start_server pg "$PG_URL_BASE/$BENCH_DB?sslmode=$PGSSLMODE" "$REDIS_URL"
    bench_backend pg
    stop_server
  fi

  if [[ $BENCH_ONLY != pg ]]; then
    local sfp; sfp=$(schema_fingerprint_sqlite)
    ensure_sqlite_seed "${sfp}_$(seed_version)"
    local db=$WORK/sqlite/bench.db t0
    t0=$(now_ms)
    rm -f "$db" "$db"-wal "$db"-shm
    cp "$SQLITE_SEED" "$db"
    say "bench.db copied from the seed in $(( ($(now_ms) - t0) / 1000 )) s"
    DATA=$RUN_DIR/data-sqlite.txt
    say "minting tokens: $(python3 "$BENCH_DIR/tools/tokens.py" --secret "$SECRET_KEY" --sqlite "$db" \
      --users "$TOKEN_USERS" --out "$DATA")"
    start_server sqlite "sqlite://$db?mode=rwc"
    bench_backend sqlite
    stop_server
  fi

  if [[ $PGBENCH_AFTER == 1 ]]; then run_pgbench -after; fi

  # The machine and the settings, for the report.
  local pg_settings
  pg_settings=$(psql_q -d postgres -Atc "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
                  FROM pg_settings WHERE name IN ('shared_buffers', 'max_connections', 'work_mem', 'synchronous_commit',
                  'effective_cache_size', 'max_wal_size', 'checkpoint_timeout', 'jit', 'autovacuum')")
  python3 - "$RUN_DIR/meta.json" <<EOF
import json, sys
meta = {
    "run_id": "$RUN_ID", "label": "$BENCH_LABEL", "commit": "$COMMIT", "binary": "$BIN",
    "duration": "$DURATION", "warmup": "$WARMUP", "wrk_timeout": "$WRK_TIMEOUT", "connections": $CONNECTIONS, "threads": $THREADS,
    "endpoints": "$BENCH_ENDPOINTS", "search": "$BENCH_SEARCH", "token_users": $TOKEN_USERS,
    "pgbench_tps": float("${PGBENCH_TPS:-0}" or 0), "pgbench_latency_ms": float("${PGBENCH_LAT:-0}" or 0),
    "pgbench_scale": $PGBENCH_SCALE, "pgbench_tps_after": float("${PGBENCH_TPS_AFTER:-0}" or 0),
    "seed": {"users": $SEED_USERS, "cards_per_user": $SEED_CARDS_PER_USER, "progress_pct": $SEED_PROGRESS_PCT,
             "reviews": $SEED_REVIEWS, "pg_db": "${SEED_DB:-}", "pg_seconds": "${SEED_SECONDS:-}",
             "sqlite_scale": "$SQLITE_SCALE", "sqlite_seconds": "${SQLITE_SEED_SECONDS:-}"},
    "pg_settings": "$pg_settings",
    "database_max_connections": "${DATABASE_MAX_CONNECTIONS:-default}", "workers": "${WORKERS:-default}",
    "rate_limits": {"ip_per_minute": $RATE_LIMIT_IP, "user_per_minute": $RATE_LIMIT_USER},
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
EOF
  local report_args=(report "$RUN_DIR" --results "$BENCH_DIR/results")
  [[ -z $BENCH_LABEL ]] && report_args+=(--docs "$ROOT/docs/performance.md")
  python3 "$BENCH_DIR/tools/report.py" "${report_args[@]}"
}

# one line, so that bash never reads past it while this file is being edited
main "$@"; exit $?
