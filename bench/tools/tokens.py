"""Mints HS256 access tokens for seeded users and writes the wrk data file.

One line per user: "<token> <telegram id> <card id>,<card id>,…" with up to --cards cards of
the user's active profile (any state). Claims as crates/services/src/auth/tokens.rs issues them:
sub, tg, ver (users.auth_version when the column exists, else 0), iat, exp, iss, aud.

  python3 tokens.py --secret KEY --out FILE (--pg-db NAME | --sqlite PATH) [--users 5000] [--cards 20]

PostgreSQL is read through psql (no driver needed); SQLite through the stdlib module.
Standard library only.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid

ISSUER = "lang-agent"
AUDIENCE = "lang-agent-miniapp"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(secret: bytes, sub: str, tg: int, ver: int, now: int, ttl: int) -> str:
    header = b64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"sub": sub, "tg": tg, "ver": ver, "iat": now, "exp": now + ttl, "iss": ISSUER, "aud": AUDIENCE}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def from_pg(db: str, users: int, cards: int):
    """(user id, telegram id, auth version, [card ids]) for a deterministic sample of users."""
    sql = f"""
        SELECT u.id, u.telegram_id, coalesce((to_jsonb(u) ->> 'auth_version')::int, 0),
               coalesce((SELECT string_agg(id::text, ',') FROM (
                   SELECT c.id FROM cards c
                   JOIN language_profiles p ON p.id = c.profile_id AND p.user_id = u.id AND p.is_active
                   ORDER BY md5(c.id::text) LIMIT {int(cards)}) s), '')
        FROM users u
        ORDER BY md5(u.id::text)
        LIMIT {int(users)}
    """
    env = dict(os.environ)
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-d", db, "-c", sql],
                         check=True, capture_output=True, text=True, env=env).stdout
    for line in out.splitlines():
        uid, tg, ver, ids = line.split("\t")
        yield uid, int(tg), int(ver), [i for i in ids.split(",") if i]


def as_uuid(value) -> str:
    if isinstance(value, bytes):
        return str(uuid.UUID(bytes=value))
    return str(uuid.UUID(str(value)))


def from_sqlite(path: str, users: int, cards: int):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    columns = {row[1] for row in db.execute("PRAGMA table_info(users)")}
    ver = "auth_version" if "auth_version" in columns else "0"
    # SQLite has no md5(): a deterministic spread over users is good enough.
    rows = db.execute(f"SELECT id, telegram_id, {ver} FROM users ORDER BY (telegram_id * 2654435761) % 4294967296 "
                      f"LIMIT ?", (users,)).fetchall()
    for uid, tg, version in rows:
        ids = db.execute(
            "SELECT c.id FROM cards c JOIN language_profiles p ON p.id = c.profile_id "
            "WHERE p.user_id = ? AND p.is_active ORDER BY (c.rowid * 2654435761) % 4294967296 LIMIT ?",
            (uid, cards)).fetchall()
        yield as_uuid(uid), int(tg), int(version or 0), [as_uuid(i[0]) for i in ids]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pg-db")
    ap.add_argument("--sqlite")
    ap.add_argument("--users", type=int, default=5000)
    ap.add_argument("--cards", type=int, default=20)
    ap.add_argument("--ttl", type=int, default=6 * 3600)
    args = ap.parse_args()
    source = from_pg(args.pg_db, args.users, args.cards) if args.pg_db else from_sqlite(args.sqlite, args.users, args.cards)
    now = int(time.time())
    secret = args.secret.encode()
    written = without_cards = 0
    with open(args.out, "w") as out:
        for uid, tg, ver, ids in source:
            if not ids:
                without_cards += 1
                continue
            out.write(f"{mint(secret, uid, tg, ver, now, args.ttl)} {tg} {','.join(ids)}\n")
            written += 1
    if written == 0:
        sys.exit("tokens.py: no seeded user with cards in an active profile")
    print(f"{written} users ({without_cards} skipped: no cards in the active profile)")


if __name__ == "__main__":
    main()
