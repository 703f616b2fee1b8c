"""Copies the seeded PostgreSQL data into a SQLite database the api-server's migrations created,
in the encodings sea-orm/sqlx use on SQLite (checked against rows the api-server itself wrote):

  uuid                      16-byte BLOB
  timestamp with time zone  TEXT 2026-11-28T02:56:59.959625+00:00 (chrono, fraction as needed)
  date                      TEXT 2026-11-28
  boolean                   INTEGER 0/1
  json                      TEXT, as stored
  double / integer          REAL / INTEGER

Columns are matched by name: whatever the SQLite schema declares (PRAGMA table_info) is read
from PostgreSQL and converted by the SQLite declared type, so added columns come along.
--scale keeps the first scale × users users (by telegram_id) and everything they own.

  python3 to_sqlite.py --pg-db lang_agent_bench_seed_… --sqlite /path/bench.db [--scale 0.1]

Standard library only; PostgreSQL is read with psql COPY … TO STDOUT.
"""

import argparse
import sqlite3
import subprocess
import sys
import time

# Parents first. Tables not listed (sessions, messages, token usage) stay empty.
TABLES = ["users", "language_profiles", "decks", "cards", "card_progress", "card_reviews", "daily_activity"]

OWNED_BY = {
    "users": "telegram_id <= {max_tg}",
    "language_profiles": "user_id IN (SELECT id FROM users WHERE telegram_id <= {max_tg})",
    "decks": "owner_id IN (SELECT id FROM users WHERE telegram_id <= {max_tg})",
    "cards": "profile_id IN (SELECT p.id FROM language_profiles p JOIN users u ON u.id = p.user_id "
             "WHERE u.telegram_id <= {max_tg})",
    "card_progress": "user_id IN (SELECT id FROM users WHERE telegram_id <= {max_tg})",
    "card_reviews": "user_id IN (SELECT id FROM users WHERE telegram_id <= {max_tg})",
    "daily_activity": "user_id IN (SELECT id FROM users WHERE telegram_id <= {max_tg})",
}
ORDER = {"cards": "created_at", "card_progress": "updated_at"}

ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def unescape(field):
    """COPY text format: backslash escapes."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            out.append(ESCAPES.get(field[i + 1], field[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def timestamp(value):
    """2026-11-28T02:56:59.959625 -> chrono's form (AutoSi fraction) with +00:00."""
    head, _, frac = value.partition(".")
    frac = frac.rstrip("0")
    if not frac:
        return head + "+00:00"
    digits = 3 if len(frac) <= 3 else 6
    return f"{head}.{frac.ljust(digits, '0')}+00:00"


def column_plan(declared):
    """(PostgreSQL select expression template, Python converter) for a SQLite declared type."""
    t = declared.lower()
    if t == "uuid_text":
        return "replace({c}::text, '-', '')", bytes.fromhex
    if t.startswith("timestamp"):
        return "to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')", timestamp
    if t == "boolean":
        return "{c}::int", int
    if t in ("double", "real", "float", "decimal") or "doub" in t or "floa" in t:
        return "{c}", float
    if "int" in t:
        return "{c}", int
    return "{c}::text", str  # text, json_text, date_text and anything new


def row_converter(columns):
    """One compiled function per table: a row of COPY fields -> the tuple to insert. NULL checks
    only where the column may be NULL; text is unescaped only when it holds a backslash."""
    env = {"unescape": unescape}
    parts = []
    for i, (name, conv, nullable) in enumerate(columns):
        if conv is str:
            expr = f"(f[{i}] if '\\\\' not in f[{i}] else unescape(f[{i}]))"
        else:
            env[f"c{i}"] = conv
            expr = f"c{i}(f[{i}])"
        if nullable:
            expr = f"(None if f[{i}] == '\\\\N' else {expr})"
        parts.append(expr)
    code = f"def convert(f):\n    return ({', '.join(parts)},)\n"
    exec(code, env)
    return env["convert"]


def pg_columns(db, table):
    out = subprocess.run(["psql", "-X", "-At", "-d", db, "-c",
                          f"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                          f"AND table_name = '{table}'"], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def copy_table(pg_db, lite, table, max_tg):
    info = list(lite.execute(f'PRAGMA table_info("{table}")'))
    lite_cols = [(row[1], row[2]) for row in info]
    nullable = {row[1]: not row[3] for row in info}
    have = pg_columns(pg_db, table)
    missing = [name for name, _ in lite_cols if name not in have]
    if missing:
        sys.exit(f"{table}: columns {missing} are in the SQLite schema but not in PostgreSQL: reseed")
    plans = [(name, *column_plan(declared)) for name, declared in lite_cols]
    select = ", ".join(expr.format(c=f'"{name}"') for name, expr, _ in plans)
    where = OWNED_BY[table].format(max_tg=max_tg)
    order = f" ORDER BY {ORDER[table]}" if table in ORDER else ""
    sql = f"COPY (SELECT {select} FROM {table} WHERE {where}{order}) TO STDOUT"
    convert = row_converter([(name, conv, nullable[name]) for name, _, conv in plans])
    insert = f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n, _, _ in plans)}) ' \
             f'VALUES ({", ".join("?" for _ in plans)})'
    proc = subprocess.Popen(["psql", "-X", "-q", "-d", pg_db, "-c", sql], stdout=subprocess.PIPE, text=True,
                            bufsize=1 << 20)
    batch, count = [], 0
    for line in proc.stdout:
        batch.append(convert(line[:-1].split("\t")))
        if len(batch) == 50000:
            lite.executemany(insert, batch)
            count += len(batch)
            batch.clear()
    if batch:
        lite.executemany(insert, batch)
        count += len(batch)
    if proc.wait() != 0:
        sys.exit(f"psql COPY of {table} failed")
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-db", required=True)
    ap.add_argument("--sqlite", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()

    users = int(subprocess.run(["psql", "-X", "-At", "-d", args.pg_db, "-c", "SELECT count(*) FROM users"],
                               check=True, capture_output=True, text=True).stdout)
    max_tg = 700000000 + max(1, round(users * args.scale))

    lite = sqlite3.connect(args.sqlite, isolation_level=None)
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    lite.execute("PRAGMA foreign_keys = OFF")
    lite.execute("PRAGMA cache_size = -1000000")
    # Secondary indexes are rebuilt after the load (one sort each instead of random inserts).
    indexes = lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({', '.join(repr(t) for t in TABLES)})").fetchall()
    for name, _ in indexes:
        lite.execute(f'DROP INDEX "{name}"')
    lite.execute("BEGIN")
    for table in TABLES:
        t0 = time.time()
        n = copy_table(args.pg_db, lite, table, max_tg)
        print(f"{table}: {n} rows in {time.time() - t0:.0f} s", flush=True)
    t0 = time.time()
    for _, sql in indexes:
        lite.execute(sql)
    lite.execute("CREATE TABLE IF NOT EXISTS bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    lite.execute("INSERT OR REPLACE INTO bench_meta VALUES ('scale', ?), ('source', ?)", (str(args.scale), args.pg_db))
    lite.execute("COMMIT")
    print(f"indexes rebuilt in {time.time() - t0:.0f} s", flush=True)
    lite.execute("PRAGMA journal_mode = WAL")
    lite.close()


if __name__ == "__main__":
    main()
