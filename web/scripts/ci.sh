#!/usr/bin/env bash
# The whole web pipeline for CI: install, the API types checked against api-server's OpenAPI
# document, type-check, unit tests, production build within the bundle budget, then the
# end-to-end tests against a real api-server.
set -euo pipefail
cd "$(dirname "$0")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

echo "==> npm ci"
npm ci --no-audit --no-fund

echo "==> API types (src/api/schema.gen.ts) against api-server's OpenAPI document"
# Built first so that the contract checked is the current code's (nothing to do when it is).
(cd .. && cargo build -p api-server)
npm run api:types:check

echo "==> type-check"
npm run typecheck

echo "==> unit tests"
npm test

echo "==> production build and bundle budget"
npm run build:check

echo "==> end-to-end"
bash scripts/e2e.sh
