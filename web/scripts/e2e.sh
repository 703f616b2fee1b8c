#!/usr/bin/env bash
# End-to-end tests of the Mini App in headless Debian Chromium against a real api-server
# (APP_ENV=local, dev sign-in) on a fresh PostgreSQL database that is dropped afterwards.
# The LLM features talk to e2e/fake-llm.mjs, a local fake of the OpenAI Chat Completions API.
set -euo pipefail

WEB_DIR="$(cd "$(dirname "$0")/.." && pwd)"
REPO_DIR="$(cd "$WEB_DIR/.." && pwd)"
ARTIFACTS="$WEB_DIR/e2e-artifacts"
PG_HOST="${PGHOST_E2E:-127.0.0.1}"
PG_ADMIN=(psql -h "$PG_HOST" -U postgres -v ON_ERROR_STOP=1 -q)
CHROMIUM=/usr/bin/chromium

log() { printf '==> %s\n' "$*"; }

# (a) Debian's Chromium; Playwright must never download its own browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x "$CHROMIUM" ]; then
  log "installing Debian chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

cd "$WEB_DIR"
if [ ! -d node_modules ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

# (b) The app, served by api-server from WEB_DIST_DIR.
log "building the Mini App"
npm run build

# (c) The backend (the shared target directory is honoured through cargo metadata).
log "building api-server"
(cd "$REPO_DIR" && cargo build -p api-server)
TARGET_DIR="$(cd "$REPO_DIR" && cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
API_SERVER="$TARGET_DIR/debug/api-server"

mkdir -p "$ARTIFACTS"
DB_NAME="e2e_$(date +%s)_$RANDOM"
SERVER_PID=""
FAKE_LLM_PID=""
FAKE_TELEGRAM_PID=""
RUN_DIR="$(mktemp -d)"

cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # (g) Stop the servers we started.
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$FAKE_LLM_PID" ] && kill -0 "$FAKE_LLM_PID" 2>/dev/null; then
    kill "$FAKE_LLM_PID" 2>/dev/null || true
    wait "$FAKE_LLM_PID" 2>/dev/null || true
  fi
  if [ -n "$FAKE_TELEGRAM_PID" ] && kill -0 "$FAKE_TELEGRAM_PID" 2>/dev/null; then
    kill "$FAKE_TELEGRAM_PID" 2>/dev/null || true
    wait "$FAKE_TELEGRAM_PID" 2>/dev/null || true
  fi
  "${PG_ADMIN[@]}" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap cleanup EXIT INT TERM

# (d) A fresh database.
log "creating database $DB_NAME"
"${PG_ADMIN[@]}" -c "CREATE DATABASE $DB_NAME"
DATABASE_URL="postgres://postgres@$PG_HOST:5432/$DB_NAME"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# (e1) The fake LLM (OpenAI protocol) that api-server's tutor and card generation call.
FAKE_LLM_PORT="$(free_port)"
FAKE_LLM_URL="http://127.0.0.1:$FAKE_LLM_PORT"
FAKE_LLM_KEY=e2e-key
log "starting the fake LLM on $FAKE_LLM_URL"
FAKE_LLM_PORT="$FAKE_LLM_PORT" FAKE_LLM_KEY="$FAKE_LLM_KEY" \
  node "$WEB_DIR/e2e/fake-llm.mjs" >"$ARTIFACTS/fake-llm.log" 2>&1 &
FAKE_LLM_PID=$!
for _ in $(seq 1 50); do
  if curl -fsS "$FAKE_LLM_URL/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$FAKE_LLM_PID" 2>/dev/null; then
    echo "the fake LLM exited during start-up; its log:" >&2
    cat "$ARTIFACTS/fake-llm.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "$FAKE_LLM_URL/health" >/dev/null

# (e1b) The fake Telegram Bot API: Stars invoice links and refunds, and whatever the bot's update
# processor (running inside api-server, since a webhook secret is set) sends. The specs post
# updates (a successful payment) to api-server's webhook route with E2E_WEBHOOK_SECRET; the
# admin specs sign in as E2E_ADMIN_TELEGRAM_ID, listed in ADMIN_TELEGRAM_IDS.
FAKE_TELEGRAM_PORT="$(free_port)"
FAKE_TELEGRAM_URL="http://127.0.0.1:$FAKE_TELEGRAM_PORT"
E2E_WEBHOOK_SECRET="e2e-webhook-secret"
E2E_ADMIN_TELEGRAM_ID=7700000001
log "starting the fake Telegram Bot API on $FAKE_TELEGRAM_URL"
FAKE_TELEGRAM_PORT="$FAKE_TELEGRAM_PORT" node "$WEB_DIR/e2e/fake-telegram.mjs" >"$ARTIFACTS/fake-telegram.log" 2>&1 &
FAKE_TELEGRAM_PID=$!
for _ in $(seq 1 50); do
  if curl -fsS "$FAKE_TELEGRAM_URL/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$FAKE_TELEGRAM_PID" 2>/dev/null; then
    echo "the fake Telegram Bot API exited during start-up; its log:" >&2
    cat "$ARTIFACTS/fake-telegram.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "$FAKE_TELEGRAM_URL/health" >/dev/null

PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"

# (e2) api-server on the in-memory cache (no REDIS_URL), its LLM the fake one. It runs from an
# empty directory so that no developer .env file changes its configuration.
log "starting api-server on $BASE_URL"
(
  cd "$RUN_DIR"
  exec env -u REDIS_URL -u ANTHROPIC_API_KEY -u LLM_MODEL -u LLM_MODERATION_MODEL \
    APP_ENV=local HOST=127.0.0.1 PORT="$PORT" DATABASE_URL="$DATABASE_URL" \
    RUN_MIGRATIONS=true WEB_DIST_DIR="$WEB_DIR/dist" LOG_FORMAT=json \
    LLM_PROVIDER=openai LLM_BASE_URL="$FAKE_LLM_URL/v1" OPENAI_API_KEY="$FAKE_LLM_KEY" LLM_MAX_ATTEMPTS=3 \
    TELEGRAM_API_BASE_URL="$FAKE_TELEGRAM_URL" TELEGRAM_WEBHOOK_SECRET="$E2E_WEBHOOK_SECRET" \
    ADMIN_TELEGRAM_IDS="$E2E_ADMIN_TELEGRAM_ID" \
    "$API_SERVER"
) >"$ARTIFACTS/api-server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 120); do
  if curl -fsS "$BASE_URL/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "api-server exited during start-up; its log:" >&2
    tail -n 50 "$ARTIFACTS/api-server.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "$BASE_URL/health" >/dev/null

# (f) The specs.
log "running end-to-end specs"
E2E_BASE_URL="$BASE_URL" E2E_DATABASE_URL="$DATABASE_URL" CHROMIUM_PATH="$CHROMIUM" \
  FAKE_LLM_URL="$FAKE_LLM_URL" FAKE_TELEGRAM_URL="$FAKE_TELEGRAM_URL" E2E_WEBHOOK_SECRET="$E2E_WEBHOOK_SECRET" \
  E2E_ADMIN_TELEGRAM_ID="$E2E_ADMIN_TELEGRAM_ID" \
  npx playwright test --config playwright.config.ts "$@"
log "end-to-end specs passed; screenshots, api-server.log, fake-llm.log and fake-telegram.log in $ARTIFACTS"
