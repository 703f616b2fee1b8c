# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: turns a DATABASE_URL into libpq's PG* variables, so the
# password travels in the environment and never in a command line (`ps`) or a log line; and
# runs the PostgreSQL client programs, here or inside the database's container.

# Percent-decodes $1 as libpq does for a URI: %XX only ('+' stays '+', a backslash stays a
# backslash).
url_decode() {
  local escaped="${1//\\/\\\\}"
  printf '%b' "${escaped//%/\\x}"
}

# export_pg_env postgres://user:password@host:port/database?sslmode=…
# The host may be a name, an IPv4 address or a bracketed IPv6 address ([::1]:5432).
export_pg_env() {
  local url="$1" rest credentials location path query host port pair
  case "$url" in
    postgres://* | postgresql://*) rest="${url#*://}" ;;
    *)
      echo "DATABASE_URL must be a postgres:// URL" >&2
      return 1
      ;;
  esac
  unset PGUSER PGPASSWORD PGSSLMODE
  # As libpq reads a URI: credentials end at the first '@' before the first '/'.
  if [[ "${rest%%/*}" == *@* ]]; then
    credentials="${rest%%@*}"
    rest="${rest#*@}"
    PGUSER="$(url_decode "${credentials%%:*}")"
    export PGUSER
    if [[ "$credentials" == *:* ]]; then
      PGPASSWORD="$(url_decode "${credentials#*:}")"
      export PGPASSWORD
    fi
  fi
  location="${rest%%/*}"
  path="${rest#"$location"}"
  path="${path#/}"
  query=""
  if [[ "$path" == *\?* ]]; then
    query="${path#*\?}"
    path="${path%%\?*}"
  fi
  if [[ "$location" == \[* ]]; then
    host="${location#\[}"
    host="${host%%\]*}"
    port="${location##*\]}"
    port="${port#:}"
  else
    host="${location%%:*}"
    port=""
    [[ "$location" == *:* ]] && port="${location##*:}"
  fi
  PGHOST="$(url_decode "$host")"
  PGPORT="${port:-5432}"
  PGDATABASE="$(url_decode "$path")"
  if [[ -z "$PGHOST" || -z "$PGDATABASE" ]]; then
    echo "DATABASE_URL must name a host and a database" >&2
    return 1
  fi
  if [[ ! "$PGPORT" =~ ^[0-9]+$ ]]; then
    echo "DATABASE_URL has a port that is not a number" >&2
    return 1
  fi
  export PGHOST PGPORT PGDATABASE
  local pairs=()
  IFS='&' read -r -a pairs <<<"$query"
  for pair in "${pairs[@]}"; do
    [[ "${pair%%=*}" == sslmode ]] && export PGSSLMODE="${pair#*=}"
  done
  return 0
}

# pg_client PROGRAM ARGS…: runs a PostgreSQL client program (pg_dump, pg_restore, psql) here,
# or, when BACKUP_PG_CONTAINER names a running container (production's postgres, whose client
# is the server's own version), inside it through `docker exec` (DOCKER overrides the program).
# The PG* variables reach the container by name only (`-e PGPASSWORD`, the value is read from
# this environment), so no secret is ever on a command line. stdin and stdout pass through.
pg_client() {
  if [[ -z "${BACKUP_PG_CONTAINER:-}" ]]; then
    "$@"
    return
  fi
  local env_args=() var
  for var in PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE; do
    [[ -n "${!var:-}" ]] && env_args+=(-e "$var")
  done
  "${DOCKER:-docker}" exec -i "${env_args[@]}" "$BACKUP_PG_CONTAINER" "$@"
}
