#!/usr/bin/env bash
# The whole web pipeline for CI: install, type-check, unit tests, production build within
# the bundle budget, then the end-to-end tests against a real api-server.
set -euo pipefail
cd "$(dirname "$0")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

echo "==> npm ci"
npm ci --no-audit --no-fund

echo "==> type-check"
npm run typecheck

echo "==> unit tests"
npm test

echo "==> production build and bundle budget"
npm run build:check

echo "==> end-to-end"
bash scripts/e2e.sh
