#!/usr/bin/env bash
# Proves backup.sh and restore.sh against the real PostgreSQL (127.0.0.1:5432, user postgres):
# a scratch database migrated by the real migrations and filled with learners, cards, reviews
# and payments is backed up, restored into a second, empty database, and compared table by
# table (row counts and content). Also: restore.sh refuses a database that has tables, and the
# retention keeps the newest dumps of each tier. Cleans up after itself, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PG="postgres://postgres@127.0.0.1:5432"
run_id="$(date +%s)_$$"
source_db="la_backup_src_$run_id"
target_db="la_backup_dst_$run_id"
work="$(mktemp -d)"

psql_as() { psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 "$PG/$1" "${@:2}"; }
cleanup() {
  psql_as postgres -c "DROP DATABASE IF EXISTS $source_db" -c "DROP DATABASE IF EXISTS $target_db" || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "backup round trip FAILED: $*" >&2
  exit 1
}

psql_as postgres -c "CREATE DATABASE $source_db" -c "CREATE DATABASE $target_db"

api_server="${CARGO_TARGET_DIR:-target}/debug/api-server"
# CARGO_TARGET_DIR may be relative to the repository or absolute.
[[ "$api_server" == /* ]] || api_server="$PWD/$api_server"
if [[ ! -x "$api_server" ]]; then
  cargo build --quiet -p api-server --locked
fi
# From a directory without a .env, so nothing but these variables configures it.
(cd "$work" && env APP_ENV=test LOG_LEVEL=warn DATABASE_URL="$PG/$source_db" "$api_server" migrate >/dev/null)

psql_as "$source_db" <<'SQL'
INSERT INTO users (id, telegram_id, first_name, username, timezone)
SELECT gen_random_uuid(), 1000 + n, 'Learner ' || n, CASE WHEN n % 2 = 0 THEN 'l' || n END, 'Europe/Moscow'
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
INSERT INTO payments (id, user_id, provider, kind, amount, period_days, premium_until_after, reason, created_at)
SELECT gen_random_uuid(), id, 'admin', 'grant', 0, 30, now() + interval '30 days', 'backup drill', now()
FROM users WHERE telegram_id % 5 = 0;
SQL

# Row count and a digest of every row, per table, in a stable order.
fingerprint() {
  local db="$1" table
  for table in $(psql_as "$db" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
    psql_as "$db" -c "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"$table\" t"
  done
}

# A password in the URL (trust auth ignores it) must not show in anything backup.sh prints.
secret_url="postgres://postgres:s3cr%40t-pw@127.0.0.1:5432/$source_db"
backup_out="$(DATABASE_URL="$secret_url" BACKUP_DIR="$work/backups" scripts/backup.sh 2>&1)"
dump="$(tail -n 1 <<<"$backup_out")"
[[ -s "$dump" ]] || fail "backup.sh did not print the path of a dump last (got: $dump)"
if grep -q 's3cr' <<<"$backup_out"; then fail "backup.sh printed the password"; fi

DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" 2>/dev/null
if ! diff <(fingerprint "$source_db") <(fingerprint "$target_db") >"$work/diff"; then
  cat "$work/diff" >&2
  fail "the restored database differs from the original"
fi
tables="$(fingerprint "$source_db" | wc -l)"
users="$(psql_as "$target_db" -c "SELECT count(*) FROM users WHERE premium_until IS NOT NULL")"
[[ "$users" == 4 ]] || fail "premium grants were not restored (got $users premium users)"

if DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" 2>"$work/refusal"; then
  fail "restore.sh restored over a database that has tables"
fi
grep -q 'already has' "$work/refusal" || fail "restore.sh refused without saying why"
DATABASE_URL="$PG/$target_db" scripts/restore.sh "$dump" --force 2>/dev/null
diff <(fingerprint "$source_db") <(fingerprint "$target_db") >/dev/null || fail "--force did not replace the data"

# Retention: ten days of backups ending on Sunday 2026-11-01 (also the 1st) keep 7 daily, and
# that Sunday's dump is also weekly and monthly.
retention="$work/retention"
for day in 23 24 25 26 27 28 29 30 31; do
  DATABASE_URL="$PG/$source_db" BACKUP_DIR="$retention" BACKUP_NOW="2026-10-$day 03:00 UTC" scripts/backup.sh >/dev/null 2>&1
done
DATABASE_URL="$PG/$source_db" BACKUP_DIR="$retention" BACKUP_NOW="2026-11-01 03:00 UTC" scripts/backup.sh >/dev/null 2>&1
daily="$(find "$retention/daily" -name '*.dump' | wc -l)"
oldest="$(find "$retention/daily" -name '*.dump' -printf '%f\n' | sort | head -n 1)"
[[ "$daily" == 7 && "$oldest" == lang-agent-20261026T030000Z.dump ]] ||
  fail "daily retention kept $daily dumps from $oldest (want 7 from 20261026)"
weekly="$(find "$retention/weekly" -name '*.dump' -printf '%f\n' | sort | tr '\n' ' ')"
[[ "$weekly" == "lang-agent-20261025T030000Z.dump lang-agent-20261101T030000Z.dump " ]] ||
  fail "weekly tier holds: $weekly"
[[ "$(find "$retention/monthly" -name '*.dump' -printf '%f\n')" == lang-agent-20261101T030000Z.dump ]] ||
  fail "monthly tier is wrong"

echo "backup round trip: $tables tables identical after restore; refusal, --force and retention checked"
