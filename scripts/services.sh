#!/usr/bin/env bash
# Sourced by scripts/test.sh: the services the test suites need beside SQLite — PostgreSQL (storage contract,
# schema parity, the server suites on PostgreSQL, several instances) and Redis (several instances). Installed
# from Debian's packages and started when missing; the tests get a role and a database of their own, reached
# with a password, so that they work whatever the server's authentication rules.
#
# TEST_DATABASE_URL, when set, names a PostgreSQL to use as is (nothing is installed or created).

TEST_PG_ROLE=compagnon_test
TEST_PG_DB=compagnon_test

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  echo "› Installation de $* (paquets Debian) …"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# Runs psql as the cluster's superuser, over the local socket.
pg_admin() {
  as_root runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "› Démarrage de PostgreSQL …"
    local version
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
    pg_isready -q -h 127.0.0.1 -p 5432 || { echo "✗ PostgreSQL ne répond pas" >&2; return 1; }
  fi
  if [ "$(pg_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$TEST_PG_ROLE'")" != 1 ]; then
    pg_admin -c "CREATE ROLE $TEST_PG_ROLE LOGIN PASSWORD '$TEST_PG_ROLE'"
  fi
  if [ "$(pg_admin -c "SELECT 1 FROM pg_database WHERE datname = '$TEST_PG_DB'")" != 1 ]; then
    # C collation: text sorts by bytes, as SQLite does, so both backends order names alike.
    pg_admin -c "CREATE DATABASE $TEST_PG_DB OWNER $TEST_PG_ROLE TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
  fi
  export TEST_DATABASE_URL="postgres://$TEST_PG_ROLE:$TEST_PG_ROLE@127.0.0.1:5432/$TEST_PG_DB"
}

# The tests start private redis-server processes on free ports; the machine's own Redis is started too
# when it is installed but stopped, as a deployment would expect it.
ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  export REDIS_SERVER
  REDIS_SERVER="$(command -v redis-server)"
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "› Démarrage de Redis …"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
  fi
}
