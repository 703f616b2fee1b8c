#!/usr/bin/env bash
# Property-based API tests: schemathesis (`--checks all`) against a real api-server built from
# its own OpenAPI document, on a fresh PostgreSQL database that is dropped afterwards, Redis,
# and the repo's fake OpenAI server (web/e2e/fake-llm.mjs) as the LLM.
#
#   API_SERVER=path/to/api-server bash scripts/schemathesis.sh [extra schemathesis run args]
#
# The caller builds api-server (default target/debug/api-server). Needs python3 (venv + pip),
# node, psql, curl; PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on :6379.
# Knobs: ST_MAX_EXAMPLES (per operation, default 100), ST_SEED, ST_WORKERS (default 1: with
# one worker a given seed yields the same case count on every run; 2 is ~30% faster but not).
# Reports and the server logs land in target/schemathesis/.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO_DIR"

TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_DIR/target}"
API_SERVER="${API_SERVER:-$TARGET_DIR/debug/api-server}"
VENV="$TARGET_DIR/schemathesis-venv"
REQUIREMENTS="$REPO_DIR/scripts/schemathesis-requirements.txt"
OUT="$TARGET_DIR/schemathesis"
PG_ADMIN=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-100}"
WORKERS="${ST_WORKERS:-1}"
SEED="${ST_SEED:-20240601}"

log() { printf '==> %s\n' "$*"; }

[ -x "$API_SERVER" ] || { echo "api-server not found at $API_SERVER (build it first or set API_SERVER)" >&2; exit 1; }
API_SERVER="$(cd "$(dirname "$API_SERVER")" && pwd)/$(basename "$API_SERVER")"

# --- The tool, in a venv under the (gitignored) target dir; reinstalled only when the pin changes.
# The stamp also names the interpreter: a venv does not survive a Python upgrade.
STAMP="$VENV/.requirements-stamp"
WANTED_STAMP="$(python3 --version; cat "$REQUIREMENTS")"
if [ ! -x "$VENV/bin/schemathesis" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANTED_STAMP" ]; then
  log "installing $(tr '\n' ' ' <"$REQUIREMENTS")into $VENV"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV"; then
    # Debian's python3 ships venv/ensurepip separately.
    rm -rf "$VENV"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  printf '%s' "$WANTED_STAMP" >"$STAMP"
fi
"$VENV/bin/schemathesis" --version

rm -rf "$OUT"
mkdir -p "$OUT"
RUN_ID="$(date +%s)_$RANDOM"
DB_NAME="st_$RUN_ID"
RUN_DIR="$(mktemp -d)"
SERVER_PID=""
FAKE_LLM_PID=""
FAKE_TELEGRAM_PID=""

# shellcheck disable=SC2317 # run by the trap below
cleanup() {
  local status=$?
  for pid in "$SERVER_PID" "$FAKE_LLM_PID" "$FAKE_TELEGRAM_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  "${PG_ADMIN[@]}" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  # The LLM cache and idempotency keys outlive the server in the shared Redis.
  redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "st$RUN_ID:*" 2>/dev/null |
    xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null 2>&1 || true
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls URL until it answers 2xx; fails early (with the log) if PID dies meanwhile.
wait_for() {
  local url=$1 pid=$2 logfile=$3 tries=$4
  for _ in $(seq 1 "$tries"); do
    curl -fsS "$url" >/dev/null 2>&1 && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "process for $url exited during start-up; its log:" >&2
      tail -n 50 "$logfile" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$url did not come up; log tail:" >&2
  tail -n 50 "$logfile" >&2
  return 1
}

log "creating database $DB_NAME"
"${PG_ADMIN[@]}" -c "CREATE DATABASE $DB_NAME"
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"

# --- The fake LLM: tutor and card generation must answer something predictable and fast.
FAKE_LLM_PORT="$(free_port)"
FAKE_LLM_URL="http://127.0.0.1:$FAKE_LLM_PORT"
FAKE_LLM_KEY="st-$RUN_ID"
log "starting the fake LLM on $FAKE_LLM_URL"
FAKE_LLM_PORT="$FAKE_LLM_PORT" FAKE_LLM_KEY="$FAKE_LLM_KEY" FAKE_LLM_DELAY_MS=0 \
  node "$REPO_DIR/web/e2e/fake-llm.mjs" >"$OUT/fake-llm.log" 2>&1 &
FAKE_LLM_PID=$!
wait_for "$FAKE_LLM_URL/health" "$FAKE_LLM_PID" "$OUT/fake-llm.log" 50

# --- The fake Bot API: Stars invoice links and refunds (the e2e tests' fake) must answer too.
FAKE_TELEGRAM_PORT="$(free_port)"
FAKE_TELEGRAM_URL="http://127.0.0.1:$FAKE_TELEGRAM_PORT"
log "starting the fake Bot API on $FAKE_TELEGRAM_URL"
FAKE_TELEGRAM_PORT="$FAKE_TELEGRAM_PORT" node "$REPO_DIR/web/e2e/fake-telegram.mjs" >"$OUT/fake-telegram.log" 2>&1 &
FAKE_TELEGRAM_PID=$!
wait_for "$FAKE_TELEGRAM_URL/health" "$FAKE_TELEGRAM_PID" "$OUT/fake-telegram.log" 50

# --- api-server from an empty dir (no .env), rate limits off so fuzzing is not throttled into 429s,
# its own Redis key prefix so parallel runs do not share state, a token that outlives a slow run.
PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"
log "starting $API_SERVER on $BASE_URL"
(
  cd "$RUN_DIR"
  exec env -u LLM_MODEL -u ANTHROPIC_API_KEY -u LLM_MODERATION_MODEL \
    APP_ENV=test HOST=127.0.0.1 PORT="$PORT" DATABASE_URL="$DATABASE_URL" RUN_MIGRATIONS=true \
    REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="st$RUN_ID:" \
    RATE_LIMIT_IP_PER_MINUTE=0 RATE_LIMIT_USER_PER_MINUTE=0 LOG_FORMAT=json \
    ACCESS_TOKEN_EXPIRE_MINUTES=240 \
    LLM_PROVIDER=openai LLM_BASE_URL="$FAKE_LLM_URL/v1" OPENAI_API_KEY="$FAKE_LLM_KEY" \
    TELEGRAM_API_BASE_URL="$FAKE_TELEGRAM_URL" ADMIN_TELEGRAM_IDS=424242 \
    "$API_SERVER"
) >"$OUT/api-server.log" 2>&1 &
SERVER_PID=$!
wait_for "$BASE_URL/health" "$SERVER_PID" "$OUT/api-server.log" 120

# --- A signed-in user with an active profile (most endpoints need one) and premium, so that plan
# limits (402) do not hide everything else.
log "signing in (dev-login) and creating a profile"
TOKEN="$(curl -fsS -X POST "$BASE_URL/api/auth/dev-login" -H 'content-type: application/json' \
  -d '{"telegram_id": 424242, "first_name": "Schemathesis"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
curl -fsS -X POST "$BASE_URL/api/profiles" -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d '{"language": "de", "current_level": "A1", "target_level": "B1", "goals": [], "interface_language": "ru"}' \
  >"$OUT/profile.json"
"${PG_ADMIN[@]}" -d "$DB_NAME" -c "UPDATE users SET premium_until = now() + interval '1 day'"

curl -fsS "$BASE_URL/api/openapi.json" >"$OUT/openapi.json"

# --- The run, every check on (scripts/schemathesis.toml). Excluded: only the operations that
# would end this session for the rest of the run.
# --continue-on-failure: otherwise the first failing check of an operation hides the others.
# --generation-database none: no examples replayed from earlier runs, so a seed means one run.
log "schemathesis: seed $SEED, $MAX_EXAMPLES examples per operation, $WORKERS workers"
# Run from $OUT: schemathesis keeps its crash cache (for `st replay`) in ./.schemathesis.
START=$SECONDS
set +e
cd "$OUT"
"$VENV/bin/schemathesis" --config-file "$REPO_DIR/scripts/schemathesis.toml" run "$BASE_URL/api/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --seed "$SEED" \
  --max-examples "$MAX_EXAMPLES" \
  --workers "$WORKERS" \
  --continue-on-failure \
  --exclude-name 'DELETE /api/me' \
  --exclude-name 'POST /api/auth/logout' \
  --exclude-name 'POST /api/auth/refresh' \
  --generation-database none \
  --report junit,ndjson \
  --report-junit-path "$OUT/junit.xml" \
  --report-ndjson-path "$OUT/events.ndjson" \
  --no-color \
  "$@" 2>&1 | tee "$OUT/schemathesis.txt"
ST_STATUS=${PIPESTATUS[0]}
set -e
cd "$REPO_DIR"

# The case count is only in the summary's "Test cases:" line, e.g.
#   "4403 generated, 113 found 118 unique failures, 52 skipped" or "725 generated, 725 passed".
SUMMARY="$(grep -A1 -E '^Test cases:' "$OUT/schemathesis.txt" | tail -n 1 || true)"
count() { grep -oE "[0-9]+ $1" <<<"$SUMMARY" | grep -oE '^[0-9]+' || echo 0; }
GENERATED="$(count generated)"
FAILED=$(( $(count found) + $(count errored) ))
SKIPPED="$(count skipped)"
log "schemathesis finished in $((SECONDS - START)) s with exit code $ST_STATUS; reports and logs in $OUT"
echo "schemathesis: $GENERATED test cases run"
echo "schemathesis: $((GENERATED - FAILED - SKIPPED)) passed, $FAILED failed, $SKIPPED skipped"
exit "$ST_STATUS"
