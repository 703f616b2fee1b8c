#!/usr/bin/env bash
# Runs Lang Agent on its embedded defaults (README's first command): builds the Mini App and
# api-server, then serves both with SQLite under ./data, the in-memory cache, and no Telegram
# or LLM unless configured in the environment or .env. Open the printed URL in a browser:
# outside Telegram the local dev sign-in is used.
set -euo pipefail
cd "$(dirname "$0")/.."

export APP_ENV="${APP_ENV:-local}"
host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"

if command -v npm >/dev/null 2>&1; then
  echo "==> building the Mini App (web/dist)"
  (cd web && npm ci --no-audit --no-fund && npm run build)
else
  echo "==> npm not found: serving the API only (install Node.js 20 and npm for the Mini App)"
fi

echo "==> building api-server"
cargo build --locked -p api-server

echo "==> Lang Agent will listen on http://${host}:${port}  (API docs: http://${host}:${port}/api/docs/)"
exec cargo run --locked --quiet -p api-server -- serve
