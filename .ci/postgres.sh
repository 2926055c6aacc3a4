#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on loopback for the test suite; prints the DATABASE_URL to use.
# Usage: eval "$(.ci/postgres.sh start)"   ...   .ci/postgres.sh stop
set -euo pipefail
STATE=/tmp/fh-postgres
case "${1:-start}" in
  start)
    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PORT=${PGPORT_TEST:-55432}
    rm -rf "$STATE" && mkdir -p "$STATE" && chown postgres "$STATE"
    runuser -u postgres -- "$PGBIN/initdb" -D "$STATE/data" -A trust -U postgres >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/data" -l "$STATE/log" -w \
      -o "-p $PORT -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" family_hub_test
    echo "export TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/family_hub_test"
    ;;
  stop)
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/data" -w stop -m fast >/dev/null || true
    ;;
esac
