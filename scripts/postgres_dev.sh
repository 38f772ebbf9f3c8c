#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for petarawan's server tests (no Docker needed).
#
#   scripts/postgres_dev.sh            # start (installs Debian's postgresql if missing, as root)
#   scripts/postgres_dev.sh stop
#
# Prints the URL to export, e.g.
#   export PETARAWAN_TEST_POSTGRES_URL='postgresql+psycopg://petarawan@/petarawan_test?host=/tmp/petarawan-pg'
# The same URL (with another database name) works for `petarawan server init --db URL`.
set -euo pipefail
DIR="${PETARAWAN_PG_DIR:-/tmp/petarawan-pg}"
PORT="${PETARAWAN_PG_PORT:-55432}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-start}" = stop ]; then
  as_pg "$BIN/pg_ctl" -D "$DIR/data" stop -m fast
  exit 0
fi
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else echo "install PostgreSQL first (Debian: sudo apt-get install postgresql)" >&2; exit 1; fi
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U petarawan >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start -o "-k $DIR -p $PORT -c listen_addresses=''" >/dev/null
fi
as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U petarawan -d postgres -tc "SELECT 1 FROM pg_database WHERE datname='petarawan_test'" \
  | grep -q 1 || as_pg "$BIN/createdb" -h "$DIR" -p "$PORT" -U petarawan petarawan_test
echo "export PETARAWAN_TEST_POSTGRES_URL='postgresql+psycopg://petarawan@/petarawan_test?host=$DIR&port=$PORT'"
