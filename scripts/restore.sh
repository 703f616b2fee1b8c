#!/usr/bin/env bash
# Restores a dump written by backup.sh into an empty database, all or nothing.
#
#   DATABASE_URL=postgres://…/lang_agent scripts/restore.sh FILE [--force]
#
# Refuses a database that already has tables (a restore over live data would mix the two)
# unless --force, which drops what the dump contains first. One transaction: a dump that
# fails half-way leaves the database as it was.
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
[[ -r "$file" ]] || {
  echo "cannot read $file" >&2
  exit 1
}

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/pg-env.sh
source "$here/pg-env.sh"
export_pg_env "$DATABASE_URL"

pg_restore --list "$file" >/dev/null || {
  echo "$file is not a pg_dump custom-format archive" >&2
  exit 1
}

tables="$(psql --no-psqlrc --quiet --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
options=(--no-owner --no-privileges --exit-on-error --single-transaction --dbname="$PGDATABASE")
if [[ "$tables" != 0 ]]; then
  if ! $force; then
    echo "database $PGDATABASE already has $tables tables: restore into an empty database, or pass --force to replace what the dump holds" >&2
    exit 1
  fi
  options+=(--clean --if-exists)
fi

echo "restoring $file into $PGDATABASE on $PGHOST:$PGPORT" >&2
pg_restore "${options[@]}" "$file"
echo "restored" >&2
