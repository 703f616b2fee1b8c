"""Validates compose files without a Docker engine (docker/check.sh runs it).

1. The compose specification's JSON schema (from the docker-compose package on PyPI), after
   `${VAR}` interpolation from the given .env, widened only for keys the specification gained
   since that schema was published (`secrets.<name>.environment`).
2. This project's rules: every long-running service has a healthcheck; in production only
   Caddy publishes ports; images are pinned to a version; files and directories mounted from
   the repository exist; depends_on, networks, volumes and secrets refer to what is declared;
   every variable the file reads is documented in .env.example.
Exits 1 listing every problem.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

import jsonschema
import yaml

# One `${NAME}`, `${NAME:-default}`, `${NAME-default}` or `${NAME:?message}` holding no other
# (nested ones are replaced innermost first).
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}$]*)?\}")
NAME = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")


def parse_env(path):
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def documented_variables(example):
    """Every NAME in .env.example, set or commented out (`# NAME=`)."""
    names = set()
    for line in Path(example).read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z_][A-Z0-9_]*)=", line.strip())
        if match:
            names.add(match.group(1))
    return names


def interpolate(text, env, problems, file):
    def replace(match):
        whole = match.group(0)
        name = match.group(1)
        # `-` without `:` keeps a value set to empty; `:-` replaces it too.
        if name in env and (env[name] != "" or re.match(r"\$\{[A-Z0-9_]+-", whole)):
            return env[name]
        default = re.match(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", whole)
        if default:
            return default.group(1)
        if re.match(r"\$\{[A-Z0-9_]+:?\?", whole):
            problems.append(f"{file}: {name} is required and the example .env does not set it")
        return ""

    text = text.replace("$$", "\0")
    while True:
        replaced = VARIABLE.sub(replace, text)
        if replaced == text:
            return replaced.replace("\0", "$")
        text = replaced


def widen(schema):
    """Keys the specification gained after the schema we have was published."""
    schema["properties"].setdefault("name", {"type": "string"})
    secret = schema["definitions"]["secret"]["properties"]
    secret.setdefault("environment", {"type": "string"})
    return schema


def check(path, schema, env, documented, problems):
    file = Path(path)
    raw = file.read_text()
    for name in sorted(set(NAME.findall(raw))):
        if name not in documented:
            problems.append(f"{path}: ${{{name}}} is not documented in .env.example")
    document = yaml.safe_load(interpolate(raw, env, problems, path))
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path)
        problems.append(f"{path}: schema: {where}: {error.message}")
    production = file.name == "docker-compose.yml"
    services = document.get("services", {})
    declared = {kind: set((document.get(kind) or {}).keys()) for kind in ("networks", "volumes", "secrets")}
    for name, service in services.items():
        image = service.get("image", "")
        own = image.startswith(env.get("IMAGE_PREFIX") or "ghcr.io/lang-agent/")
        tag = image.rsplit(":", 1)[-1] if ":" in image.split("/")[-1] else ""
        # Ours are deployed by commit tag (IMAGE_TAG); everyone else's must name a version.
        if not own and (not tag or tag == "latest"):
            problems.append(f"{path}: {name}: image {image!r} is not pinned to a version")
        one_shot = service.get("restart") == "no"
        health = service.get("healthcheck", {})
        if not one_shot and (not health or health.get("disable")):
            problems.append(f"{path}: {name} has no healthcheck")
        if production and service.get("ports") and name != "caddy":
            problems.append(f"{path}: {name} publishes ports; only caddy may")
        for dependency in service.get("depends_on") or {}:
            if dependency not in services:
                problems.append(f"{path}: {name} depends on unknown service {dependency}")
        networks = service.get("networks") or []
        for network in networks if isinstance(networks, list) else networks.keys():
            if network not in declared["networks"]:
                problems.append(f"{path}: {name} uses undeclared network {network}")
        for secret in service.get("secrets") or []:
            if (secret if isinstance(secret, str) else secret.get("source")) not in declared["secrets"]:
                problems.append(f"{path}: {name} uses undeclared secret {secret}")
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith((".", "/")):
                if source.startswith("/var/run/docker.sock"):
                    continue
                if not (file.parent / source).resolve().exists():
                    problems.append(f"{path}: {name} mounts {source}, which does not exist")
            elif source and source not in declared["volumes"]:
                problems.append(f"{path}: {name} uses undeclared volume {source}")
        env_file = service.get("env_file")
        if production and name != "migrate" and env_file is None and name in ("api-server", "notifier", "bot-poller"):
            problems.append(f"{path}: {name} takes no env_file: secrets come only from .env")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--env-file", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    schema = widen(json.loads(Path(args.schema).read_text()))
    env = {**parse_env(args.env_file)}
    documented = documented_variables(Path(__file__).resolve().parent.parent / ".env.example")
    problems = []
    for path in args.files:
        check(path, schema, env, documented, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{len(args.files)} compose files: schema and rules OK")


if __name__ == "__main__":
    main()
