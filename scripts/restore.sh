#!/usr/bin/env bash
# Restores a dump written by backup.sh into an empty database, all or nothing.
#
#   DATABASE_URL=postgres://…/lang_agent scripts/restore.sh FILE [--force]
#
# Refuses a database that already has tables (a restore over live data would mix the two)
# unless --force, which drops what the dump contains first. One transaction
# (`--single-transaction --exit-on-error`): a dump that fails half-way leaves the database as it
# was. Owners and grants are not restored (`--no-owner --no-privileges`): the objects belong to
# the user of DATABASE_URL. BACKUP_PG_CONTAINER=<container> runs pg_restore and psql inside that
# container (the file is copied in and removed afterwards), as backup.sh does.
set -euo pipefail

usage() {
  echo "usage: DATABASE_URL=postgres://… $0 FILE [--force]" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
file="$1"
force=false
if [[ $# -eq 2 ]]; then
  [[ "$2" == --force ]] || usage
  force=true
fi
: "${DATABASE_URL:?DATABASE_URL is required (postgres://user:password@host:port/db)}"
log() { printf '[restore] %s\n' "$*" >&2; }
[[ -f "$file" && -r "$file" ]] || {
  log "cannot read $file"
  exit 1
}

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/pg-env.sh
source "$here/pg-env.sh"
export_pg_env "$DATABASE_URL"

# The archive as the client programs see it: the file itself, or a copy inside the container.
archive="$file"
if [[ -n "${BACKUP_PG_CONTAINER:-}" ]]; then
  archive="/tmp/lang-agent-restore-$$.dump"
  "${DOCKER:-docker}" cp "$file" "$BACKUP_PG_CONTAINER:$archive"
  trap '"${DOCKER:-docker}" exec "$BACKUP_PG_CONTAINER" rm -f "$archive" || true' EXIT
fi

pg_client pg_restore --list "$archive" >/dev/null || {
  log "$file is not a pg_dump custom-format archive this pg_restore can read"
  exit 1
}

tables="$(pg_client psql --no-psqlrc --quiet --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
options=(--no-owner --no-privileges --exit-on-error --single-transaction --dbname="$PGDATABASE")
if [[ "$tables" != 0 ]]; then
  if ! $force; then
    log "database $PGDATABASE already has $tables tables: restore into an empty database, or pass --force to replace what the dump holds"
    exit 1
  fi
  log "--force: dropping what the dump holds from $PGDATABASE ($tables tables there now)"
  options+=(--clean --if-exists)
fi

log "restoring $file into $PGDATABASE on $PGHOST:$PGPORT"
pg_client pg_restore "${options[@]}" "$archive"
log "restored"
