#!/usr/bin/env bash
# Deploys image tag TAG on the server (run from the checkout, /opt/lang-agent), and rolls back
# to the tag that ran before when the new one does not come up healthy.
#
#   scripts/deploy.sh <tag>
#
# Steps: pull TAG's images, run the migrations once (`migrate`), start everything, then wait
# (DEPLOY_HEALTH_TIMEOUT seconds, 180) until every api-server and notifier container (and
# bot-poller's, when the `polling` profile runs it) reports healthy and
# https://$BACKEND_DOMAIN/health answers. If the pull or the migrations fail, the running
# release is left as it is; if the new containers do not come up healthy, the previous tag is
# started again. Either way the script exits 1. Migrations are forward-only and every release
# must run on the schema of the next one (docs/operations.md), which is what makes starting the
# previous tag safe.
#
# State in DEPLOY_STATE_DIR (.deploy): current-tag, previous-tag, history (one line a deploy),
# and a lock so that two deploys never overlap. The first deploy's "previous" tag is .env's
# IMAGE_TAG, if it names one. DOCKER and CURL may name other programs (the test uses fakes).
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
poll="${DEPLOY_POLL_SECONDS:-5}"
state_dir="${DEPLOY_STATE_DIR:-.deploy}"
compose_file="docker/docker-compose.yml"
env_file="${DEPLOY_ENV_FILE:-.env}"

log() { printf '[deploy] %s\n' "$*" >&2; }

# The last KEY=value of .env (quotes removed), for the few values this script itself needs.
env_value() {
  [[ -r "$env_file" ]] || return 0
  sed -n "s/^$1=//p" "$env_file" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}

# The domain the public health check goes through, and the compose profiles (`polling` runs
# bot-poller), from .env unless the environment has them.
BACKEND_DOMAIN="${BACKEND_DOMAIN:-$(env_value BACKEND_DOMAIN)}"
: "${BACKEND_DOMAIN:?BACKEND_DOMAIN must be set (in .env)}"
COMPOSE_PROFILES="${COMPOSE_PROFILES:-$(env_value COMPOSE_PROFILES)}"
export COMPOSE_PROFILES

compose() { IMAGE_TAG="$1" "$DOCKER" compose --env-file "$env_file" -f "$compose_file" "${@:2}"; }

# Healthy when every container of the long-running services says so (all replicas of a
# scaled api-server) and the public endpoint answers through the proxy.
services=(api-server notifier)
# bot-poller runs only with the `polling` profile.
[[ ",$COMPOSE_PROFILES," == *,polling,* ]] && services+=(bot-poller)

healthy() {
  local service ids id status
  for service in "${services[@]}"; do
    ids="$(compose "$1" ps -q "$service")" || return 1
    [[ -n "$ids" ]] || return 1
    for id in $ids; do
      status="$("$DOCKER" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")" ||
        return 1
      [[ "$status" == healthy ]] || return 1
    done
  done
  "$CURL" -fsS --max-time 5 "https://$BACKEND_DOMAIN/health" >/dev/null
}

wait_healthy() {
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    healthy "$1" && return 0
    sleep "$poll"
  done
  return 1
}

record() { printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" >>"$state_dir/history"; }
# Written aside and renamed, so a crash never leaves an empty tag file.
remember() {
  printf '%s\n' "$2" >"$state_dir/$1.tmp"
  mv "$state_dir/$1.tmp" "$state_dir/$1"
}

mkdir -p "$state_dir"
exec 9>"$state_dir/lock"
if ! flock -n 9; then
  log "another deploy is running (lock $state_dir/lock); try again when it has finished"
  exit 1
fi

previous="$(cat "$state_dir/current-tag" 2>/dev/null || true)"
previous="${previous:-$(env_value IMAGE_TAG)}"
log "deploying $tag (running: ${previous:-nothing recorded})"

# `set -e` does not apply inside a function called as a condition, so every step is checked.
if ! compose "$tag" pull --quiet; then
  log "cannot pull $tag; nothing was changed"
  record "$tag" pull-failed
  exit 1
fi
if ! compose "$tag" run --rm migrate; then
  log "the migrations of $tag failed; the running release was not touched (look at the migrate output above)"
  record "$tag" migrate-failed
  exit 1
fi
if compose "$tag" up -d --remove-orphans && wait_healthy "$tag"; then
  remember current-tag "$tag"
  [[ -n "$previous" && "$previous" != "$tag" ]] && remember previous-tag "$previous"
  record "$tag" ok
  log "$tag is up and healthy"
  exit 0
fi

log "$tag did not come up healthy within ${timeout}s"
record "$tag" unhealthy
if [[ -z "$previous" || "$previous" == "$tag" ]]; then
  log "no earlier tag to roll back to; leaving $tag as it is"
  exit 1
fi
log "rolling back to $previous"
if compose "$previous" up -d --remove-orphans && wait_healthy "$previous"; then
  record "$previous" rolled-back
  log "rolled back to $previous"
else
  record "$previous" rollback-unhealthy
  log "rollback to $previous is not healthy either: look at 'docker compose ps' and the logs"
fi
exit 1
