#!/usr/bin/env bash
# Runs Lang Agent on its embedded defaults (README's first command): SQLite under ./data,
# the in-memory cache, no Telegram and no LLM unless configured in the environment or .env.
set -euo pipefail
cd "$(dirname "$0")/.."

export APP_ENV="${APP_ENV:-local}"
host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"

echo "==> building api-server"
cargo build --locked -p api-server

echo "==> Lang Agent will listen on http://${host}:${port}  (API docs: http://${host}:${port}/api/docs/)"
exec cargo run --locked --quiet -p api-server -- serve
