#!/usr/bin/env python3
"""Static checks of infra/ that no binary here can make (called by infra/check.sh).

- Grafana: provisioning parsed, data source uids fixed and unique, the dashboards provider
  pointing at /var/lib/grafana/dashboards; every dashboard parsed, its uid unique, every panel
  with targets on a provisioned data source uid.
- Metric names: every metric in a dashboard's PromQL or in an alert/recording rule is one our
  binaries register (read from the Rust source, with the registry prefix and histogram
  suffixes), a recording rule of alerts.yml, or one Prometheus makes itself (`up`); every
  label a query matches on, groups by or shows in a legend is one of those metrics' labels
  (or `job`/`instance`, `le` on buckets); no metric of ours uses a label Prometheus reserves.
- Dashboard queries parsed by promtool (`--promtool`), Grafana's interval macros substituted.
- Every route a rule or query names in a `route` matcher is one api-server registers (so the
  p99 alert's list of slow routes cannot drift from the code).
- Loki queries use only the labels the agent sets (`service`, `level`).
- Prometheus: the scrape jobs and token file of the deployment contract; every alert with
  `for`, severity, summary, description and its runbook anchor (and, when docs/operations.md
  exists, a `### <AlertName>` section there).
- Loki: retention enforced by the compactor; Alloy: only `service` and `level` as labels, and
  only the containers of docker/docker-compose.yml's project.

Usage: check_infra.py REPO_ROOT [--infra DIR] [--promtool PATH]   (DIR defaults to REPO_ROOT/infra;
with PATH, every dashboard query is also parsed by promtool)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

CONTRACT_ALERTS = {
    "HighErrorRate",
    "HighLatencyP99",
    "LlmCostPerDay",
    "InboxBacklog",
    "OutboxBacklog",
    "NotifierLag",
    "TargetDown",
}
SCRAPED_SERVICES = {"api-server", "notifier", "bot-poller"}
TOKEN_FILE = "/run/secrets/metrics_token"
LOKI_LABELS = {"service", "level"}
# Made by Prometheus itself for every target.
PROMETHEUS_BUILTINS = {name: {"job", "instance"} for name in ("up", "scrape_duration_seconds", "scrape_samples_scraped")}
# The prometheus crate's process collector (api-server registers it), before the prefix.
PROCESS_COLLECTOR = {
    "process_cpu_seconds_total",
    "process_open_fds",
    "process_max_fds",
    "process_virtual_memory_bytes",
    "process_resident_memory_bytes",
    "process_start_time_seconds",
    "process_threads",
}
PROMQL_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "bool", "inf", "nan", "Inf", "NaN",
}

errors: list[str] = []


def fail(message: str) -> None:
    errors.append(message)


# ----------------------------------------------------------------------------- Rust metrics

REGISTRATION = re.compile(
    r"""(?:
        (?P<histogram>HistogramOpts)::new |
        Opts::new |
        (?:IntGauge|IntCounter|Gauge|Counter|Histogram)::new |
        \bcounter_vec\(\s*registry\s*, |
        \bgauge\(\s*registry\s*,
    )\s*\(?\s*"(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    """,
    re.VERBOSE,
)
# Labels Prometheus attaches or reserves: a metric of ours carrying one would be renamed
# (`exported_job`) or broken at scrape time.
RESERVED_LABELS = {"job", "instance", "le", "quantile"}
TARGET_LABELS = {"job", "instance"}


def registration_statement(text: str, start: int) -> str:
    """The rest of a registration statement: up to the first `?` outside a string literal."""
    in_string = escaped = False
    for i in range(start, min(len(text), start + 2000)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "?":
            return text[start:i]
    return text[start : start + 2000]


def exported_metrics(root: Path) -> tuple[dict[str, set[str]], str]:
    """Every full metric name the binaries can export with its label names, and the prefix."""
    prefixes = set()
    plain: dict[str, set[str]] = {}
    histograms: dict[str, set[str]] = {}
    sources = [p for base in ("crates", "bins") for p in (root / base).rglob("*.rs") if "/tests/" not in str(p)]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        prefixes.update(re.findall(r'Registry::new_custom\(\s*Some\(\s*"([a-z_]+)"', text))
        for match in REGISTRATION.finditer(text):
            statement = registration_statement(text, match.end())
            label_list = re.search(r"&\[([^\]]*)\]", statement)
            labels = set(re.findall(r'"([^"]+)"', label_list.group(1))) if label_list else set()
            name = match.group("name")
            for label in sorted(labels & RESERVED_LABELS | {l for l in labels if l.startswith("__")}):
                fail(f"{path.relative_to(root)}: metric {name} has the label `{label}`, which Prometheus reserves")
            (histograms if match.group("histogram") else plain).setdefault(name, set()).update(labels)
    if len(prefixes) != 1:
        fail(f"expected one registry prefix in the Rust source, found {sorted(prefixes)}")
        return {}, ""
    prefix = prefixes.pop() + "_"
    if not plain or not histograms:
        fail("no metric registrations found in the Rust source: the patterns in check_infra.py are stale")
    names = {prefix + n: labels | TARGET_LABELS for n, labels in plain.items()}
    names.update({prefix + n: set(TARGET_LABELS) for n in PROCESS_COLLECTOR})
    for h, labels in histograms.items():
        names[prefix + h + "_bucket"] = labels | TARGET_LABELS | {"le"}
        names[prefix + h + "_sum"] = labels | TARGET_LABELS
        names[prefix + h + "_count"] = labels | TARGET_LABELS
    return names, prefix


def without_strings(expr: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)


GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")


def promql_metric_names(expr: str) -> set[str]:
    """Metric names an expression selects (functions, keywords and label names left out)."""
    s = without_strings(expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = GROUPING.sub(" ", s)
    names = set()
    for match in re.finditer(r"(?<![\w.$:])([A-Za-z_:][\w:]*)(\s*\()?", s):
        name, call = match.group(1), match.group(2)
        if call or name in PROMQL_KEYWORDS:
            continue
        names.add(name)
    return names


def check_expr(where: str, expr: str, known: dict[str, set[str]], legend: str | None = None) -> None:
    """The metrics an expression names exist, and so do the labels it matches, groups by and
    shows in its legend (a misspelt label selects nothing, silently)."""
    found = promql_metric_names(expr)
    if not found:
        fail(f"{where}: no metric in `{expr}`")
    for name in sorted(found - known.keys()):
        fail(f"{where}: metric `{name}` is not exported by any binary (nor a recording rule)")
    s = without_strings(expr)
    for name, matchers in re.findall(r"([A-Za-z_:][\w:]*)\s*\{([^}]*)\}", s):
        if name not in known:
            continue
        for label in re.findall(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)", matchers):
            if label not in known[name]:
                fail(f"{where}: `{name}` has no label `{label}` (it has {sorted(known[name])})")
    available = set().union(*(known.get(n, set()) for n in found)) if found else set()
    for group in GROUPING.findall(s):
        for label in filter(None, (part.strip() for part in group.split(","))):
            if label not in available:
                fail(f"{where}: grouping by `{label}`, which none of {sorted(found)} has")
    for label in re.findall(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", legend or ""):
        if label not in available:
            fail(f"{where}: the legend shows `{label}`, which none of {sorted(found)} has")


def api_routes(root: Path) -> set[str]:
    """The route templates api-server registers (the `route` label's values), as written in
    its source: every string literal under crates/api/src that looks like a path."""
    routes = {"unmatched"}
    for path in (root / "crates/api/src").rglob("*.rs"):
        routes.update(re.findall(r'"(/[A-Za-z0-9_{}./:*-]*)"', path.read_text(encoding="utf-8")))
    return routes


def check_route_matchers(where: str, expr: str, routes: set[str]) -> None:
    """Routes an expression names (`route="…"`, or the plain alternatives of `route=~"…"`)
    exist, so a renamed route does not silently fall out of an alert's filter. Alternatives
    with a wildcard (`/api/media/.*`) are patterns, not names, and are left alone."""
    for value in re.findall(r'\broute\s*(?:=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"', expr):
        value = re.sub(r"\\+([{}])", r"\1", value)
        for route in expand_groups(value):
            if re.search(r"[*+?\[\]()\\]", route):
                continue
            if route not in routes:
                fail(f"{where}: route `{route}` is not one api-server registers")


def expand_groups(pattern: str) -> list[str]:
    """`/a|/b/(c|d)` → ['/a', '/b/c', '/b/d'] (one level of groups, as our rules use)."""
    out = []
    depth, start, parts = 0, 0, []
    for i, ch in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    for part in parts:
        group = re.search(r"\(([^()]*)\)", part)
        if group:
            out += [part[: group.start()] + choice + part[group.end() :] for choice in group.group(1).split("|")]
        else:
            out.append(part)
    return out


def recording_labels(expr: str) -> set[str]:
    """The labels a recording rule's series keep: its grouping labels (`le` is consumed by
    histogram_quantile), or none for a plain sum."""
    return {
        label.strip()
        for group in re.findall(r"\bby\s*\(([^)]*)\)", without_strings(expr))
        for label in group.split(",")
        if label.strip() and label.strip() != "le"
    }


# ----------------------------------------------------------------------------- Prometheus


def check_prometheus(infra: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Returns the recording rules (with the labels their series keep) and the alert names."""
    config = yaml.safe_load((infra / "prometheus/prometheus.yml").read_text())
    if "alerts.yml" not in (config.get("rule_files") or []):
        fail("prometheus.yml: rule_files must load alerts.yml")
    if config.get("global", {}).get("scrape_interval") != "15s":
        fail("prometheus.yml: the scrape interval is 15s")
    jobs = {job["job_name"]: job for job in config.get("scrape_configs", [])}
    for service in SCRAPED_SERVICES:
        job = jobs.get(service)
        if job is None:
            fail(f"prometheus.yml: no scrape job for {service}")
            continue
        auth = job.get("authorization", {})
        if auth.get("type") != "Bearer" or auth.get("credentials_file") != TOKEN_FILE:
            fail(f"prometheus.yml: {service} must send METRICS_TOKEN from {TOKEN_FILE}")
        targets = [f"{n}:{sd.get('port')}" for sd in job.get("dns_sd_configs", []) for n in sd.get("names", [])]
        targets += [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
        if f"{service}:9100" not in targets:
            fail(f"prometheus.yml: {service} must be scraped on port 9100, found {targets}")

    rules = yaml.safe_load((infra / "prometheus/alerts.yml").read_text())
    records: dict[str, set[str]] = {}
    alerts: list[str] = []
    all_records = {r["record"] for g in rules.get("groups", []) for r in g.get("rules", []) if "record" in r}
    for group in rules.get("groups", []):
        earlier: set[str] = set()
        for rule in group.get("rules", []):
            # A rule reading a recording rule from another group, or from later in its own,
            # reads the previous evaluation's value (and promtool's tests flake on it).
            for used in sorted(promql_metric_names(rule.get("expr", "")) & all_records - earlier):
                fail(f"alerts.yml: {rule.get('alert') or rule.get('record')} reads {used}, "
                     "which must come before it in the same group")
            if "record" in rule:
                records[rule["record"]] = recording_labels(rule["expr"])
                earlier.add(rule["record"])
                continue
            name = rule.get("alert", "?")
            alerts.append(name)
            if not rule.get("for"):
                fail(f"alert {name}: no `for:`")
            if rule.get("labels", {}).get("severity") not in {"critical", "warning"}:
                fail(f"alert {name}: severity must be critical or warning")
            annotations = rule.get("annotations", {})
            for key in ("summary", "description"):
                if not annotations.get(key):
                    fail(f"alert {name}: no {key}")
            if annotations.get("runbook") != f"docs/operations.md#{name.lower()}":
                fail(f"alert {name}: runbook must be docs/operations.md#{name.lower()}")
    missing = CONTRACT_ALERTS - set(alerts)
    if missing:
        fail(f"alerts.yml: missing alerts {sorted(missing)}")
    if len(alerts) != len(set(alerts)):
        fail("alerts.yml: an alert name is used twice")
    return records, alerts


def check_runbook(root: Path, alerts: list[str]) -> None:
    runbook = root / "docs/operations.md"
    if not runbook.exists():
        print("  (docs/operations.md absent: runbook sections not checked)")
        return
    headings = set(re.findall(r"^### (\S+)\s*$", runbook.read_text(encoding="utf-8"), re.MULTILINE))
    for alert in alerts:
        if alert not in headings:
            fail(f"docs/operations.md: no `### {alert}` section for the alert's runbook link")


def rule_exprs(infra: Path):
    rules = yaml.safe_load((infra / "prometheus/alerts.yml").read_text())
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            yield rule.get("alert") or rule.get("record"), rule["expr"]


# ----------------------------------------------------------------------------- Grafana


# Grafana's interval variables, replaced by a typical value so promtool can parse the query.
GRAFANA_MACROS = {"$__rate_interval": "1m", "$__interval": "30s", "$__range": "1h", "${__range}": "1h"}


def as_promql(where: str, expr: str) -> str:
    for macro, value in GRAFANA_MACROS.items():
        expr = expr.replace(macro, value)
    if "$" in expr:
        fail(f"{where}: a dashboard variable this check does not know (the dashboards define none): `{expr}`")
    return expr


def check_grafana(infra: Path, known: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Returns every Prometheus query of the dashboards (where, PromQL), for promtool."""
    queries: list[tuple[str, str]] = []
    sources = yaml.safe_load((infra / "grafana/provisioning/datasources/datasources.yml").read_text())
    by_uid = {}
    for ds in sources.get("datasources", []):
        uid = ds.get("uid")
        if not uid:
            fail(f"datasources.yml: {ds.get('name')} has no fixed uid")
        elif uid in by_uid:
            fail(f"datasources.yml: uid {uid} used twice")
        by_uid[uid] = ds
    expected_urls = {"prometheus": "http://prometheus:9090", "loki": "http://loki:3100"}
    for kind, url in expected_urls.items():
        if not any(ds.get("type") == kind and ds.get("url") == url for ds in by_uid.values()):
            fail(f"datasources.yml: no {kind} data source at {url}")

    providers = yaml.safe_load((infra / "grafana/provisioning/dashboards/dashboards.yml").read_text())
    paths = [p.get("options", {}).get("path") for p in providers.get("providers", [])]
    if paths != ["/var/lib/grafana/dashboards"]:
        fail(f"dashboards.yml: the provider must read /var/lib/grafana/dashboards, reads {paths}")

    files = sorted((infra / "grafana/dashboards").glob("*.json"))
    if len(files) < 4:
        fail(f"expected the four dashboards (api, bot, llm, learning), found {[f.name for f in files]}")
    uids: dict[str, str] = {}
    for path in files:
        board = json.loads(path.read_text(encoding="utf-8"))
        uid = board.get("uid")
        if not uid or len(uid) > 40:
            fail(f"{path.name}: a uid of 1-40 characters is required")
        elif uid in uids:
            fail(f"{path.name}: uid {uid} is also {uids[uid]}'s")
        uids[uid] = path.name
        if not board.get("title"):
            fail(f"{path.name}: no title")
        panel_ids = set()
        panels = [p for p in board.get("panels", [])]
        panels += [inner for p in board.get("panels", []) for inner in p.get("panels", [])]
        if not any(p.get("type") != "row" for p in panels):
            fail(f"{path.name}: no panels")
        for panel in panels:
            pid = panel.get("id")
            if pid in panel_ids:
                fail(f"{path.name}: panel id {pid} used twice")
            panel_ids.add(pid)
            if panel.get("type") == "row":
                continue
            where = f"{path.name} / {panel.get('title')!r}"
            targets = panel.get("targets") or []
            if not targets:
                fail(f"{where}: no targets")
            panel_source = (panel.get("datasource") or {}).get("uid")
            if panel_source is not None and panel_source not in by_uid:
                fail(f"{where}: the panel's data source uid {panel_source!r} is not provisioned")
            for target in targets:
                target_source = (target.get("datasource") or {}).get("uid")
                if panel_source and target_source and target_source != panel_source:
                    fail(f"{where}: a target on {target_source!r} in a panel on {panel_source!r}")
            for target in targets:
                ds = target.get("datasource") or panel.get("datasource") or {}
                source = by_uid.get(ds.get("uid"))
                if source is None:
                    fail(f"{where}: data source uid {ds.get('uid')!r} is not provisioned")
                    continue
                if ds.get("type") != source.get("type"):
                    fail(f"{where}: data source type {ds.get('type')} does not match {source.get('type')}")
                expr = (target.get("expr") or "").strip()
                if not expr:
                    fail(f"{where}: a target without an expression")
                elif source["type"] == "prometheus":
                    check_expr(where, expr, known, target.get("legendFormat"))
                    queries.append((where, as_promql(where, expr)))
                elif source["type"] == "loki":
                    check_loki_query(where, expr)
    return queries


def parse_with_promtool(promtool: str, queries: list[tuple[str, str]]) -> None:
    """Prometheus's own parser on every dashboard query: each becomes a recording rule of a
    scratch rule file that `promtool check rules` loads (a missing parenthesis, a misplaced
    `by`, a range where a vector belongs fail here, not on a blank panel)."""
    rules = [{"record": f"dashboard_query:{i}", "expr": expr} for i, (_, expr) in enumerate(queries)]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "dashboard_queries.yml"
        path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
        run = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    if run.returncode != 0:
        output = run.stdout + run.stderr
        for i, (where, expr) in enumerate(queries):
            # promtool names a failing rule by its record (`rule 22, "dashboard_query:21"`).
            if re.search(rf"dashboard_query:{i}\b", output):
                fail(f"{where}: promtool cannot parse `{expr}`")
        fail(f"promtool refused the dashboard queries:\n{output.strip()}")


def check_loki_query(where: str, expr: str) -> None:
    selectors = re.findall(r"\{([^}]*)\}", expr)
    if not selectors:
        fail(f"{where}: a Loki query without a stream selector")
    for selector in selectors:
        for label in re.findall(r"([A-Za-z_][\w]*)\s*(?:=~|!~|!=|=)", selector):
            if label not in LOKI_LABELS:
                fail(f"{where}: Loki label `{label}` does not exist (the agent sets only service and level)")


# ----------------------------------------------------------------------------- Loki, Alloy


def duration_hours(text: str) -> float:
    units = {"h": 1, "d": 24, "w": 168, "m": 1 / 60}
    match = re.fullmatch(r"(\d+)([hdwm])", str(text))
    return int(match.group(1)) * units[match.group(2)] if match else 0


def check_loki(infra: Path) -> None:
    loki = yaml.safe_load((infra / "loki/loki.yml").read_text())
    compactor = loki.get("compactor", {})
    if compactor.get("retention_enabled") is not True:
        fail("loki.yml: compactor.retention_enabled must be true, or retention is never enforced")
    if not compactor.get("delete_request_store"):
        fail("loki.yml: retention needs compactor.delete_request_store")
    hours = duration_hours(loki.get("limits_config", {}).get("retention_period", ""))
    if hours < 24:
        fail("loki.yml: limits_config.retention_period must be at least 24h")
    schemas = loki.get("schema_config", {}).get("configs", [])
    if not schemas or schemas[-1].get("store") != "tsdb" or schemas[-1].get("object_store") != "filesystem":
        fail("loki.yml: the current schema must be tsdb on the filesystem")
    if loki.get("server", {}).get("http_listen_port") != 3100:
        fail("loki.yml: Loki listens on 3100 (http://loki:3100)")


def check_alloy(infra: Path) -> None:
    text = (infra / "alloy/config.alloy").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", text)
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)
    depth = 0
    for ch in code:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        fail("config.alloy: unbalanced braces")
    keep = re.search(r"stage\.label_keep\s*\{\s*values\s*=\s*\[([^\]]*)\]", text)
    kept = set(re.findall(r'"([^"]+)"', keep.group(1))) if keep else set()
    if kept != LOKI_LABELS:
        fail(f"config.alloy: stage.label_keep must keep exactly service and level, keeps {sorted(kept)}")
    if 'url = "http://loki:3100/loki/api/v1/push"' not in text:
        fail("config.alloy: must push to http://loki:3100/loki/api/v1/push")
    if "unix:///var/run/docker.sock" not in text:
        fail("config.alloy: must read containers through the Docker socket")
    compose = infra.parent / "docker/docker-compose.yml"
    if compose.exists():
        project = (yaml.safe_load(compose.read_text()) or {}).get("name")
        if f'values = ["com.docker.compose.project={project}"]' not in text:
            fail(f"config.alloy: discovery must keep the compose project `{project}` (docker-compose.yml's name)")


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    root = Path(args[0]).resolve()
    promtool = args[args.index("--promtool") + 1] if "--promtool" in args else None
    infra = Path(args[args.index("--infra") + 1]).resolve() if "--infra" in args else root / "infra"
    exported, prefix = exported_metrics(root)
    records, alerts = check_prometheus(infra)
    known = {**exported, **records, **PROMETHEUS_BUILTINS}
    routes = api_routes(root)
    for name, expr in rule_exprs(infra):
        check_expr(f"alerts.yml / {name}", expr, known)
        check_route_matchers(f"alerts.yml / {name}", expr, routes)
    check_runbook(root, alerts)
    queries = check_grafana(infra, known)
    for where, expr in queries:
        check_route_matchers(where, expr, routes)
    if promtool:
        parse_with_promtool(promtool, queries)
    else:
        print("  (no --promtool: dashboard queries not parsed by Prometheus's parser)")
    check_loki(infra)
    check_alloy(infra)
    if errors:
        for message in errors:
            print(f"  FAIL {message}")
        print(f"{len(errors)} problem(s) in infra/")
        return 1
    print(f"  {len(exported)} exported metric names ({prefix}*), {len(records)} recording rules, "
          f"{len(alerts)} alerts, dashboards and provisioning: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
