"""Turns a run directory of bench/run.sh into the results table.

  report.py line RESULTS_JSONL          one line about the latest endpoint (while the run goes)
  report.py report RUN_DIR --results DIR [--docs docs/performance.md]

`report` writes DIR/<run id>[-label].md and .json, replaces the block between
<!-- bench:begin --> and <!-- bench:end --> in --docs (creating the file with a title when it
does not exist; nothing outside the markers changes), prints the tables, and exits 1 when an
endpoint answered more than 0.1 % of its requests with an error. Standard library only.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone

ORDER = ["queue", "review", "session", "decks", "streak", "me", "cards", "search", "webhook", "webhook-rate"]
ERROR_LIMIT = 0.001
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
BACKEND_TITLE = {"pg": "PostgreSQL (Redis cache and rate limits)", "sqlite": "SQLite (in-process cache)"}


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ms(us):
    if us is None:
        return "–"
    value = us / 1000.0
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def thousands(n, digits=0):
    return f"{n:,.{digits}f}".replace(",", " ")


def summarise(entry, pgbench_tps):
    """Derived figures of one endpoint's wrk result."""
    wrk = entry.get("wrk") or {}
    requests = wrk.get("requests", 0)
    seconds = wrk.get("duration_us", 0) / 1e6
    socket = sum(wrk.get(k, 0) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    status = wrk.get("status_errors", 0)
    rps = requests / seconds if seconds else 0.0
    statements = entry.get("statements")
    return {
        "requests": requests,
        "rps": rps,
        "ratio": rps / pgbench_tps if pgbench_tps else None,
        "p50_us": (wrk.get("latency_us") or {}).get("p50"),
        "p99_us": (wrk.get("latency_us") or {}).get("p99"),
        "non_2xx": status,
        "socket_errors": socket,
        "error_rate": (status + socket) / requests if requests else 1.0,
        "statements_per_request": per_request(statements, requests),
        "rss_peak_kb": entry.get("rss_peak_kb"),
        "server_cpu_ms_per_request": per_request(entry.get("server_cpu_ms"), requests),
        "pg_cpu_ms_per_request": per_request(entry.get("pg_cpu_ms"), requests),
        "machine_cpu_ms_per_request": per_request(entry.get("machine_busy_ms"), requests),
        "machine_busy": busy_share(entry.get("machine_busy_ms"), entry.get("wall_ms")),
    }


def busy_share(busy_ms, wall_ms):
    """The share of all the machine's cores that was busy during the run (1.0: saturated)."""
    return busy_ms / (wall_ms * os.cpu_count()) if (busy_ms is not None and wall_ms) else None


def per_request(total, requests):
    return total / requests if (total is not None and requests) else None


def cpu(value):
    return "–" if value is None else f"{value:.2f} ms"


def machine_cpu(s):
    value, busy = s["machine_cpu_ms_per_request"], s["machine_busy"]
    if value is None or busy is None:
        return "–"
    # /proc/stat samples the scheduler tick, which an idle core stops: on a mostly idle machine
    # it misses the short bursts a request is made of (per-process times are exact).
    if busy < 0.3:
        return f"– ({busy * 100:.0f} % busy)"
    return f"{value:.2f} ms ({busy * 100:.0f} % busy)"


def line(path):
    entries = read_jsonl(path)
    if not entries:
        return
    e = entries[-1]
    s = summarise(e, 0)
    spr = s["statements_per_request"]
    errors = s["non_2xx"] + s["socket_errors"]
    flag = f"  \033[1;31m{errors} ERRORS\033[0m" if errors else ""
    server, pg = s["server_cpu_ms_per_request"], s["pg_cpu_ms_per_request"]
    print(f"    {e['request']:<44} {s['rps']:9.0f} req/s  p50 {ms(s['p50_us']):>9}  p99 {ms(s['p99_us']):>9}"
          f"  {'' if spr is None else f'{spr:.1f} stmt/req'}"
          f"  {'' if server is None else f'CPU/req: server {server:.2f} ms'}"
          f"{'' if pg is None else f', PostgreSQL {pg:.2f} ms'}"
          f"{'' if s['machine_cpu_ms_per_request'] is None else f', machine {machine_cpu(s)}'}{flag}")


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:  # the report must not fail on a missing tool
        return ""


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        pass
    redis = re.search(r"redis_version:(\S+)", run(["redis-cli", "INFO", "server"]) or "")
    os_name = ""
    try:
        with open("/etc/os-release") as f:
            m = re.search(r'PRETTY_NAME="([^"]+)"', f.read())
            os_name = m.group(1) if m else ""
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": os_name,
        "postgresql": run(["psql", "-X", "-At", "-d", "postgres", "-c", "SHOW server_version"]),
        "redis": redis.group(1) if redis else "",
        "sqlite": run(["sqlite3", "--version"]).split(" ")[0],
        "wrk": run(["sh", "-c", "wrk --version 2>&1 | head -1"]).split(" [")[0],
    }


def markdown(meta, mach, results, backends, result_file):
    tps = meta["pgbench_tps"]
    when = datetime.strptime(meta["run_id"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    seed = meta["seed"]
    out = []
    label = f" — label `{meta['label']}`" if meta.get("label") else ""
    out.append(f"### Run {when:%Y-%m-%d %H:%M} UTC, commit `{meta['commit']}`{label}")
    out.append("")
    out.append(f"- Machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram_gib']} GiB RAM, {mach['os']}, "
               f"kernel {mach['kernel']}; PostgreSQL {mach['postgresql']}, Redis {mach['redis']}, "
               f"SQLite {mach['sqlite']}, {mach['wrk']}. Load generator on the same machine.")
    timeout = f" --timeout {meta['wrk_timeout']}" if meta.get("wrk_timeout") else ""
    out.append(f"- Load: `wrk -t{meta['threads']} -c{meta['connections']} -d{meta['duration']}{timeout} --latency` per "
               f"endpoint after {meta['warmup']} of warm-up; each request from the next of "
               f"{meta['token_users']} seeded users (own token, own cards); reviews with a fresh "
               f"`client_review_id`, random card and rating.")
    out.append(f"- api-server: release build, `WORKERS={meta['workers']}`, "
               f"`DATABASE_MAX_CONNECTIONS={meta['database_max_connections']}`, `LOG_LEVEL=warn`, rate limits on "
               f"({meta['rate_limits']['ip_per_minute']}/min per address, {meta['rate_limits']['user_per_minute']}/min "
               f"per user, never reached). PostgreSQL: {meta['pg_settings']}.")
    pg_time = f", seeded in {seed['pg_seconds']} s" if seed.get("pg_seconds") else ""
    sqlite_scale = seed.get("sqlite_scale", "1")
    sqlite_note = "the same data" if str(sqlite_scale) in ("1", "1.0") else f"{sqlite_scale} of it (SQLITE_SCALE)"
    sqlite_time = f", seeded in {seed['sqlite_seconds']} s" if seed.get("sqlite_seconds") else ""
    out.append(f"- Data: {thousands(seed['users'])} users, {thousands(seed['users'] * seed['cards_per_user'])} cards, "
               f"progress on ~{seed['progress_pct']} % of them, {thousands(seed['reviews'])} reviews "
               f"(PostgreSQL{pg_time}); SQLite holds {sqlite_note}{sqlite_time}. Every run starts from a copy of the seed.")
    floor = f"**{thousands(meta['pgbench_tps_before'])} tps** (latency average {meta['pgbench_latency_ms']} ms)"
    if meta.get("pgbench_tps_after"):
        after = meta["pgbench_tps_after"]
        floor = (f"{thousands(meta['pgbench_tps_before'])} tps before the load, {thousands(after)} after it; "
                 f"the ratios use the mean, **{thousands(tps)} tps**")
        drift = abs(after - meta["pgbench_tps_before"]) / max(tps, 1)
        if drift > 0.15:
            floor += f" (they differ by {drift * 100:.0f} %: the machine was busy with something else)"
    out.append(f"- Floor: `pgbench -S -c {meta['connections']} -j {meta['threads']} -T "
               f"{meta['duration'].rstrip('s')}` (scale {meta['pgbench_scale']}): {floor}.")
    out.append("")
    for backend in ("pg", "sqlite"):
        rows = [r for r in results if r.get("backend") == backend]
        if not rows:
            continue
        info = backends.get(backend, {})
        out.append(f"#### {BACKEND_TITLE[backend]}")
        out.append("")
        out.append("| endpoint | requests/s | × pgbench | p50 | p99 | non-2xx | statements/request "
                   "| CPU/request: api-server | CPU/request: PostgreSQL | CPU/request: whole machine |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows.sort(key=lambda r: ORDER.index(r["endpoint"]) if r["endpoint"] in ORDER else 99)
        for r in rows:
            if r.get("skipped"):
                out.append(f"| `{r['request']}` | skipped ({r['skipped']}) | | | | | | | | |")
                continue
            s = r["summary"]
            errors = f"{s['non_2xx']}"
            if s["socket_errors"]:
                errors += f" + {s['socket_errors']} timeouts/socket errors"
            if s["non_2xx"] or s["socket_errors"]:
                errors = f"**{errors}** ({s['error_rate'] * 100:.2f} %)"
            if r.get("preflight_status") and not str(r["preflight_status"]).startswith("2"):
                errors += f" (preflight {r['preflight_status']})"
            spr = "n/a" if backend == "sqlite" else (
                "–" if s["statements_per_request"] is None else f"{s['statements_per_request']:.1f}")
            ratio = "–" if s["ratio"] is None else f"{s['ratio']:.2f}"
            if r["endpoint"] == "webhook-rate":
                ratio = "(fixed rate)"
            pg_cpu = "n/a" if backend == "sqlite" else cpu(s["pg_cpu_ms_per_request"])
            out.append(f"| `{r['request']}` | {thousands(s['rps'])} | {ratio} | {ms(s['p50_us'])} | "
                       f"{ms(s['p99_us'])} | {errors} | {spr} | {cpu(s['server_cpu_ms_per_request'])} | {pg_cpu} | {machine_cpu(s)} |")
        peaks = [r["summary"]["rss_peak_kb"] for r in rows if not r.get("skipped") and r["summary"]["rss_peak_kb"]]
        idle = info.get("rss_idle_kb")
        rss = f"idle {idle / 1024:.1f} MB" if idle else "idle –"
        rss += f", peak {max(peaks) / 1024:.1f} MB under load" if peaks else ""
        ready = f"; ready {info['ready_ms']} ms after start" if info.get("ready_ms") is not None else ""
        out.append("")
        out.append(f"api-server RSS: {rss}{ready}.")
        out.append("")
    out.append("Targets (docs: ops spec, \"Performance targets\"): study-loop reads ≥ 0.6 × pgbench with p99 ≤ 25 ms, "
               "a review ≥ 0.3 × pgbench with p99 ≤ 40 ms; RSS ≤ 30 MB idle, ≤ 60 MB under load. "
               "Statements per request count every statement the server sent to PostgreSQL "
               "(pg_stat_statements, BEGIN/COMMIT included) divided by completed requests. CPU per request is "
               "the user + system time the api-server process, and the PostgreSQL cluster's processes "
               "together, used during the measured run (/proc), divided by completed requests: steadier "
               "than requests/s when the machine is shared. The whole machine's is every core's busy time "
               "(/proc/stat: the api-server, the database, Redis and the load generator) per request, and the "
               "share of all cores that was busy: at 100 % the machine serves at most "
               "cores × 1 000 / that figure requests a second, whichever side a change makes cheaper. "
               "It is left out below 30 % busy: /proc/stat counts on the scheduler tick, which an idle "
               "core stops, and misses short bursts of work.")
    if result_file:
        out.append("")
        out.append(f"Full result: `bench/results/{result_file}`; reproduce with `bash bench/run.sh` (bench/README.md).")
    return "\n".join(out) + "\n"


def update_docs(path, block):
    body = f"{BEGIN}\n{block}{END}"
    if not os.path.exists(path):
        text = f"# Performance\n\n{body}\n"
    else:
        with open(path) as f:
            text = f.read()
        if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
            start = text.index(BEGIN)
            end = text.index(END) + len(END)
            text = text[:start] + body + text[end:]
        else:
            text = text.rstrip("\n") + "\n\n" + body + "\n"
    with open(path, "w") as f:
        f.write(text)


def report(args):
    with open(os.path.join(args.run_dir, "meta.json")) as f:
        meta = json.load(f)
    # The ratios use the mean of the floor before and after the load when both were measured.
    meta["pgbench_tps_before"] = meta["pgbench_tps"]
    if meta.get("pgbench_tps_after"):
        meta["pgbench_tps"] = (meta["pgbench_tps_before"] + meta["pgbench_tps_after"]) / 2
    results = read_jsonl(os.path.join(args.run_dir, "results.jsonl"))
    backends = {b["backend"]: b for b in read_jsonl(os.path.join(args.run_dir, "backends.jsonl"))}
    for r in results:
        if not r.get("skipped"):
            r["summary"] = summarise(r, meta["pgbench_tps"])
    mach = machine()
    name = meta["run_id"] + (f"-{meta['label']}" if meta.get("label") else "")
    os.makedirs(args.results, exist_ok=True)
    text = markdown(meta, mach, results, backends, f"{name}.md")
    with open(os.path.join(args.results, f"{name}.md"), "w") as f:
        f.write(f"# Benchmark {name}\n\n{text}")
    with open(os.path.join(args.results, f"{name}.json"), "w") as f:
        json.dump({"meta": meta, "machine": mach, "backends": backends, "results": results}, f, indent=2)
    if args.docs:
        update_docs(args.docs, text)
    print()
    print(text)
    print(f"results: {os.path.join(args.results, name)}.md (+ .json)"
          + (f"; {args.docs} updated" if args.docs else "; docs/performance.md untouched (BENCH_LABEL)"))
    bad = [r for r in results if not r.get("skipped") and r["summary"]["error_rate"] > ERROR_LIMIT]
    if bad:
        print("\n\033[1;31m" + "!" * 78)
        for r in bad:
            s = r["summary"]
            print(f"!! {r['backend']:6} {r['request']}: {s['non_2xx']} non-2xx + {s['socket_errors']} socket errors "
                  f"of {s['requests']} requests ({s['error_rate'] * 100:.2f} %); preflight status "
                  f"{r.get('preflight_status')}")
        print("!! errors above 0.1 %: the figures of these endpoints are not valid")
        print("!" * 78 + "\033[0m")
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("line")
    l.add_argument("jsonl")
    r = sub.add_parser("report")
    r.add_argument("run_dir")
    r.add_argument("--results", required=True)
    r.add_argument("--docs")
    args = ap.parse_args()
    if args.cmd == "line":
        line(args.jsonl)
    else:
        report(args)


if __name__ == "__main__":
    main()
