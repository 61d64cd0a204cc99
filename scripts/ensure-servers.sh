#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672) answer.
# Installed but stopped on this machine: starts them. Absent, with a Docker engine: starts them
# from deploy/compose.yaml. Never assumes state left by hand; waits until both answer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local port=$1 name=$2
  for _ in $(seq 1 120); do
    if answers "$port"; then echo "$name answers on 127.0.0.1:$port"; return 0; fi
    sleep 1
  done
  echo "$name does not answer on 127.0.0.1:$port" >&2
  return 1
}

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# The project of `make compose` (same containers and volumes); Compose v2, else docker-compose.
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p capmetiers -f "$here/deploy/compose.yaml" "$@"
  else
    docker-compose -p capmetiers -f "$here/deploy/compose.yaml" "$@"
  fi
}

start_postgres() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  elif docker_answers; then
    compose up -d postgres
  else
    echo "PostgreSQL is neither running, nor installed, nor startable with Docker" >&2
    return 1
  fi
}

# Every quorum queue holds file handles of the broker's budget, which RabbitMQ derives from its
# open-files limit: at the usual 1024, the tests' few hundred quorum queues use it all and the
# broker stops accepting connections (it waits for a handle, forever). Debian's wrapper starts
# the node through `su`, whose PAM session puts the limit back to 1024; as root, the node is
# started as its own user with setpriv instead, keeping the raised limit.
start_local_node() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 \
    && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    (cd /var/lib/rabbitmq && HOME=/var/lib/rabbitmq setpriv --reuid=rabbitmq --regid=rabbitmq \
      --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server -detached)
  else
    rabbitmq-server -detached
  fi
}

start_rabbitmq() {
  if command -v rabbitmq-server >/dev/null 2>&1; then
    (start_local_node) || true
    command -v rabbitmqctl >/dev/null 2>&1 && rabbitmqctl await_startup --timeout 120 >/dev/null 2>&1 || true
  elif docker_answers; then
    compose up -d rabbitmq
  else
    echo "RabbitMQ is neither running, nor installed, nor startable with Docker" >&2
    return 1
  fi
}

answers 5432 || start_postgres
wait_for 5432 PostgreSQL
answers 5672 || start_rabbitmq
wait_for 5672 RabbitMQ
# An open port is not a broker that accepts work: a local node may still be recovering queues,
# or be stuck under the leftovers of killed runs (hundreds of quorum queues on two cores).
broker_lists_its_queues() { timeout 90 rabbitmqctl -q list_queues name >/dev/null 2>&1; }

restart_local_rabbitmq() {
  echo "RabbitMQ $1: restarting the local node" >&2
  timeout 60 rabbitmqctl stop >/dev/null 2>&1 || pkill -9 -f beam.smp || true
  sleep 2
  start_rabbitmq
}

# CI only, as a last resort: a local node that stays stuck after a restart loses its queues
# and messages (the tests' and benchmarks' own; nothing else runs against CI's broker).
reset_local_rabbitmq() {
  local base="${RABBITMQ_MNESIA_BASE:-/var/lib/rabbitmq/mnesia}"
  echo "RabbitMQ still stuck: CI resets the local node's data in $base" >&2
  pkill -9 -f beam.smp || true
  pkill -9 epmd || true
  rm -rf "${base:?}"/*
  start_rabbitmq
}

# The open-files limit of the local broker's process (empty when none runs here).
local_broker_open_files() {
  local pid
  pid=$(pgrep -f 'beam.smp.*rabbit' | head -n 1) || return 0
  awk '/^Max open files/ {print $4}' "/proc/$pid/limits" 2>/dev/null || true
}

if command -v rabbitmqctl >/dev/null 2>&1; then
  rabbitmqctl await_startup --timeout 300 >/dev/null 2>&1 \
    || echo "RabbitMQ did not report itself started" >&2
  open_files=$(local_broker_open_files)
  wanted=$(ulimit -Hn)
  [ "$wanted" = unlimited ] || [ "$wanted" -gt 16384 ] && wanted=16384
  if [ -n "$open_files" ] && [ "$open_files" -lt "$wanted" ]; then
    restart_local_rabbitmq "runs with $open_files open files, too few for quorum queues"
    wait_for 5672 RabbitMQ
    echo "RabbitMQ now runs with $(local_broker_open_files) open files"
  fi
  if ! broker_lists_its_queues; then
    restart_local_rabbitmq "does not answer rabbitmqctl"
    wait_for 5672 RabbitMQ
    if ! broker_lists_its_queues; then
      case "${CI:-}" in
        1 | true | yes) reset_local_rabbitmq; wait_for 5672 RabbitMQ ;;
        *) echo "RabbitMQ answers on its port but not to rabbitmqctl; see its logs" >&2; exit 1 ;;
      esac
      broker_lists_its_queues || { echo "RabbitMQ does not answer after a reset" >&2; exit 1; }
    fi
  fi
  echo "RabbitMQ lists its queues ($(rabbitmqctl -q list_queues name 2>/dev/null | wc -l) queues)"
fi
