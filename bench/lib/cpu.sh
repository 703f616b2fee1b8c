# shellcheck shell=bash
# CPU accounting from /proc, shared by bench/run.sh and bench/replay/review.sh (sourced).
# pg_postmaster reaches the cluster with psql and the PG* environment variables.

CLK_TCK=$(getconf CLK_TCK)

# CPU time (user + system) in ms that processes have used so far, with that of their children
# that have exited (cutime/cstime): read around the measured run, for the api-server and for
# the PostgreSQL cluster (its postmaster and every backend, so a connection or an autovacuum
# worker that exits during the run is still counted, through the postmaster's children).
# CPU per request is steadier than requests/s on a shared machine.
cpu_ms() { # cpu_ms <pid>...
  local total=0 pid stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"${stat##*) }"   # after "(comm) ": state is f[0], utime..cstime f[11]..f[14]
    total=$((total + f[11] + f[12] + f[13] + f[14]))
  done
  echo $((total * 1000 / CLK_TCK))
}
# The cluster's postmaster, when it runs on this machine (its data directory's postmaster.pid);
# nothing for a remote server.
pg_postmaster() {
  local dir
  dir=$(psql -X -q -d postgres -Atc "SHOW data_directory" 2>/dev/null) || return 0
  head -1 "$dir/postmaster.pid" 2>/dev/null || true
}
pg_pids() { # pg_pids <postmaster>: it and its children
  echo "$1"
  pgrep -P "$1" || true
}
pg_cpu_ms() { # pg_cpu_ms <postmaster>: cpu_ms of the whole cluster
  # shellcheck disable=SC2046 # one argument per pid
  cpu_ms $(pg_pids "$1")
}
# CPU time in ms that the whole machine has spent busy so far (every core; /proc/stat's first
# line less idle and iowait): the api-server, the database, Redis and the load generator
# together. Read around a run with the wall time, it tells how much of the machine a request
# costs in all and whether the machine was saturated (busy ≈ cores × wall time), which bounds
# the requests a second any change on one side can reach.
machine_busy_ms() {
  local user nice system irq softirq steal
  # cpu user nice system idle iowait irq softirq steal guest guest_nice
  read -r _ user nice system _ _ irq softirq steal _ </proc/stat
  echo $(( (user + nice + system + irq + softirq + steal) * 1000 / CLK_TCK ))
}
