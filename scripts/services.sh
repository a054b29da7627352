#!/usr/bin/env bash
# Installs (with apt-get) and starts PostgreSQL and Redis on 127.0.0.1 for tests and benchmarks,
# and installs ffmpeg, which the self-hosted video pipeline and its tests run.
#   scripts/services.sh start   idempotent: reuses servers that already answer and tools already present
#   scripts/services.sh stop    stops only what `start` started
#   scripts/services.sh env     prints the connection settings as shell exports
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.services"
pg_port="${LEARNSTREAM_PG_PORT:-5432}"
redis_port="${LEARNSTREAM_REDIS_PORT:-6379}"
pg_user=learnstream
pg_password=learnstream

log() { echo "services: $*" >&2; }

apt_install() {
  if [ -z "${apt_updated:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

as_postgres() { runuser -u postgres -- "$@"; }

start_postgres() {
  if [ -z "$(pg_version)" ] || ! command -v pg_ctlcluster >/dev/null; then
    log "installing PostgreSQL"
    apt_install postgresql
  fi
  local version; version="$(pg_version)"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
    log "creating cluster $version/main"
    pg_createcluster "$version" main >&2
  fi
  if pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "PostgreSQL $version already running"
  else
    log "starting PostgreSQL $version on 127.0.0.1:$pg_port"
    pg_ctlcluster "$version" main start -- -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c max_connections=300" >&2
    echo "$version" > "$state/postgres.started"
  fi
  for _ in $(seq 1 30); do
    as_postgres psql -p "$pg_port" -h 127.0.0.1 -d postgres -tAc "select 1" >/dev/null 2>&1 && break || true
    as_postgres psql -p "$pg_port" -d postgres -tAc "select 1" >/dev/null 2>&1 && break || sleep 1
  done
  as_postgres psql -p "$pg_port" -d postgres -v ON_ERROR_STOP=1 -q >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pg_user') THEN
    CREATE ROLE $pg_user LOGIN CREATEDB PASSWORD '$pg_password';
  END IF;
END \$\$;
-- Tests drop their databases WITH (FORCE), which must also end an autovacuum worker busy in them.
GRANT pg_signal_backend TO $pg_user;
SQL
  if ! as_postgres psql -p "$pg_port" -d postgres -tAc "select 1 from pg_database where datname='learnstream'" | grep -q 1; then
    as_postgres createdb -p "$pg_port" -O "$pg_user" learnstream
  fi
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    log "installing Redis"
    apt_install redis-server
  fi
  if redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
    log "Redis already running on 127.0.0.1:$redis_port"
    return
  fi
  mkdir -p "$state/redis"
  log "starting Redis on 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$state/redis" --pidfile "$state/redis/redis.pid" --logfile "$state/redis/redis.log" >&2
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break || sleep 0.2
  done
  touch "$state/redis.started"
}

# Not a server: nothing to start or stop, only to have on PATH (ffprobe ships in the same package).
ensure_ffmpeg() {
  if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then
    return
  fi
  log "installing ffmpeg"
  apt_install ffmpeg
}

stop_all() {
  if [ -f "$state/redis.started" ]; then
    log "stopping Redis"
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$state/redis.started"
  fi
  if [ -f "$state/postgres.started" ]; then
    log "stopping PostgreSQL"
    pg_ctlcluster "$(cat "$state/postgres.started")" main stop >&2 || true
    rm -f "$state/postgres.started"
  fi
}

print_env() {
  echo "export LEARNSTREAM_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=learnstream'"
  echo "export LEARNSTREAM_TEST_REDIS='127.0.0.1:$redis_port'"
}

mkdir -p "$state"
case "${1:-}" in
  start) ensure_ffmpeg; start_postgres; start_redis ;;
  stop) stop_all ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
