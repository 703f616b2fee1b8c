#!/usr/bin/env bash
# Deploys image tag TAG on the server (run from the checkout, /opt/lang-agent), and rolls back
# to the tag that ran before when the new one does not come up healthy.
#
#   scripts/deploy.sh <tag>
#
# Steps: pull TAG's images, run the migrations once (`migrate`), start everything, then wait
# (DEPLOY_HEALTH_TIMEOUT seconds, 180) for api-server and notifier to report healthy and for
# https://$BACKEND_DOMAIN/health to answer. On failure the previous tag is started again and the
# script exits 1. Migrations are forward-only and every release must run on the schema of the
# next one (docs/operations.md), which is what makes starting the previous tag safe.
# DOCKER and CURL may name other programs (the test uses fakes).
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:?usage: scripts/deploy.sh <image tag>}"
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || {
  echo "not an image tag: $tag" >&2
  exit 2
}
DOCKER="${DOCKER:-docker}"
CURL="${CURL:-curl}"
timeout="${DEPLOY_HEALTH_TIMEOUT:-180}"
state_dir="${DEPLOY_STATE_DIR:-.deploy}"
compose_file="docker/docker-compose.yml"
env_file="${DEPLOY_ENV_FILE:-.env}"

# The domain the health check goes through, from .env unless the environment has it.
if [[ -z "${BACKEND_DOMAIN:-}" && -r "$env_file" ]]; then
  BACKEND_DOMAIN="$(sed -n 's/^BACKEND_DOMAIN=//p' "$env_file" | tail -n 1)"
fi
: "${BACKEND_DOMAIN:?BACKEND_DOMAIN must be set (in .env)}"

log() { printf '[deploy] %s\n' "$*" >&2; }
compose() { IMAGE_TAG="$1" "$DOCKER" compose --env-file "$env_file" -f "$compose_file" "${@:2}"; }

# Healthy when both long-running services say so and the public endpoint answers.
healthy() {
  local service id status
  for service in api-server notifier; do
    id="$(compose "$1" ps -q "$service" | head -n 1)"
    [[ -n "$id" ]] || return 1
    status="$("$DOCKER" inspect --format '{{.State.Health.Status}}' "$id")"
    [[ "$status" == healthy ]] || return 1
  done
  "$CURL" -fsS --max-time 5 "https://$BACKEND_DOMAIN/health" >/dev/null
}

wait_healthy() {
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    healthy "$1" && return 0
    sleep "${DEPLOY_POLL_SECONDS:-5}"
  done
  return 1
}

start() {
  compose "$1" pull --quiet
  compose "$1" run --rm migrate
  compose "$1" up -d --remove-orphans
}

mkdir -p "$state_dir"
previous="$(cat "$state_dir/current-tag" 2>/dev/null || true)"
log "deploying $tag (running: ${previous:-nothing})"

if start "$tag" && wait_healthy "$tag"; then
  echo "$tag" >"$state_dir/current-tag"
  [[ -n "$previous" && "$previous" != "$tag" ]] && echo "$previous" >"$state_dir/previous-tag"
  log "$tag is up and healthy"
  exit 0
fi

log "$tag did not come up healthy within ${timeout}s"
if [[ -z "$previous" || "$previous" == "$tag" ]]; then
  log "no earlier tag to roll back to; leaving $tag as it is"
  exit 1
fi
log "rolling back to $previous"
compose "$previous" up -d --remove-orphans
if wait_healthy "$previous"; then
  log "rolled back to $previous"
else
  log "rollback to $previous is not healthy either: look at 'docker compose ps' and the logs"
fi
exit 1
