#!/usr/bin/env bash
# How long the notifier takes to find due streak reminders among a million users: a fresh
# database migrated by api-server, 1 M users whose next reminder times spread over the next
# 24 hours (one in ten with reminders off), then the notifier's claim statement (the same one
# `repositories::reminders::claim_due` sends) timed with EXPLAIN ANALYZE, several times.
#
#   bash bench/reminders.sh                  USERS=1000000 RUNS=5 by default
#
# Prints the plan and the timings; docs/performance.md records a run.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
USERS="${USERS:-1000000}"
RUNS="${RUNS:-5}"
PG=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)
DB="bench_reminders_$$"

cleanup() { "${PG[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

(cd "$REPO_DIR" && cargo build --release -p api-server >/dev/null)
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_DIR/target}"
"${PG[@]}" -d postgres -c "CREATE DATABASE $DB" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" APP_ENV=local "$TARGET_DIR/release/api-server" migrate >/dev/null

echo "==> seeding $USERS users"
start=$(date +%s)
"${PG[@]}" -d "$DB" <<SQL
INSERT INTO users (id, telegram_id, first_name, timezone, timezone_source, day_rollover_hour, reminders_enabled,
                   reminder_hour, rating_buttons, auth_version, next_reminder_at, created_at, updated_at)
SELECT gen_random_uuid(), 1000000000 + i, 'User ' || i, 'Europe/Moscow', 'device', 4, i % 10 <> 0, 19, 4, 0,
       now() - interval '5 minutes' + (i % 86400) * interval '1 second', now(), now()
FROM generate_series(1, $USERS) AS i;
ANALYZE users;
SQL
echo "    seeded in $(( $(date +%s) - start )) s"

due=$("${PG[@]}" -d "$DB" -c "SELECT COUNT(*) FROM users WHERE reminders_enabled AND next_reminder_at <= now()")
echo "==> $due users due now"
CLAIM="SELECT * FROM users WHERE reminders_enabled AND next_reminder_at <= now() ORDER BY next_reminder_at LIMIT 200 FOR UPDATE SKIP LOCKED"
echo "==> the plan"
"${PG[@]}" -d "$DB" -c "BEGIN; EXPLAIN (ANALYZE, BUFFERS) $CLAIM; ROLLBACK;" | sed 's/^/    /'
echo "==> $RUNS timed claims (execution time, ms)"
for _ in $(seq 1 "$RUNS"); do
  "${PG[@]}" -d "$DB" -c "BEGIN; EXPLAIN (ANALYZE, FORMAT JSON) $CLAIM; ROLLBACK;" |
    python3 -c 'import json,sys; t=sys.stdin.read(); s=t[t.index("["):t.rindex("]")+1]; print("    %.3f" % json.loads(s)[0]["Execution Time"])'
done
