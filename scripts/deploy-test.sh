#!/usr/bin/env bash
# Tests scripts/deploy.sh with a fake `docker` and `curl` that record what they were asked and
# answer as the test tells them (files in the work directory):
#   - a healthy deploy pulls, migrates, starts (in that order), checks every replica and the
#     public URL, and records its tag;
#   - an unhealthy one (one replica of three, the public URL, bot-poller under the `polling`
#     profile) starts the previous tag again and fails, leaving the previous tag current;
#   - a failed pull or failed migrations leave the running release untouched;
#   - a first deploy rolls back to .env's IMAGE_TAG, or has nothing to roll back to;
#   - two deploys never overlap, and a malformed tag is refused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "deploy test FAILED: $*" >&2
  echo "--- deploy.sh said:" >&2
  tail -n 20 "$work/deploy.log" >&2 || true
  exit 1
}

# The fake docker. Container ids are c@<service>@<replica>@<tag>. Knobs (one entry a line):
#   fail-pull, fail-migrate: tags whose pull / migrate fails;
#   unhealthy: tags, services or container ids that report "unhealthy";
#   replicas: the number of api-server containers (1 when absent).
cat >"$work/docker" <<'FAKE'
#!/usr/bin/env bash
set -u
echo "IMAGE_TAG=${IMAGE_TAG:-} PROFILES=${COMPOSE_PROFILES:-} $*" >>"$FAKE_DIR/docker.log"
listed() { grep -qxF "$1" "$FAKE_DIR/$2" 2>/dev/null; }
args=("$@")
last="${args[-1]}"
case "$*" in
  *" pull "*) listed "$IMAGE_TAG" fail-pull && exit 1 ;;
  *" run --rm migrate"*) listed "$IMAGE_TAG" fail-migrate && exit 1 ;;
  *" ps -q "*)
    n=1
    [[ "$last" == api-server ]] && n="$(cat "$FAKE_DIR/replicas" 2>/dev/null || echo 1)"
    for i in $(seq 1 "$n"); do echo "c@$last@$i@$IMAGE_TAG"; done
    ;;
  inspect*)
    IFS=@ read -r _ service _ tag <<<"$last"
    if listed "$tag" unhealthy || listed "$service" unhealthy || listed "$last" unhealthy; then
      echo unhealthy
    else
      echo healthy
    fi
    ;;
esac
exit 0
FAKE
cat >"$work/curl" <<'FAKE'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_DIR/curl.log"
[[ ! -e "$FAKE_DIR/curl-fails" ]]
FAKE
chmod +x "$work/docker" "$work/curl"

# .env as on the server: the domain (quoted, as operators write it) and what else a case needs.
write_env() {
  printf 'BACKEND_DOMAIN="api.example.org"\nPOSTGRES_PASSWORD=never-printed\n' >"$work/env"
  for line in "$@"; do echo "$line" >>"$work/env"; done
}

# Runs a deploy with fresh logs; its stderr goes to deploy.log.
deploy() {
  : >"$work/docker.log"
  : >"$work/curl.log"
  FAKE_DIR="$work" DOCKER="$work/docker" CURL="$work/curl" DEPLOY_ENV_FILE="$work/env" \
    DEPLOY_STATE_DIR="$work/state" DEPLOY_HEALTH_TIMEOUT=1 DEPLOY_POLL_SECONDS=0.1 \
    "$root/scripts/deploy.sh" "$@" 2>"$work/deploy.log"
}
knobs() { rm -f "$work"/{fail-pull,fail-migrate,unhealthy,replicas,curl-fails}; }
current() { cat "$work/state/current-tag" 2>/dev/null || echo none; }
# The line number of the first docker call matching $1 (0 when none).
call_line() { grep -n -m 1 -E -- "$1" "$work/docker.log" | cut -d: -f1 || echo 0; }
called() { grep -q -E -- "$1" "$work/docker.log"; }

write_env

# 1. A first deploy that fails has nothing to roll back to.
knobs
echo v0 >"$work/unhealthy"
if deploy v0; then fail "an unhealthy first deploy succeeded"; fi
[[ "$(current)" == none ]] || fail "a failed deploy was recorded as current"
grep -q 'no earlier tag' "$work/deploy.log" || fail "the first failed deploy did not say why it stays"

# 2. A healthy deploy: pulled, migrated, started in that order, checked, recorded.
knobs
deploy v1 || fail "a healthy deploy failed"
[[ "$(current)" == v1 ]] || fail "v1 was not recorded"
pull="$(call_line '^IMAGE_TAG=v1 .*compose --env-file [^ ]*/env -f docker/docker-compose.yml pull')"
migrate="$(call_line '^IMAGE_TAG=v1 .*compose .* run --rm migrate')"
up="$(call_line '^IMAGE_TAG=v1 .*compose .* up -d --remove-orphans')"
((pull > 0 && migrate > pull && up > migrate)) || fail "not pull ($pull), migrate ($migrate), up ($up) in order"
called 'inspect .*c@notifier@1@v1' || fail "the notifier's health was not asked"
if called 'ps -q bot-poller'; then fail "bot-poller was checked without the polling profile"; fi
grep -qx -- '-fsS --max-time 5 https://api.example.org/health' "$work/curl.log" ||
  fail "the public health check did not go to https://\$BACKEND_DOMAIN/health"
grep -q ' v1 ok$' "$work/state/history" || fail "the history does not show v1"
if grep -q never-printed "$work/deploy.log" "$work/docker.log"; then fail "a secret from .env was passed on"; fi

# 3. One of three api-server replicas unhealthy: v1 is started again, v2 fails, v1 stays.
knobs
echo 3 >"$work/replicas"
echo c@api-server@3@v2 >"$work/unhealthy"
if deploy v2; then fail "a deploy with an unhealthy replica succeeded"; fi
[[ "$(current)" == v1 ]] || fail "the failed v2 replaced v1 as current"
called 'inspect .*c@api-server@2@v2' || fail "not every replica was checked"
called '^IMAGE_TAG=v1 .* up -d --remove-orphans' || fail "v1 was not started again"
if called '^IMAGE_TAG=v1 .* (pull|run --rm migrate)'; then fail "the rollback pulled or migrated"; fi
grep -q 'rolled back to v1' "$work/deploy.log" || fail "the rollback was not reported"

# 4. Healthy containers but the public URL does not answer: rolled back.
knobs
touch "$work/curl-fails"
if deploy v2; then fail "a deploy whose public URL fails succeeded"; fi
[[ "$(current)" == v1 ]] || fail "v2 became current although https://…/health failed"
grep -q 'rolling back to v1' "$work/deploy.log" || fail "no rollback when the public URL failed"

# 5. The pull fails: nothing migrated, nothing started, v1 stays.
knobs
echo v3 >"$work/fail-pull"
if deploy v3; then fail "a deploy whose pull failed succeeded"; fi
if called '(run --rm migrate|up -d)'; then fail "migrated or started after a failed pull"; fi
[[ "$(current)" == v1 ]] || fail "v1 is no longer current after a failed pull"

# 6. The migrations fail: nothing started (the running v1 is untouched), v1 stays.
knobs
echo v3 >"$work/fail-migrate"
if deploy v3; then fail "a deploy whose migrations failed succeeded"; fi
if called 'up -d'; then fail "containers were started after failed migrations"; fi
grep -q ' v3 migrate-failed$' "$work/state/history" || fail "the failed migration is not in the history"

# 7. A healthy v2 goes through, and v1 is remembered as the previous one.
knobs
deploy v2 || fail "a healthy v2 failed"
[[ "$(current)-$(cat "$work/state/previous-tag")" == v2-v1 ]] || fail "tags not recorded (want v2-v1)"

# 8. The polling profile from .env: passed to compose, and bot-poller's health counts.
write_env 'COMPOSE_PROFILES=polling'
knobs
echo bot-poller >"$work/unhealthy"
if deploy v4; then fail "a deploy with an unhealthy bot-poller succeeded"; fi
called '^IMAGE_TAG=v4 PROFILES=polling .* up -d' || fail "COMPOSE_PROFILES from .env did not reach compose"
called 'inspect .*c@bot-poller@1@v4' || fail "bot-poller was not checked under the polling profile"
[[ "$(current)" == v2 ]] || fail "v4 became current with an unhealthy bot-poller"
write_env

# 9. A first deploy on a host started by hand: .env's IMAGE_TAG is what runs, so it is the
# tag to roll back to.
rm -rf "$work/state"
write_env 'IMAGE_TAG=v9'
knobs
echo v10 >"$work/unhealthy"
if deploy v10; then fail "an unhealthy deploy succeeded"; fi
called '^IMAGE_TAG=v9 .* up -d' || fail "did not roll back to .env's IMAGE_TAG"
write_env

# 10. Two deploys never overlap.
knobs
mkdir -p "$work/state"
exec 8>"$work/state/lock"
flock 8
if deploy v11; then fail "a deploy ran while another held the lock"; fi
grep -q 'another deploy is running' "$work/deploy.log" || fail "the lock refusal did not say why"
[[ ! -s "$work/docker.log" ]] || fail "docker was called while another deploy held the lock"
exec 8>&-

# 11. A malformed tag never reaches a command line.
if deploy 'bad tag;rm'; then fail "a malformed tag was accepted"; fi
[[ ! -s "$work/docker.log" ]] || fail "docker was called with a malformed tag"

echo "deploy test: success, rollback (replica, public URL, bot-poller), failed pull and migrations, first deploys, lock and tag checks behave"
