#!/usr/bin/env bash
# Replays a review's write transaction (review.sql) with pgbench on a copy of the seeded data,
# several runs one after the other from a checkpoint, and prints per transaction: PostgreSQL's
# CPU (the whole cluster, from /proc), WAL records, full-page images and WAL bytes. It shows
# what the database itself pays for a review, without HTTP, and how that changes as the run
# moves away from the last checkpoint (docs/performance.md, "Sixth pass").
#
#   bash bench/replay/review.sh [runs=4] [seconds=15] [clients=8]
#
# Needs the seeded template database from a `bash bench/run.sh` (its pg settings included).
set -euo pipefail
RUNS=${1:-4} SECONDS_EACH=${2:-15} CLIENTS=${3:-8}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGSSLMODE=${PGSSLMODE:-disable}
DB=lang_agent_bench_replay
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# shellcheck source=bench/lib/cpu.sh
source "$HERE/../lib/cpu.sh"
postmaster=$(pg_postmaster)
[[ -n $postmaster ]] || { echo "the PostgreSQL cluster must run on this machine (its CPU is read from /proc)" >&2; exit 1; }

seed=$(q -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'lang_agent_bench_seed_%'
                           ORDER BY oid DESC LIMIT 1")
[[ -n $seed ]] || { echo "no seeded template: run bash bench/run.sh first" >&2; exit 1; }
echo "copying $seed to $DB"
q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE $seed"
q -d $DB -c "CREATE TABLE replay_pick AS
  SELECT row_number() OVER () AS n, lp.user_id, c.id AS card_id, c.profile_id
  FROM (SELECT id FROM users ORDER BY id LIMIT 5000) u
  JOIN language_profiles lp ON lp.user_id = u.id JOIN cards c ON c.profile_id = lp.id" \
  -c "ALTER TABLE replay_pick ADD PRIMARY KEY (n)" -c "ANALYZE replay_pick"
picks=$(q -d $DB -Atc "SELECT count(*) FROM replay_pick")
((picks >= 500000)) || { echo "the seed has fewer than 500 000 cards for its first 5 000 users" >&2; exit 1; }

wal() { q -d postgres -Atc "SELECT wal_records || ' ' || wal_fpi || ' ' || wal_bytes FROM pg_stat_wal"; }

echo "settings: $(q -d postgres -Atc "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
  FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit')")"
q -d postgres -c "CHECKPOINT"
printf '%-4s %8s %14s %12s %10s %10s\n' run tps 'pg cpu ms/tx' 'wal rec/tx' 'fpi/tx' 'wal KB/tx'
for run in $(seq "$RUNS"); do
  cpu_before=$(pg_cpu_ms "$postmaster"); read -r rec_before fpi_before bytes_before < <(wal)
  out=$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$HERE/review.sql" "$DB" 2>&1) ||
    { echo "$out" >&2; exit 1; }
  sleep 1 # the postmaster reaps the finished backends, whose time then counts in its own
  cpu_after=$(pg_cpu_ms "$postmaster"); read -r rec_after fpi_after bytes_after < <(wal)
  tx=$(awk '/number of transactions actually processed/ {print $NF}' <<<"$out")
  tps=$(awk '/^tps/ {printf "%.0f", $3}' <<<"$out")
  python3 -c "
tx = $tx
print('%-4s %8s %14.3f %12.1f %10.2f %10.1f' % ($run, $tps, ($cpu_after - $cpu_before) / tx,
      ($rec_after - $rec_before) / tx, ($fpi_after - $fpi_before) / tx, ($bytes_after - $bytes_before) / tx / 1024))"
done
q -d postgres -c "DROP DATABASE $DB"
