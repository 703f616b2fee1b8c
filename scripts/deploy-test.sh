#!/usr/bin/env bash
# Tests scripts/deploy.sh with a fake `docker` and `curl` that record what they were asked and
# report health as told: a healthy deploy records its tag; an unhealthy one starts the previous
# tag again and fails; a first deploy that fails has nothing to roll back to.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "deploy test FAILED: $*" >&2
  exit 1
}

# The fake docker: logs each call with the IMAGE_TAG it ran under; `inspect` reports
# "healthy" unless the tag is listed in $work/unhealthy-tags.
cat >"$work/docker" <<'FAKE'
#!/usr/bin/env bash
echo "IMAGE_TAG=${IMAGE_TAG:-} $*" >>"$FAKE_DIR/docker.log"
case "$*" in
  *" ps -q "*) echo "container-$IMAGE_TAG" ;;
  inspect*)
    call="$*"
    tag="${call##*container-}"
    if grep -qx "$tag" "$FAKE_DIR/unhealthy-tags" 2>/dev/null; then echo unhealthy; else echo healthy; fi
    ;;
esac
exit 0
FAKE
cat >"$work/curl" <<'FAKE'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_DIR/curl.log"
FAKE
chmod +x "$work/docker" "$work/curl"

deploy() {
  FAKE_DIR="$work" DOCKER="$work/docker" CURL="$work/curl" BACKEND_DOMAIN=api.example.org \
    DEPLOY_STATE_DIR="$work/state" DEPLOY_HEALTH_TIMEOUT=2 DEPLOY_POLL_SECONDS=0.2 \
    "$root/scripts/deploy.sh" "$@" 2>>"$work/deploy.log"
}

# A first deploy fails: nothing earlier to roll back to.
echo v0 >"$work/unhealthy-tags"
if deploy v0; then fail "an unhealthy first deploy succeeded"; fi
[[ ! -e "$work/state/current-tag" ]] || fail "a failed deploy was recorded as current"

# A healthy deploy: pulled, migrated, started, checked through the public URL, recorded.
: >"$work/unhealthy-tags"
: >"$work/docker.log"
deploy v1 || fail "a healthy deploy failed"
[[ "$(cat "$work/state/current-tag")" == v1 ]] || fail "v1 was not recorded"
grep -q '^IMAGE_TAG=v1 compose .* pull' "$work/docker.log" || fail "v1 was not pulled"
grep -q '^IMAGE_TAG=v1 compose .* run --rm migrate' "$work/docker.log" || fail "migrations did not run"
grep -q '^IMAGE_TAG=v1 compose .* up -d' "$work/docker.log" || fail "v1 was not started"
grep -q 'https://api.example.org/health' "$work/curl.log" || fail "the public health check was not made"

# An unhealthy v2: v1 is started again, the script fails, v1 stays current.
echo v2 >"$work/unhealthy-tags"
: >"$work/docker.log"
if deploy v2; then fail "an unhealthy deploy succeeded"; fi
[[ "$(cat "$work/state/current-tag")" == v1 ]] || fail "the failed v2 replaced v1 as current"
grep -q '^IMAGE_TAG=v1 compose .* up -d' "$work/docker.log" || fail "v1 was not started again"
grep -q 'rolled back to v1' "$work/deploy.log" || fail "the rollback was not reported"

# Then a healthy v2 goes through, and v1 is remembered as the previous one.
: >"$work/unhealthy-tags"
deploy v2 || fail "a healthy v2 failed"
[[ "$(cat "$work/state/current-tag")-$(cat "$work/state/previous-tag")" == v2-v1 ]] || fail "tags not recorded"

if deploy 'bad tag;rm' 2>/dev/null; then fail "a malformed tag was accepted"; fi
echo "deploy test: success, rollback and first-deploy failure behave"
