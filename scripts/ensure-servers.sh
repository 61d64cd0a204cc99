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

start_rabbitmq() {
  if command -v rabbitmq-server >/dev/null 2>&1; then
    rabbitmq-server -detached || true
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
# An open port is not a broker that accepts work: a local node may still be recovering queues.
if command -v rabbitmqctl >/dev/null 2>&1; then
  rabbitmqctl await_startup --timeout 300 >/dev/null 2>&1 \
    || echo "RabbitMQ did not report itself started; the tests may fail to connect" >&2
fi
