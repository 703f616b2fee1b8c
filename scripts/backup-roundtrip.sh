#!/usr/bin/env bash
# Proves backup.sh and restore.sh against the real PostgreSQL (127.0.0.1:5432, user postgres):
#   - a scratch database migrated by the real migrations and filled with learners, profiles,
#     decks, cards, progress, reviews, tutor messages, bot inbox and outbox rows, a teacher
#     group and payments is backed up, restored into a second, empty database, and compared:
#     the same tables, row counts, content (a digest of every row) and migration version;
#   - the password in DATABASE_URL never shows in anything backup.sh prints, and the dump is
#     readable by its owner only;
#   - restore.sh refuses a database that has tables (and leaves it as it was), --force replaces;
#   - a failed dump leaves no file behind;
#   - the same round trip with BACKUP_PG_CONTAINER, through a stand-in for `docker` that runs
#     the client here with only the variables passed by name (no secret on its command line);
#   - DATABASE_URL parsing (percent-encoding, '+', IPv6, sslmode);
#   - retention keeps the newest dumps of each tier.
# Cleans up its databases and files, even on failure. About 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."

PG="postgres://postgres@127.0.0.1:5432"
run_id="$(date +%s)_$$"
source_db="la_backup_src_$run_id"
target_db="la_backup_dst_$run_id"
container_db="la_backup_ctr_$run_id"
work="$(mktemp -d)"

psql_as() { psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 "$PG/$1" "${@:2}"; }
cleanup() {
  local db
  for db in "$source_db" "$target_db" "$container_db"; do
    psql_as postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "backup round trip FAILED: $*" >&2
  exit 1
}

# --- DATABASE_URL → PG* variables, as libpq reads a URI.
parsed="$(
  # shellcheck source=scripts/pg-env.sh
  source scripts/pg-env.sh
  export_pg_env 'postgresql://app%40x:p%2Bq+r%40s%5C%25@[::1]:6543/my%20db?application_name=a&sslmode=require'
  printf '%s|%s|%s|%s|%s|%s' "$PGUSER" "$PGPASSWORD" "$PGHOST" "$PGPORT" "$PGDATABASE" "$PGSSLMODE"
)"
[[ "$parsed" == 'app@x|p+q+r@s\%|::1|6543|my db|require' ]] || fail "DATABASE_URL parsed as: $parsed"
# shellcheck disable=SC2016 # single quotes on purpose: the inner shell expands them
bash -c 'source scripts/pg-env.sh; export_pg_env "mysql://h/db"' 2>/dev/null && fail "a non-postgres URL was accepted"

psql_as postgres -c "CREATE DATABASE $source_db" -c "CREATE DATABASE $target_db" -c "CREATE DATABASE $container_db"

api_server="${CARGO_TARGET_DIR:-target}/debug/api-server"
# CARGO_TARGET_DIR may be relative to the repository or absolute.
[[ "$api_server" == /* ]] || api_server="$PWD/$api_server"
if [[ ! -x "$api_server" ]]; then
  cargo build --quiet -p api-server --locked
fi
# From a directory without a .env, so nothing but these variables configures it.
(cd "$work" && env APP_ENV=test LOG_LEVEL=warn DATABASE_URL="$PG/$source_db" "$api_server" migrate >/dev/null)

psql_as "$source_db" <<'SQL'
BEGIN;
INSERT INTO users (id, telegram_id, first_name, username, timezone)
SELECT gen_random_uuid(), 1000 + n, 'Learner ' || n || CASE WHEN n = 3 THEN E' «quoted» \\ back\tslash' ELSE '' END,
       CASE WHEN n % 2 = 0 THEN 'l' || n END, 'Europe/Moscow'
FROM generate_series(1, 20) AS n;
INSERT INTO language_profiles (id, user_id, language, current_level, target_level, goals, is_active, created_at, updated_at)
SELECT gen_random_uuid(), id, 'de', 'A1', 'B1', '["travel"]', true, now(), now() FROM users;
INSERT INTO decks (id, profile_id, owner_id, name, name_key, is_default, created_at, updated_at)
SELECT gen_random_uuid(), id, user_id, 'Мои слова', 'мои слова', true, now(), now() FROM language_profiles;
INSERT INTO cards (id, deck_id, profile_id, front, back, lemma_key, search_key, forms, created_at, updated_at)
SELECT gen_random_uuid(), d.id, d.profile_id, 'Wort ' || n, 'слово «' || n || '»', 'wort ' || n,
       'wort ' || n || ' слово', '{"plural": "Wörter"}', now() - n * interval '1 hour', now()
FROM decks d CROSS JOIN generate_series(1, 50) AS n;
INSERT INTO card_progress (id, user_id, card_id, state, stability, difficulty, due, last_review, reps, updated_at)
SELECT gen_random_uuid(), d.owner_id, c.id, 'review', 3.5, 5.1, now() + interval '2 days', now(), 2, now()
FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.front LIKE 'Wort 1%';
INSERT INTO card_reviews (id, user_id, card_id, profile_id, client_review_id, rating, state_before, state_after,
    elapsed_days, scheduled_days, progress_before, progress_after, scheduled_seconds, local_date, reviewed_at)
SELECT gen_random_uuid(), p.user_id, p.card_id, c.profile_id, gen_random_uuid(), 3, 'new', 'review',
       0, 2, '{}', '{"state": "review"}', 172800, current_date, now()
FROM card_progress p JOIN cards c ON c.id = p.card_id;
INSERT INTO messages (id, user_id, profile_id, role, content, channel, created_at)
SELECT gen_random_uuid(), user_id, id, 'user', E'Wie sagt man\n«привет» 👋?', 'bot', now() FROM language_profiles;
INSERT INTO telegram_inbox (update_id, chat_id, payload, status, received_at, not_before)
SELECT 500000 + n, 1000 + n, '{"update_id": ' || (500000 + n) || ', "message": {"text": "/start"}}',
       CASE WHEN n % 3 = 0 THEN 'done' ELSE 'pending' END, now(), now()
FROM generate_series(1, 30) AS n;
INSERT INTO outbox (id, user_id, chat_id, kind, payload, not_before, created_at)
SELECT gen_random_uuid(), id, telegram_id, 'reminder', '{"text": "Серия под угрозой"}', now(), now() FROM users;
-- A teacher group: its owner's membership is checked at commit (a deferred foreign key).
WITH teacher AS (SELECT id FROM users WHERE telegram_id = 1001),
     g AS (INSERT INTO groups (id, owner_id, name, name_key, language, max_members, created_at, updated_at)
           SELECT gen_random_uuid(), id, 'Deutsch A1', 'deutsch a1', 'de', 30, now(), now() FROM teacher
           RETURNING id, owner_id)
INSERT INTO group_members (group_id, user_id, role, joined_at)
SELECT g.id, g.owner_id, 'teacher', now() FROM g
UNION ALL
SELECT g.id, u.id, 'student', now() FROM g CROSS JOIN users u WHERE u.telegram_id BETWEEN 1002 AND 1006;
INSERT INTO payments (id, user_id, provider, kind, amount, period_days, premium_until_after, reason, created_at)
SELECT gen_random_uuid(), id, 'admin', 'grant', 0, 30, now() + interval '30 days', 'backup drill', now()
FROM users WHERE telegram_id % 5 = 0;
COMMIT;
SQL

# Row count and a digest of every row, per table, in a stable order.
fingerprint() {
  local db="$1" table
  for table in $(psql_as "$db" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
    psql_as "$db" -c "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"$table\" t"
  done
}
migration_version() { psql_as "$1" -c "SELECT max(version) || ' of ' || count(*) FROM seaql_migrations"; }
same_as_source() {
  diff <(fingerprint "$source_db") <(fingerprint "$1") >"$work/diff" || {
    cat "$work/diff" >&2
    return 1
  }
}
fingerprint "$source_db" >"$work/source.txt"
for table in users cards card_reviews messages telegram_inbox outbox group_members payments; do
  grep -qE "^$table\|[1-9]" "$work/source.txt" || fail "the source database has no $table rows to compare"
done

# --- Back up (with a password in the URL, which trust auth ignores), restore, compare.
secret_url="postgres://postgres:s3cr%40t-pw@127.0.0.1:5432/$source_db"
backup_out="$(DATABASE_URL="$secret_url" BACKUP_DIR="$work/backups" scripts/backup.sh 2>&1)"
dump="$(tail -n 1 <<<"$backup_out")"
[[ "$dump" == "$work/backups/daily/lang-agent-"*.dump && -s "$dump" ]] ||
  fail "backup.sh did not print the path of a dump last (got: $dump)"
if grep -q 's3cr' <<<"$backup_out"; then fail "backup.sh printed the password"; fi
[[ "$(stat -c %a "$dump")" == 600 ]] || fail "the dump is readable by others ($(stat -c %a "$dump"))"
[[ -z "$(find "$work/backups" -name '*.partial')" ]] || fail "a partial file was left behind"

DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" 2>/dev/null
same_as_source "$target_db" || fail "the restored database differs from the original"
[[ "$(migration_version "$target_db")" == "$(migration_version "$source_db")" ]] ||
  fail "migration version $(migration_version "$target_db") after restore, $(migration_version "$source_db") before"
tables="$(wc -l <"$work/source.txt")"

# --- A database with tables is refused, and left as it was; --force replaces it.
psql_as "$target_db" -c "UPDATE users SET first_name = 'changed' WHERE telegram_id = 1001"
fingerprint "$target_db" >"$work/before-refusal.txt"
if DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" 2>"$work/refusal"; then
  fail "restore.sh restored over a database that has tables"
fi
grep -q 'already has' "$work/refusal" || fail "restore.sh refused without saying why"
diff -q "$work/before-refusal.txt" <(fingerprint "$target_db") >/dev/null || fail "a refused restore changed the database"
DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" --force 2>/dev/null
same_as_source "$target_db" || fail "--force did not replace the data"
if DATABASE_URL="$PG/$target_db" scripts/restore.sh "$work/source.txt" --force 2>/dev/null; then
  fail "restore.sh accepted a file that is not a dump"
fi

# --- A dump that fails (no such database) leaves nothing behind and fails.
if DATABASE_URL="$PG/la_backup_missing_$run_id" BACKUP_DIR="$work/failed" scripts/backup.sh >/dev/null 2>&1; then
  fail "backup.sh succeeded without a database"
fi
[[ -z "$(find "$work/failed" -type f)" ]] || fail "a failed backup left files: $(find "$work/failed" -type f)"

# --- BACKUP_PG_CONTAINER: the clients run through `docker exec`/`docker cp`. The stand-in runs
# them here with nothing but the variables named by -e, and logs its command lines.
cat >"$work/docker" <<'FAKE'
#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_DOCKER_LOG"
case "$1" in
  exec)
    shift
    vars=("PATH=$PATH")
    while [[ "$1" == -* ]]; do
      case "$1" in
        -i) shift ;;
        -e) [[ "$2" != *=* ]] || { echo "a value on the command line: $2" >&2; exit 97; }
            vars+=("$2=${!2}"); shift 2 ;;
        *) echo "unexpected option $1" >&2; exit 98 ;;
      esac
    done
    [[ "$1" == lang-agent-postgres-1 ]] || { echo "no such container: $1" >&2; exit 99; }
    shift
    exec env -i "${vars[@]}" "$@"
    ;;
  cp) cp "$2" "${3#lang-agent-postgres-1:}" ;;
  *) exit 96 ;;
esac
FAKE
chmod +x "$work/docker"
export FAKE_DOCKER_LOG="$work/docker.log"
container_out="$(DOCKER="$work/docker" BACKUP_PG_CONTAINER=lang-agent-postgres-1 DATABASE_URL="$secret_url" \
  BACKUP_DIR="$work/container-backups" scripts/backup.sh 2>&1)"
container_dump="$(tail -n 1 <<<"$container_out")"
grep -q '^exec -i -e PGHOST -e PGPORT -e PGUSER -e PGPASSWORD -e PGDATABASE lang-agent-postgres-1 pg_dump ' \
  "$FAKE_DOCKER_LOG" || fail "pg_dump did not run in the container with the PG* variables by name"
DOCKER="$work/docker" BACKUP_PG_CONTAINER=lang-agent-postgres-1 DATABASE_URL="$PG/$container_db" \
  scripts/restore.sh "$container_dump" 2>/dev/null || fail "restore.sh failed through the container"
grep -q '^cp .* lang-agent-postgres-1:/tmp/lang-agent-restore-' "$FAKE_DOCKER_LOG" || fail "the dump was not copied into the container"
grep -q 'lang-agent-postgres-1 rm -f /tmp/lang-agent-restore-' "$FAKE_DOCKER_LOG" || fail "the copy was not removed"
if grep -q 's3cr' "$FAKE_DOCKER_LOG" <<<"$container_out"; then fail "a docker command line or the output had the password"; fi
same_as_source "$container_db" || fail "the round trip through the container differs from the original"
unset FAKE_DOCKER_LOG

# --- Retention: ten days of backups ending on Sunday 2026-11-01 (also the 1st) keep 7 daily,
# and that Sunday's dump is also weekly and monthly; an older Sunday beyond BACKUP_KEEP_WEEKLY
# (faked by name) is pruned.
retention="$work/retention"
mkdir -p "$retention/weekly"
: >"$retention/weekly/lang-agent-20261004T030000Z.dump"
for day in 2026-10-{23..31} 2026-11-01; do
  DATABASE_URL="$PG/$source_db" BACKUP_DIR="$retention" BACKUP_KEEP_WEEKLY=2 BACKUP_NOW="$day 03:00 UTC" \
    scripts/backup.sh >/dev/null 2>&1 || fail "the backup of $day failed"
done
daily="$(find "$retention/daily" -name '*.dump' -printf '%f\n' | sort | tr '\n' ' ')"
[[ "$daily" == "$(printf 'lang-agent-202610%02dT030000Z.dump ' 26 27 28 29 30 31)lang-agent-20261101T030000Z.dump " ]] ||
  fail "the daily tier holds: $daily"
weekly="$(find "$retention/weekly" -name '*.dump' -printf '%f\n' | sort | tr '\n' ' ')"
[[ "$weekly" == "lang-agent-20261025T030000Z.dump lang-agent-20261101T030000Z.dump " ]] ||
  fail "the weekly tier holds: $weekly"
[[ "$(find "$retention/monthly" -name '*.dump' -printf '%f\n')" == lang-agent-20261101T030000Z.dump ]] ||
  fail "the monthly tier is wrong"
[[ "$(stat -c %h "$retention/monthly/lang-agent-20261101T030000Z.dump")" == 3 ]] ||
  fail "the Sunday-and-1st dump is not one file linked into three tiers"
if BACKUP_KEEP_DAILY=0 DATABASE_URL="$PG/$source_db" BACKUP_DIR="$retention" scripts/backup.sh >/dev/null 2>&1; then
  fail "BACKUP_KEEP_DAILY=0 (which would prune the new dump) was accepted"
fi

echo "backup round trip: $tables tables identical after restore (also through a container); refusal, --force, failed dump, URL parsing and retention checked"
