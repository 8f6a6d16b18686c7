#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for tests and benchmarks, and prints its URL.
#   eval "$(scripts/pg-throwaway.sh start [PORT])"   -> exports TEST_DATABASE_URL and PG_THROWAWAY_DIR
#   scripts/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"
# Uses Debian's PostgreSQL binaries (apt-get install postgresql); runs the server as user postgres
# in a temporary directory, so nothing of the machine's own clusters is touched.
set -euo pipefail
cmd=${1:-start}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "PostgreSQL introuvable : apt-get install -y postgresql" >&2; exit 1; }
case "$cmd" in
  start)
    port=${2:-$((25000 + RANDOM % 10000))}
    dir=$(mktemp -d /tmp/vigie-pg.XXXXXX)
    chown postgres:postgres "$dir" 2>/dev/null || true
    as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
    as_pg "$bindir/initdb -D '$dir/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
      || as_pg "$bindir/initdb -D '$dir/data' -U postgres -A trust -E UTF8 >'$dir/initdb.log' 2>&1"
    as_pg "$bindir/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"
    echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export PG_THROWAWAY_DIR=$dir"
    ;;
  stop)
    dir=${2:?directory}
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$bindir/pg_ctl -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
    else "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start [PORT] | stop DIR" >&2; exit 2 ;;
esac
