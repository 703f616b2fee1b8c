# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: turns a DATABASE_URL into libpq's PG* variables, so the
# password travels in the environment and never in a command line (`ps`) or a log line.

# Percent-decodes $1 (user names and passwords in URLs escape '@', ':', '/', …).
url_decode() {
  local encoded="${1//+/ }"
  printf '%b' "${encoded//%/\\x}"
}

# export_pg_env postgres://user:password@host:port/database?sslmode=…
export_pg_env() {
  local url="$1" rest credentials location path query
  case "$url" in
    postgres://* | postgresql://*) rest="${url#*://}" ;;
    *)
      echo "DATABASE_URL must be a postgres:// URL" >&2
      return 1
      ;;
  esac
  if [[ "$rest" == *@* ]]; then
    credentials="${rest%%@*}"
    rest="${rest#*@}"
    PGUSER="$(url_decode "${credentials%%:*}")"
    if [[ "$credentials" == *:* ]]; then
      PGPASSWORD="$(url_decode "${credentials#*:}")"
      export PGPASSWORD
    fi
    export PGUSER
  fi
  location="${rest%%/*}"
  path="${rest#"$location"}"
  path="${path#/}"
  query=""
  if [[ "$path" == *\?* ]]; then
    query="${path#*\?}"
    path="${path%%\?*}"
  fi
  PGHOST="${location%%:*}"
  PGPORT=5432
  [[ "$location" == *:* ]] && PGPORT="${location##*:}"
  PGDATABASE="$(url_decode "$path")"
  if [[ -z "$PGHOST" || -z "$PGDATABASE" ]]; then
    echo "DATABASE_URL must name a host and a database" >&2
    return 1
  fi
  export PGHOST PGPORT PGDATABASE
  local pair
  IFS='&' read -r -a pairs <<<"$query"
  for pair in "${pairs[@]}"; do
    [[ "${pair%%=*}" == sslmode ]] && export PGSSLMODE="${pair#*=}"
  done
  return 0
}
