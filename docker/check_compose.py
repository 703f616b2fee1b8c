"""Validates docker/docker-compose.yml and docker/docker-compose.local.yml (docker/check.sh).

Each file is laid out as on the server (docker/ beside a `.env` made from .env.example plus
the values docs/deployment.md tells an operator to set; infra/ beside them) and loaded by the
real Docker Compose (`config --format json`), which interpolates, merges and validates it
against the compose specification. The model it prints is then held to the deployment
contract (docs/deployment.md, docker/README.md): healthchecks everywhere, only Caddy publishing
ports, private networks, pinned images, the repository mounted read-only where it should be,
the apps' environment, migrations before the apps. With --api-server, each app's resolved
environment is also loaded by api-server's own configuration (`api-server openapi` reads the
whole Settings and refuses what production would refuse).

--self-test breaks the files in ways that matter and fails unless each break is caught.
Exits 1 listing every problem.
"""

import argparse
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRODUCTION = "docker-compose.yml"
LOCAL = "docker-compose.local.yml"

# What an operator adds to the .env copied from .env.example (docs/deployment.md). Never
# real secrets: they exist only in the temporary directory of this check.
OPERATOR_VALUES = {
    "BACKEND_DOMAIN": "api.example.org",
    "GRAFANA_DOMAIN": "grafana.example.org",
    "ACME_EMAIL": "ops@example.org",
    "POSTGRES_PASSWORD": "check-only-postgres-password",
    "METRICS_TOKEN": "check-only-metrics-token-0123456789abcdef",
    "GRAFANA_ADMIN_PASSWORD": "check-only-grafana-password",
    "SECRET_KEY": "check-only-secret-key-0123456789abcdef0123456789",
    "TELEGRAM_BOT_TOKEN": "123456789:AAcheck-only-token-0123456789abcdefghi",
    "TELEGRAM_WEBHOOK_SECRET": "checkonlywebhooksecret0123456789",
}

APPS = ("migrate", "api-server", "notifier", "bot-poller")
OWN_IMAGE = re.compile(r"^ghcr\.io/lang-agent/lang-agent/(api-server|notifier|bot-poller):latest$")
# The repository's files the production stack mounts (infra/check.sh checks their contents).
REPOSITORY_MOUNTS = {
    "docker/Caddyfile",
    "infra/prometheus",
    "infra/loki/loki.yml",
    "infra/alloy/config.alloy",
    "infra/grafana/provisioning",
    "infra/grafana/dashboards",
}
DOCKER_SOCKET = "/var/run/docker.sock"
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")


def documented_variables():
    """Every NAME in .env.example, set or commented out (`# NAME=`)."""
    names = set()
    for line in (REPO / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z_][A-Z0-9_]*)=", line.strip())
        if match:
            names.add(match.group(1))
    return names


def lay_out(directory, texts):
    """The server's layout in `directory`: docker/<files>, .env, infra/ (a link to ours)."""
    (directory / "docker").mkdir()
    for name, text in texts.items():
        (directory / "docker" / name).write_text(text)
    (directory / "docker" / "Caddyfile").write_text((REPO / "docker/Caddyfile").read_text())
    (directory / "infra").symlink_to(REPO / "infra")
    extra = "".join(f"{key}={value}\n" for key, value in OPERATOR_VALUES.items())
    (directory / ".env").write_text((REPO / ".env.example").read_text() + "\n" + extra)


def load(compose, directory, name, problems):
    """The model Compose makes of docker/<name>, or None (with Compose's own complaint)."""
    result = subprocess.run(
        [compose, "--env-file", ".env", "-f", f"docker/{name}", "--profile", "polling", "config", "--format", "json"],
        cwd=directory,
        capture_output=True,
        text=True,
        # Nothing from the caller's shell: it would take precedence over .env.
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory), "DOCKER_CONFIG": str(directory)},
        check=False,
    )
    if result.returncode != 0:
        problems.append(f"{name}: docker compose config: {result.stderr.strip()}")
        return None
    return json.loads(result.stdout)


def relative_source(source, directory):
    try:
        return str(Path(source).relative_to(directory))
    except ValueError:
        return None


def check_common(name, model, problems):
    for service_name, service in model["services"].items():
        where = f"{name}: {service_name}"
        image = service.get("image", "")
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        # Ours are deployed by IMAGE_TAG (the commit); everyone else's must name a version.
        if not OWN_IMAGE.match(image) and (not re.search(r"\d", tag) or tag == "latest"):
            problems.append(f"{where}: image {image!r} is not pinned to a version")
        one_shot = service.get("restart") == "no"
        health = service.get("healthcheck") or {}
        if not one_shot and (not health.get("test") or health.get("disable")):
            problems.append(f"{where}: has no healthcheck")


def check_production(model, directory, problems):
    name = PRODUCTION
    services = model["services"]
    missing = {"migrate", "api-server", "notifier", "bot-poller", "postgres", "redis", "caddy"} - services.keys()
    missing |= {"prometheus", "loki", "alloy", "grafana"} - services.keys()
    for service_name in sorted(missing):
        problems.append(f"{name}: service {service_name} is missing")
    networks = model.get("networks", {})
    backend = networks.get("backend", {})
    if not backend.get("internal"):
        problems.append(f"{name}: the backend network must be internal (no route out)")
    subnets = [ipaddress.ip_network(c["subnet"]) for c in (backend.get("ipam") or {}).get("config") or [] if "subnet" in c]
    if not subnets:
        problems.append(f"{name}: the backend network needs a fixed subnet (TRUSTED_PROXIES names Caddy's address)")
    caddy_address = None

    for service_name, service in services.items():
        where = f"{name}: {service_name}"
        one_shot = service.get("restart") == "no"
        if service_name == "migrate":
            if not one_shot:
                problems.append(f"{where}: runs once, so restart must be \"no\"")
        elif service.get("restart") != "unless-stopped":
            problems.append(f"{where}: restart must be unless-stopped, not {service.get('restart')!r}")
        attached = set((service.get("networks") or {}).keys())
        if "backend" not in attached:
            problems.append(f"{where}: is not on the backend network")
        # Only Caddy (edge) and the long-running apps (egress) may reach the internet.
        allowed = {"backend"} | ({"edge"} if service_name == "caddy" else set())
        allowed |= {"egress"} if service_name in APPS and service_name != "migrate" else set()
        for network in sorted(attached - allowed):
            problems.append(f"{where}: must not join the {network} network")
        if service_name == "caddy":
            published = {str(port.get("published")) for port in service.get("ports") or []}
            if not published or not published <= {"80", "443"}:
                problems.append(f"{where}: publishes {sorted(published)}; it serves 80 and 443 only")
            caddy_address = ((service.get("networks") or {}).get("backend") or {}).get("ipv4_address")
        elif service.get("ports"):
            problems.append(f"{where}: publishes ports; only caddy may")
        for volume in service.get("volumes") or []:
            if volume.get("type") != "bind":
                continue
            source = volume.get("source", "")
            inside = relative_source(source, directory)
            if source == DOCKER_SOCKET and service_name == "alloy":
                pass
            elif inside not in REPOSITORY_MOUNTS:
                problems.append(f"{where}: mounts {inside or source}, which is none of {sorted(REPOSITORY_MOUNTS)}")
            if not volume.get("read_only"):
                problems.append(f"{where}: mounts {inside or source} writable; it must be read-only")
        if service_name in APPS:
            check_app(service_name, service, problems)

    if caddy_address is None:
        problems.append(f"{name}: caddy needs a fixed address on the backend network")
    elif subnets and not any(ipaddress.ip_address(caddy_address) in subnet for subnet in subnets):
        problems.append(f"{name}: caddy's address {caddy_address} is outside the backend subnet")
    for service_name in APPS:
        proxies = (services.get(service_name, {}).get("environment") or {}).get("TRUSTED_PROXIES") or ""
        if caddy_address and not any(
            ipaddress.ip_address(caddy_address) in ipaddress.ip_network(entry.strip(), strict=False)
            for entry in proxies.split(",")
            if entry.strip()
        ):
            problems.append(f"{name}: {service_name}: TRUSTED_PROXIES ({proxies!r}) does not hold caddy's {caddy_address}")

    prometheus = services.get("prometheus", {})
    if not any(secret.get("source") == "metrics_token" for secret in prometheus.get("secrets") or []):
        problems.append(f"{name}: prometheus needs the metrics_token secret (/run/secrets/metrics_token)")
    if (model.get("secrets") or {}).get("metrics_token", {}).get("environment") != "METRICS_TOKEN":
        problems.append(f"{name}: the metrics_token secret must come from METRICS_TOKEN")


def check_app(service_name, service, problems):
    where = f"{PRODUCTION}: {service_name}"
    env = service.get("environment") or {}
    # Compose merges env_file into the environment it prints: the secrets set only in .env
    # must be there.
    for key in ("SECRET_KEY", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        if env.get(key) != OPERATOR_VALUES[key]:
            problems.append(f"{where}: {key} from .env does not reach it (env_file ../.env)")
    expected = {
        "APP_ENV": "production",
        "HOST": "0.0.0.0",
        "PORT": "8000",
        "METRICS_HOST": "0.0.0.0",
        "METRICS_PORT": "9100",
        "METRICS_TOKEN": OPERATOR_VALUES["METRICS_TOKEN"],
        "REDIS_URL": "redis://redis:6379/0",
    }
    for key, value in expected.items():
        if env.get(key) != value:
            problems.append(f"{where}: {key} is {env.get(key)!r}, expected {value!r}")
    database = env.get("DATABASE_URL") or ""
    if not re.match(r"^postgres://lang_agent:[^@]+@postgres:5432/lang_agent\?sslmode=disable$", database):
        problems.append(f"{where}: DATABASE_URL must be the compose PostgreSQL with sslmode=disable")
    if service_name == "migrate":
        if service.get("command") != ["api-server", "migrate"]:
            problems.append(f"{where}: command must be [\"api-server\", \"migrate\"], not {service.get('command')}")
        return
    if (service.get("depends_on") or {}).get("migrate", {}).get("condition") != "service_completed_successfully":
        problems.append(f"{where}: must wait for migrate to complete successfully")
    if service_name == "bot-poller" and service.get("profiles") != ["polling"]:
        problems.append(f"{where}: runs only in the polling profile")
    if service_name == "api-server":
        domain = OPERATOR_VALUES["BACKEND_DOMAIN"]
        if env.get("TELEGRAM_WEBHOOK_URL") != f"https://{domain}/telegram/webhook":
            problems.append(f"{where}: TELEGRAM_WEBHOOK_URL must default to https://BACKEND_DOMAIN/telegram/webhook")
        if env.get("WEB_DIST_DIR") != "/app/web/dist":
            problems.append(f"{where}: WEB_DIST_DIR must be the image's /app/web/dist")


def check_local(model, problems):
    for service_name, service in model["services"].items():
        for port in service.get("ports") or []:
            if port.get("host_ip") != "127.0.0.1":
                problems.append(f"{LOCAL}: {service_name} publishes {port.get('published')} beyond 127.0.0.1")


def check_settings(api_server, model, problems):
    """Each app's environment, as Compose hands it over, through api-server's own Settings."""
    for service_name in APPS:
        service = model["services"].get(service_name)
        if service is None:
            continue
        env = {key: "" if value is None else str(value) for key, value in (service.get("environment") or {}).items()}
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        with tempfile.TemporaryDirectory() as empty:
            # An empty working directory: no .env of a checkout is read.
            result = subprocess.run(
                [api_server, "openapi"], cwd=empty, env=env, capture_output=True, text=True, check=False
            )
        if result.returncode != 0:
            problems.append(f"{PRODUCTION}: {service_name}: its configuration is refused: {result.stderr.strip()}")


def check(compose, api_server, texts):
    problems = []
    documented = documented_variables()
    for name, text in texts.items():
        for variable in sorted(set(VARIABLE.findall(text)) - documented):
            problems.append(f"{name}: ${{{variable}}} is not documented in .env.example")
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary).resolve()
        lay_out(directory, texts)
        for name in texts:
            model = load(compose, directory, name, problems)
            if model is None:
                continue
            check_common(name, model, problems)
            if name == PRODUCTION:
                check_production(model, directory, problems)
                if api_server:
                    check_settings(api_server, model, problems)
            else:
                check_local(model, problems)
    return problems


# Each break, and a piece of what the check must say about it.
BREAKS = [
    ("a database port published", "    shm_size: 1g\n", "    shm_size: 1g\n    ports: [\"5432:5432\"]\n", "postgres: publishes ports"),
    ("a misspelt key", "    shm_size: 1g\n", "    shm_sise: 1g\n", "shm_sise"),
    ("an unpinned image", "image: redis:7.4-bookworm", "image: redis", "not pinned"),
    ("an undocumented variable", "redis://redis:6379/0", "redis://${REDIS_HOSTNAME}:6379/0", "REDIS_HOSTNAME"),
    ("a healthcheck removed", "      test: [\"CMD\", \"redis-cli\", \"ping\"]\n", "      disable: true\n", "redis: has no healthcheck"),
    ("a restart policy that is not one", "    restart: unless-stopped\n    command: [\"redis-server\"", "    restart: sometimes\n    command: [\"redis-server\"", "restart must be"),
    ("a dependency on nothing", "      loki:\n        condition: service_healthy\n    healthcheck:", "      lokki:\n        condition: service_healthy\n    healthcheck:", "lokki"),
    ("a mount of the wrong file", "../infra/loki/loki.yml:/etc", "../infra/loki/lokii.yml:/etc", "infra/loki/lokii.yml"),
    ("a writable mount", "./Caddyfile:/etc/caddy/Caddyfile:ro", "./Caddyfile:/etc/caddy/Caddyfile", "writable"),
    ("migrations not awaited", "        condition: service_completed_successfully\n", "        condition: service_started\n", "migrate to complete"),
    ("a proxy not trusted", "TRUSTED_PROXIES: 172.28.0.10/32", "TRUSTED_PROXIES: 10.0.0.0/8", "TRUSTED_PROXIES"),
    ("the backend network given a route out", "    internal: true\n", "    internal: false\n", "must be internal"),
    ("PostgreSQL over TLS it does not have", "?sslmode=disable", "?sslmode=require", "sslmode=disable"),
    ("an app setting production refuses", "METRICS_HOST: 0.0.0.0", "METRICS_HOST: 0.0.0.0\n    TELEGRAM_WEBHOOK_SECRET: \"has spaces\"", "configuration is refused"),
]


def self_test(compose, api_server, texts):
    failures = []
    if check(compose, api_server, texts):
        failures.append("the files as they are do not pass, so no break below proves anything")
    for description, old, new, expected in BREAKS:
        if expected == "configuration is refused" and not api_server:
            continue
        production = texts[PRODUCTION]
        if old not in production:
            failures.append(f"{description}: the text to break is gone from {PRODUCTION}: {old!r}")
            continue
        problems = check(compose, api_server, {**texts, PRODUCTION: production.replace(old, new, 1)})
        if not any(expected in problem for problem in problems):
            failures.append(f"{description}: not caught (expected {expected!r} in {problems})")
    return failures, len(BREAKS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compose", required=True, help="a Docker Compose v2 binary")
    parser.add_argument("--api-server", help="an api-server binary, to check each app's configuration")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    texts = {name: (REPO / "docker" / name).read_text() for name in (PRODUCTION, LOCAL)}
    if args.self_test:
        failures, count = self_test(args.compose, args.api_server, texts)
        for failure in failures:
            print(f"self-test: {failure}", file=sys.stderr)
        if failures:
            sys.exit(1)
        print(f"compose check self-test: every one of {count} breaks caught")
        return
    problems = check(args.compose, args.api_server, texts)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{len(texts)} compose files: Docker Compose and the deployment rules OK")


if __name__ == "__main__":
    main()
