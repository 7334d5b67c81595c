#!/usr/bin/env bash
# A throwaway PostgreSQL (Debian's) for the server tests: `start` makes a fresh cluster on
# loopback (127.0.0.1, port $JIETI_PG_PORT or 55432; trust authentication, so never anything
# but loopback) and prints its URL; `stop` stops it and removes it.
#   url=$(bash scripts/postgres.sh start) && JIETI_TEST_POSTGRES=$url cargo test -p jieti-server
set -euo pipefail
port="${JIETI_PG_PORT:-55432}"
# Outside the checkout: the server runs as the `postgres` user when we are root (initdb refuses
# root), and that user may not be able to enter the checkout's folders.
dir="${TMPDIR:-/tmp}/jieti-pg-$port"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/pg_ctl" ] || { echo "postgres.sh: no PostgreSQL server; run scripts/setup.sh (Debian's postgresql)" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
case "${1:-}" in
  start)
    stop
    mkdir -p "$dir"
    [ "$(id -u)" != 0 ] || chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U jieti --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Durability is not under test here (the server is killed, never PostgreSQL): no fsync.
    # JIETI_PG_SETTINGS replaces that (scripts/load.sh measures with fsync on).
    settings="${JIETI_PG_SETTINGS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 $settings" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://jieti@127.0.0.1:$port/postgres"
    ;;
  stop) stop ;;
  *) echo "usage: scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
