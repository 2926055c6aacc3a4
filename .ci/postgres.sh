#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on loopback for the test suite and prints the variables to use.
# Usage: pg_env=$(.ci/postgres.sh start) && eval "$pg_env"   ...   .ci/postgres.sh stop "$PG_TEST_DIR"
set -euo pipefail
case "${1:-start}" in
  start)
    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    STATE=$(mktemp -d /tmp/fh-postgres.XXXXXX)
    chown postgres "$STATE"
    runuser -u postgres -- "$PGBIN/initdb" -D "$STATE/data" -A trust -U postgres >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/data" -l "$STATE/log" -w \
      -o "-p $PORT -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
    runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" family_hub_test
    echo "export PG_TEST_DIR=$STATE"
    echo "export TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/family_hub_test"
    ;;
  stop)
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2/data" -w stop -m fast >/dev/null || true
    rm -rf "$2"
    ;;
esac
