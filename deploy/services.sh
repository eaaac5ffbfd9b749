# Throwaway PostgreSQL and Redis on loopback ports, for CI and deploy/scale-demo.
# Source this file, then: start_postgres PORT; start_redis PORT; ...; stop_services.
# stop_redis / restart_redis take Redis away and bring it back on the same port (scale-demo).
# Everything lives in one temp dir ($SERVICES_DIR) that stop_services removes.
# shellcheck shell=bash

SERVICES_DIR="${SERVICES_DIR:-$(mktemp -d /tmp/portal-services.XXXXXX)}"
chmod 755 "$SERVICES_DIR"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
_PG_STARTED=""
_REDIS_STARTED=""

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_postgres PORT -> exports DATABASE_URL for role "portal" (CREATEDB, so Django's test
# runner can create test_portal) on database "portal".
start_postgres() {
  local port="$1" pgdir="$SERVICES_DIR/pg" password
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL binaries not found (PG_BIN=$PG_BIN)" >&2; return 1; }
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  mkdir -p "$pgdir"
  printf '%s\n' "$password" >"$pgdir/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$pgdir"
  _as_postgres "$PG_BIN/initdb" -D "$pgdir/data" -U postgres --pwfile="$pgdir/pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # Durability off: this cluster is thrown away, and tests run faster without fsync.
  _as_postgres "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null
  _PG_STARTED="$pgdir/data"
  PGPASSWORD="$password" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE portal LOGIN PASSWORD 'portal-$password' CREATEDB" \
    -c "CREATE DATABASE portal OWNER portal" >/dev/null
  export DATABASE_URL="postgres://portal:portal-$password@127.0.0.1:$port/portal"
}

# start_redis PORT -> exports REDIS_URL
start_redis() {
  local port="$1" rdir="$SERVICES_DIR/redis"
  mkdir -p "$rdir"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$rdir" \
    --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do [ -s "$rdir/redis.pid" ] && break; sleep 0.1; done
  _REDIS_STARTED="$rdir/redis.pid"
  _REDIS_PORT="$port"
  export REDIS_URL="redis://127.0.0.1:$port/0"
}

# stop_redis [save]: stop the Redis start_redis started, and wait until its port refuses
# connections. "save" writes a snapshot first (what a default Redis does when it shuts down),
# which restart_redis loads again: cached copies from before the outage come back with it.
stop_redis() {
  local how=nosave
  [ "${1:-}" = save ] && how=save
  redis-cli -h 127.0.0.1 -p "$_REDIS_PORT" shutdown "$how" >/dev/null 2>&1 || true
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$_REDIS_PORT" ping >/dev/null 2>&1 || break
    sleep 0.1
  done
  rm -f "$_REDIS_STARTED"
}

# restart_redis: start it again on the same port (the instances' REDIS_URL stays right).
restart_redis() { start_redis "$_REDIS_PORT"; }

stop_services() {
  if [ -n "$_PG_STARTED" ]; then
    _as_postgres "$PG_BIN/pg_ctl" -D "$_PG_STARTED" -m fast -w stop >/dev/null 2>&1 || true
    _PG_STARTED=""
  fi
  if [ -n "$_REDIS_STARTED" ] && [ -s "$_REDIS_STARTED" ]; then
    local pid
    pid="$(cat "$_REDIS_STARTED")"
    kill "$pid" 2>/dev/null || true
    # Wait for it to be gone: a Redis still shutting down writes into its directory while it
    # is removed ("Directory not empty"), which failed a CI run whose tests had all passed.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    _REDIS_STARTED=""
  fi
  # Removing the directory is tidying up: it never fails the caller (an EXIT trap under set -e).
  rm -rf "$SERVICES_DIR" 2>/dev/null || { sleep 1; rm -rf "$SERVICES_DIR" 2>/dev/null; } || true
}
