#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the tests: Debian's `postgresql` package (installed when missing),
# initdb in a temporary folder owned by a non-root user, listening on a unix socket only (no TCP, no network).
# Prints the database URL on stdout; `.ci/postgres.sh stop DIR` stops it.
set -euo pipefail
if [[ "${1:-}" == "stop" ]]; then
  dir="$2"; owner=$(stat -c %U "$dir/data")
  runuser -u "$owner" -- "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"; exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
user=nobody
if [[ $(id -u) -ne 0 ]]; then user=$(id -un); fi
dir=$(mktemp -d /tmp/labor-pg.XXXXXX)
chmod 755 "$dir"; mkdir "$dir/data" "$dir/sock" "$dir/log"; echo "$bindir" > "$dir/bindir"
chown "$user" "$dir/data" "$dir/sock" "$dir/log" 2>/dev/null || true
run() { if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi; }
run "$bindir/initdb" -D "$dir/data" -U labor -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || run "$bindir/initdb" -D "$dir/data" -U labor -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log/server.log" -w -o "-c listen_addresses='' -k $dir/sock -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
run "$bindir/createdb" -h "$dir/sock" -U labor labor_test
echo "postgresql://labor@/labor_test?host=$dir/sock"
