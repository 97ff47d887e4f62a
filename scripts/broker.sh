#!/usr/bin/env bash
# A private RabbitMQ for the tests, the demo and you: its own node, ports, cookie, epmd and data in
# a fresh directory, started without systemd and stopped without a trace. A system RabbitMQ (or
# another private one) on the same machine is never touched.
#
#   scripts/broker.sh start            prints RPC_BROKER_URL=… and RPC_BROKER_DIR=… (eval-able)
#   scripts/broker.sh stop [DIR]       DIR, or $RPC_BROKER_DIR (`status` lists them all)
#   scripts/broker.sh restart [DIR]    stop, then start on the same ports and data (durable queues survive)
#   scripts/broker.sh status [DIR]     is it accepting AMQP? (no DIR: lists the private brokers)
#
# Exit codes: 0 ok · 1 failed (the message says why) · 2 usage · 3 no broker can be had here
# (not installed and not installable, or RPC_NO_BROKER is set): callers report "skipped: <reason>".
#
# Environment: RPC_NO_BROKER=reason (pretend there is none), RPC_BROKER_START_TIMEOUT (s, 90),
# RPC_BROKER_TMP (parent of the state directories, default ${TMPDIR:-/tmp}), RPC_RABBITMQ_SBIN,
# RPC_BROKER_STATE_FILE (start writes the state directory's path there as soon as it has one).
set -uo pipefail

readonly UNAVAILABLE=3
# Debian's rabbitmq-server package (/usr/sbin's wrappers would force the system's HOME and cookie);
# RPC_RABBITMQ_SBIN names another installation's sbin/ (RabbitMQ's generic-unix tarball).
readonly SBIN="${RPC_RABBITMQ_SBIN:-/usr/lib/rabbitmq/bin}"
tmp_parent="${RPC_BROKER_TMP:-${TMPDIR:-/tmp}}"

say() { printf 'broker: %s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}
unavailable() {
  say "unavailable: $*"
  exit "$UNAVAILABLE"
}
usage() {
  sed -n '6,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when an AMQP 0-9-1 server answers our protocol header on 127.0.0.1:$1 with a frame: the
# broker is up, not just its socket (RabbitMQ opens its listener at the end of its boot anyway).
amqp_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'AMQP\x00\x00\x09\x01' >&3
    IFS= read -r -t 2 -N 1 byte <&3
    [ "$byte" = $'\x01' ] # frame type 1: connection.start
  ) 2>/dev/null
}

# --- installing ----------------------------------------------------------------------------------

# Installs Debian's rabbitmq-server when it is missing and we may (root, apt-get), without letting
# the package start the system service: a policy-rc.d that says "no" (exit 101) for the duration,
# the standard Debian switch, honoured by invoke-rc.d and deb-systemd-invoke alike.
ensure_installed() {
  [ -x "$SBIN/rabbitmq-server" ] && return 0
  [ -n "${RPC_RABBITMQ_SBIN:-}" ] && unavailable "no rabbitmq-server in RPC_RABBITMQ_SBIN=$RPC_RABBITMQ_SBIN"
  if [ "$(id -u)" != 0 ]; then
    unavailable "rabbitmq-server is not installed, and installing it needs root (try: sudo apt-get install -y rabbitmq-server)"
  fi
  command -v apt-get >/dev/null 2>&1 || unavailable "rabbitmq-server is not installed and there is no apt-get to install it (not Debian?)"
  local policy=/usr/sbin/policy-rc.d our_policy=0 started
  started="$(now)"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# put here by scripts/broker.sh while it installs rabbitmq-server\nexit 101\n' >"$policy" && chmod 755 "$policy" && our_policy=1
  fi
  local had_system_node=0
  system_node_running && had_system_node=1
  say "rabbitmq-server is missing: installing it (apt-get update && apt-get install -y rabbitmq-server)..."
  local ok=1
  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends rabbitmq-server; } >&2 || ok=0
  [ "$our_policy" = 1 ] && rm -f "$policy"
  if [ "$had_system_node" = 0 ] && system_node_running; then
    # The package started the system service after all (no policy-rc.d honoured): stop what we caused.
    say "the package started the system RabbitMQ service; stopping it (it is not ours to leave running)"
    { systemctl stop rabbitmq-server || service rabbitmq-server stop; } >/dev/null 2>&1 || say "warning: could not stop the system RabbitMQ service"
  fi
  [ "$ok" = 1 ] && [ -x "$SBIN/rabbitmq-server" ] ||
    unavailable "installing rabbitmq-server with apt-get failed (see apt's messages above)"
  say "installed rabbitmq-server in $(elapsed "$started") s"
}

# The system service's server runs with HOME=/var/lib/rabbitmq; ours with HOME=<state dir>/data.
system_node_running() { pgrep -f -- 'beam.* -home /var/lib/rabbitmq( |$)' >/dev/null 2>&1; }

# --- state -----------------------------------------------------------------------------------------
# DIR/broker.env (root's when we are root) describes the instance; DIR/data belongs to the user the
# server runs as (rabbitmq when we are root: the server cannot write a root-owned directory).

# Reads DIR/broker.env into variables, accepting only the keys we write (it is never sourced).
read_state() {
  local dir="$1" key value
  [ -f "$dir/broker.env" ] || return 1
  node="" amqp_port="" dist_port="" epmd_port="" server_pid="" run_as="" url=""
  while IFS='=' read -r key value; do
    case "$key" in
      RPC_BROKER_NODE) node="$value" ;;
      RPC_BROKER_AMQP_PORT) amqp_port="$value" ;;
      RPC_BROKER_DIST_PORT) dist_port="$value" ;;
      RPC_BROKER_EPMD_PORT) epmd_port="$value" ;;
      RPC_BROKER_PID) server_pid="$value" ;;
      RPC_BROKER_RUN_AS) run_as="$value" ;;
      RPC_BROKER_URL) url="$value" ;;
    esac
  done <"$dir/broker.env"
  [[ "$amqp_port" =~ ^[0-9]+$ && "$epmd_port" =~ ^[0-9]+$ && "$server_pid" =~ ^[0-9]+$ && "$node" =~ ^rpc-[0-9]+@localhost$ ]]
}

# Sets `as_server` to the command prefix that runs a command as the server's user, with only the
# instance's environment (nothing from /etc/rabbitmq, the caller's HOME or its cookie).
as_server_in() {
  local dir="$1"
  as_server=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$dir/data"
    RABBITMQ_CONF_ENV_FILE="$dir/data/rabbitmq-env.conf" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1)
  if [ "$run_as" = rabbitmq ]; then
    as_server=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "${as_server[@]}")
  fi
}

# --- start -----------------------------------------------------------------------------------------

# Claims three free ports (AMQP, distribution, epmd) below the kernel's ephemeral range, so a port
# the OS hands a test (port 0) never collides with them. `mkdir` of the state directory, named
# after the AMQP port, is the atomic claim against another broker.sh starting at the same moment.
claim_ports() {
  local low=20000 high=32000 range tries base
  range="$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)" && high="${range%%[[:space:]]*}"
  [ "$high" -gt "$((low + 1000))" ] || high=32000
  for tries in $(seq 1 50); do
    base=$((low + (RANDOM * 32768 + RANDOM) % (high - low - 3)))
    port_listens "$base" || port_listens "$((base + 1))" || port_listens "$((base + 2))" || {
      state_dir="$tmp_parent/rpc-broker-$base"
      if mkdir -m 755 "$state_dir" 2>/dev/null; then
        amqp_port=$base dist_port=$((base + 1)) epmd_port=$((base + 2))
        return 0
      fi
    }
  done
  fail "found no three free ports in $low-$high after 50 tries"
}

# Sets run_as: the user the server runs as (rabbitmq when we are root: it cannot write root's files).
choose_user() {
  if [ "$(id -u)" = 0 ]; then
    id rabbitmq >/dev/null 2>&1 || fail "the rabbitmq user is missing (is the rabbitmq-server package installed completely?)"
    command -v setpriv >/dev/null 2>&1 || fail "setpriv (util-linux) is needed to run the broker as the rabbitmq user"
    run_as=rabbitmq
  else
    run_as="$(id -un)"
  fi
}

cmd_start() {
  [ -n "${RPC_NO_BROKER:-}" ] && unavailable "disabled by RPC_NO_BROKER=${RPC_NO_BROKER}"
  ensure_installed
  local started
  started="$(now)"
  choose_user
  claim_ports
  # Interrupted half-way (the caller gave up, or Ctrl-C): leave nothing behind.
  trap 'rm -rf -- "$state_dir"; exit 130' INT TERM
  # For a caller that must find the instance before `start` returns (run_rpc_tests.sh does).
  [ -n "${RPC_BROKER_STATE_FILE:-}" ] && printf '%s\n' "$state_dir" >"$RPC_BROKER_STATE_FILE"
  node="rpc-$amqp_port@localhost"
  url="amqp://guest:guest@127.0.0.1:$amqp_port"
  local data="$state_dir/data"
  mkdir -p "$data/mnesia" "$data/log" || fail "cannot create $data"
  : >"$data/enabled_plugins"    # no plugins: faster start, nothing listening but AMQP
  : >"$data/rabbitmq-env.conf"  # instead of /etc/rabbitmq/rabbitmq-env.conf
  # Instead of /etc/rabbitmq/rabbitmq.conf. guest may connect from loopback only (the default).
  printf '%s\n' "loopback_users.guest = true" "log.console = false" "log.file.level = info" >"$data/rabbitmq.conf"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/.erlang.cookie" # Erlang reads $HOME/.erlang.cookie
  chmod 400 "$data/.erlang.cookie"
  [ "$run_as" = rabbitmq ] && chown -R rabbitmq:rabbitmq "$data"
  launch
  say "$node accepts AMQP at $url (started in $(elapsed "$started") s); stop it with: scripts/broker.sh stop $state_dir"
  printf 'RPC_BROKER_URL=%q\nRPC_BROKER_DIR=%q\n' "$url" "$state_dir"
}

# Stops the broker in DIR and starts it again on the same ports with the same data: durable
# queues and persistent messages survive, as across a real broker's restart.
cmd_restart() {
  local dir="${1:-${RPC_BROKER_DIR:-}}" started
  [ -n "$dir" ] || { say "which one? scripts/broker.sh restart DIR (or set RPC_BROKER_DIR)"; exit 2; }
  read_state "$dir" || fail "no private broker in $dir"
  started="$(now)"
  stop_instance "$dir" keep
  read_state "$dir" || fail "no private broker in $dir"
  state_dir="$dir"
  port_listens "$amqp_port" && fail "port $amqp_port is taken since the stop; start a new broker instead"
  launch
  say "$node accepts AMQP at $url again (restarted in $(elapsed "$started") s)"
  printf 'RPC_BROKER_URL=%q\nRPC_BROKER_DIR=%q\n' "$url" "$state_dir"
}

# Starts the server of $state_dir (node, ports, run_as set) and waits until it answers AMQP.
launch() {
  local data="$state_dir/data"
  # setsid: its own session, so a Ctrl-C meant for the caller does not kill it half-way; the
  # caller's trap stops it properly. No fd of the caller stays open in it (`$(broker.sh start)`
  # would wait forever).
  as_server_in "$state_dir"
  "${as_server[@]}" setsid env \
    RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port" \
    RABBITMQ_DIST_PORT="$dist_port" RABBITMQ_MNESIA_BASE="$data/mnesia" RABBITMQ_LOG_BASE="$data/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$data/enabled_plugins" RABBITMQ_CONFIG_FILE="$data/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$data/advanced.config" RABBITMQ_PID_FILE="$data/rabbitmq.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$SBIN/rabbitmq-server" </dev/null >>"$state_dir/server.out" 2>&1 &
  server_pid=$!
  {
    echo "RPC_BROKER_URL=$url"
    echo "RPC_BROKER_DIR=$state_dir"
    echo "RPC_BROKER_NODE=$node"
    echo "RPC_BROKER_AMQP_PORT=$amqp_port"
    echo "RPC_BROKER_DIST_PORT=$dist_port"
    echo "RPC_BROKER_EPMD_PORT=$epmd_port"
    echo "RPC_BROKER_PID=$server_pid"
    echo "RPC_BROKER_RUN_AS=$run_as"
  } >"$state_dir/broker.env"
  trap 'say "interrupted: stopping the broker being started"; stop_instance "$state_dir" >/dev/null 2>&1; exit 130' INT TERM

  local limit="${RPC_BROKER_START_TIMEOUT:-90}" deadline
  deadline=$(($(date +%s) + limit))
  until amqp_answers "$amqp_port"; do
    if ! alive "$server_pid"; then
      say "error: RabbitMQ exited during its start; the end of its output ($state_dir/server.out):"
      tail -n 20 "$state_dir/server.out" >&2
      stop_instance "$state_dir" keep >/dev/null 2>&1
      say "its logs are in $data/log; remove $state_dir when done"
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "error: RabbitMQ did not accept AMQP on port $amqp_port within $limit s (RPC_BROKER_START_TIMEOUT); logs in $data/log"
      stop_instance "$state_dir" keep
      exit 1
    fi
    sleep 0.1
  done
  trap - INT TERM
}

# True while process $1 runs (a zombie, exited but not yet reaped by us, does not count).
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# --- stop ------------------------------------------------------------------------------------------

# Stops the instance in DIR: `rabbitmqctl stop`, then makes sure no process of ours remains (the
# server, then our epmd, which outlives the node by design), then removes DIR unless told to keep it.
stop_instance() {
  local dir="$1" keep="${2:-}"
  if ! read_state "$dir"; then
    say "no private broker in $dir (already stopped?)"
    return 0
  fi
  if alive "$server_pid"; then
    as_server_in "$dir"
    "${as_server[@]}" timeout 30 "$SBIN/rabbitmqctl" -n "$node" stop >/dev/null 2>&1 ||
      say "rabbitmqctl stop did not succeed; stopping the process instead"
    wait_gone "$server_pid" 15 || { kill -TERM -- "-$server_pid" "$server_pid" 2>/dev/null; wait_gone "$server_pid" 5; } ||
      { kill -KILL -- "-$server_pid" "$server_pid" 2>/dev/null; wait_gone "$server_pid" 5; }
  fi
  # setsid made the server a process group leader; anything left in its group is ours.
  pkill -KILL -g "$server_pid" 2>/dev/null
  if port_listens "$epmd_port"; then
    as_server_in "$dir"
    "${as_server[@]}" epmd -kill >/dev/null 2>&1
    local pid
    for pid in $(epmd_pids "$epmd_port"); do kill -TERM "$pid" 2>/dev/null; done
  fi
  if port_listens "$amqp_port" || port_listens "$epmd_port"; then
    say "warning: something still listens on port $amqp_port or $epmd_port after stopping $node"
  fi
  if [ -z "$keep" ]; then
    rm -rf -- "$dir"
  fi
  say "stopped $node"
}

# The epmd processes listening on port $1 (found by their ERL_EPMD_PORT, as ss may be missing).
epmd_pids() {
  local pid
  for pid in $(pgrep -x epmd); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "ERL_EPMD_PORT=$1" && echo "$pid"
  done
}

# Waits up to $2 s for process $1 to end.
wait_gone() {
  local pid="$1" deadline=$(($(date +%s) + $2))
  while alive "$pid"; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

instances() { ls -d "$tmp_parent"/rpc-broker-* 2>/dev/null; }

# No "stop everything": on a shared machine other checkouts' tests have private brokers too.
cmd_stop() {
  local dir="${1:-${RPC_BROKER_DIR:-}}"
  [ -n "$dir" ] || { say "which one? scripts/broker.sh stop DIR (or set RPC_BROKER_DIR); scripts/broker.sh status lists them"; exit 2; }
  stop_instance "$dir"
}

cmd_status() {
  local dir="${1:-${RPC_BROKER_DIR:-}}" found=1
  if [ -z "$dir" ]; then
    for dir in $(instances); do
      read_state "$dir" || continue
      found=0
      if amqp_answers "$amqp_port"; then echo "running  $url  $node  $dir"; else echo "down     $url  $node  $dir"; fi
    done
    [ "$found" = 0 ] || echo "no private broker (start one with: scripts/broker.sh start)"
    return 0
  fi
  read_state "$dir" || { echo "no private broker in $dir"; exit 1; }
  if amqp_answers "$amqp_port"; then
    echo "running  $url  $node  $dir"
  else
    echo "down     $url  $node  $dir"
    exit 1
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
