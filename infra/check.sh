#!/usr/bin/env bash
# Validates everything under infra/ with the real tools where they can run here:
#   - promtool (from Debian's `prometheus` package, only the binary extracted into target/, so
#     no Prometheus server is installed or started): check config, check rules, test rules;
#   - Grafana provisioning and dashboards: parsed, uids unique, data source uids matching the
#     provisioning, every panel with targets, every PromQL query parsed by promtool;
#   - every metric named in a dashboard or an alert rule exists in the Rust source (with the
#     registry's `lang_agent_` prefix and histogram suffixes), or is a recording rule, and every
#     label it matches, groups by or shows in a legend is one of that metric's labels;
#   - Loki and Alloy (no binary installable here): Loki's YAML parsed and its retention keys
#     checked; Alloy's labels checked to be `service` and `level` only.
# Usage: bash infra/check.sh (as root on Debian 12, or with promtool and python3-yaml at hand).
# Installs what it lacks (promtool, python3, python3-yaml) and exits non-zero on any mistake.
set -euo pipefail

infra="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$infra")"
tools="$root/target/infra-tools"

find_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    command -v promtool
  elif [ -x "$tools/promtool/usr/bin/promtool" ]; then
    echo "$tools/promtool/usr/bin/promtool"
  else
    return 1
  fi
}

# Debian packages; on a fresh machine (no package lists yet) the lists are fetched first.
apt_install() {
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

if ! promtool="$(find_promtool)"; then
  echo "infra/check.sh: extracting promtool from Debian's prometheus package into $tools" >&2
  # apt-get download writes into the current directory; _apt cannot write under target/.
  download="$(mktemp -d)"
  chmod 777 "$download"
  (cd "$download" && { apt-get download prometheus >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get download prometheus >/dev/null; }; })
  # Extracted aside and moved in whole, so an interrupted run never leaves half a promtool.
  rm -rf "$tools/promtool.partial"
  mkdir -p "$tools"
  dpkg-deb -x "$download"/prometheus_*.deb "$tools/promtool.partial"
  rm -rf "$download" "$tools/promtool"
  mv "$tools/promtool.partial" "$tools/promtool"
  promtool="$(find_promtool)"
fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import yaml' 2>/dev/null; then
  echo "infra/check.sh: installing python3 and python3-yaml" >&2
  apt_install python3 python3-yaml
fi

echo "== promtool: $("$promtool" --version 2>&1 | head -1)"

# `check config` opens credentials_file; the real path (/run/secrets/metrics_token) exists only
# in the container. Check a copy whose only difference is a temporary token file.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp "$infra/prometheus/prometheus.yml" "$infra/prometheus/alerts.yml" "$scratch/"
printf 'check-token' >"$scratch/metrics_token"
sed -i "s#credentials_file: /run/secrets/metrics_token#credentials_file: $scratch/metrics_token#" "$scratch/prometheus.yml"
if grep -q '/run/secrets/metrics_token' "$scratch/prometheus.yml"; then
  echo "a credentials_file was not rewritten for the check" >&2
  exit 1
fi
"$promtool" check config "$scratch/prometheus.yml"
"$promtool" check rules "$infra/prometheus/alerts.yml"
"$promtool" test rules "$infra"/prometheus/tests/*.yml

echo "== dashboards, provisioning, metric names, Loki and Alloy"
python3 "$infra/check_infra.py" "$root" --promtool "$promtool"
echo "infra/check.sh: all checks passed"
