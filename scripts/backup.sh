#!/usr/bin/env bash
# One PostgreSQL backup, kept by age in tiers, optionally copied to S3-compatible storage.
#
#   DATABASE_URL=postgres://… BACKUP_DIR=/var/backups/lang-agent scripts/backup.sh
#
# Writes BACKUP_DIR/daily/lang-agent-<UTC time>.dump (pg_dump custom format, readable by its
# owner only), hard-links it into weekly/ on Sundays and monthly/ on the 1st (UTC), prunes each
# tier to its newest BACKUP_KEEP_DAILY (7), BACKUP_KEEP_WEEKLY (4) and BACKUP_KEEP_MONTHLY (12)
# dumps, uploads the dump when BACKUP_S3_URI is set (aws cli; BACKUP_S3_ENDPOINT for storage
# other than AWS, credentials in the usual AWS_* variables), and prints the dump's path as the
# last line of stdout (everything else goes to stderr).
#
# pg_dump must be at least as new as the server. BACKUP_PG_CONTAINER=<container> runs it inside
# that container instead (production: lang-agent-postgres-1, see docs/operations.md), with
# DATABASE_URL as seen from there. The password never reaches a command line or the output: the
# URL is split into libpq's PG* variables (scripts/pg-env.sh). The dump is written beside its
# final name and renamed only once complete and readable.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is required (postgres://user:password@host:port/db)}"
: "${BACKUP_DIR:?BACKUP_DIR is required}"
KEEP_DAILY="${BACKUP_KEEP_DAILY:-7}"
KEEP_WEEKLY="${BACKUP_KEEP_WEEKLY:-4}"
KEEP_MONTHLY="${BACKUP_KEEP_MONTHLY:-12}"
# For tests: the moment the backup is taken, as `date -u -d` understands it.
NOW="${BACKUP_NOW:-now}"

log() { printf '[backup] %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

for keep in "$KEEP_DAILY" "$KEEP_WEEKLY" "$KEEP_MONTHLY"; do
  [[ "$keep" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_* must be whole numbers (got '$keep')"
done
# The daily tier holds the dump just written.
((KEEP_DAILY >= 1)) || die "BACKUP_KEEP_DAILY must be at least 1"
if [[ -n "${BACKUP_S3_URI:-}" ]] && ! command -v aws >/dev/null; then
  die "BACKUP_S3_URI is set but the aws cli is not installed"
fi

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/pg-env.sh
source "$here/pg-env.sh"
export_pg_env "$DATABASE_URL"

stamp="$(date -u -d "$NOW" +%Y%m%dT%H%M%SZ)"
weekday="$(date -u -d "$NOW" +%u)"
day_of_month="$(date -u -d "$NOW" +%d)"
name="lang-agent-$stamp.dump"

# Dumps hold every learner's data: nobody but the owner reads them.
umask 077
mkdir -p "$BACKUP_DIR/daily" "$BACKUP_DIR/weekly" "$BACKUP_DIR/monthly"
dump="$BACKUP_DIR/daily/$name"
partial="$dump.partial"
trap 'rm -f "$partial"' EXIT
# What an interrupted run (a power cut, kill -9) left behind.
find "$BACKUP_DIR/daily" -maxdepth 1 -name 'lang-agent-*.dump.partial' -mmin +60 -delete

log "dumping database $PGDATABASE on $PGHOST:$PGPORT${BACKUP_PG_CONTAINER:+ (in container $BACKUP_PG_CONTAINER)}"
# To stdout, so the same command works inside a container.
pg_client pg_dump --format=custom --compress=6 --no-owner >"$partial"
# A dump that pg_restore cannot list is no backup.
pg_client pg_restore --list <"$partial" >/dev/null || die "the dump cannot be read back by pg_restore"
mv "$partial" "$dump"
trap - EXIT

[[ "$weekday" == 7 ]] && ln -f "$dump" "$BACKUP_DIR/weekly/$name"
[[ "$day_of_month" == 01 ]] && ln -f "$dump" "$BACKUP_DIR/monthly/$name"

# Keeps the newest $2 dumps of tier $1 (the names sort by time).
prune() {
  local tier="$1" keep="$2" old
  find "$BACKUP_DIR/$tier" -maxdepth 1 -name 'lang-agent-*.dump' -printf '%f\n' | sort -r |
    tail -n +"$((keep + 1))" | while read -r old; do
      log "pruning $tier/$old"
      rm -f "$BACKUP_DIR/$tier/$old"
    done
}
prune daily "$KEEP_DAILY"
prune weekly "$KEEP_WEEKLY"
prune monthly "$KEEP_MONTHLY"

if [[ -n "${BACKUP_S3_URI:-}" ]]; then
  endpoint=()
  [[ -n "${BACKUP_S3_ENDPOINT:-}" ]] && endpoint=(--endpoint-url "$BACKUP_S3_ENDPOINT")
  # One object per dump; the bucket's lifecycle rules keep (or expire) them.
  log "uploading to ${BACKUP_S3_URI%/}/$name"
  aws "${endpoint[@]}" s3 cp --only-show-errors "$dump" "${BACKUP_S3_URI%/}/$name"
fi

log "backup written ($(du -h "$dump" | cut -f1))"
echo "$dump"
