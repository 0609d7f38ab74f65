#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster in a temp dir, dropped afterwards.
# The command sees DEPOT_TEST_DATABASE_URL. Without PostgreSQL tools it says so and skips.
set -euo pipefail
if ! command -v pg_createcluster >/dev/null; then
  echo "PostgreSQL tests skipped: pg_createcluster not found (apt-get install postgresql)." >&2
  exit 0
fi
if [[ $(id -u) -ne 0 ]] && ! id -nG | grep -qw postgres; then
  echo "PostgreSQL tests skipped: creating a cluster needs root or the postgres group." >&2
  exit 0
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
name="depot_test_$$"
dir=$(mktemp -d /tmp/depot-pg.XXXXXX)
chown postgres:postgres "$dir" 2>/dev/null || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  pg_dropcluster --stop "$version" "$name" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
pg_createcluster "$version" "$name" -p "$port" -d "$dir/data" --start \
  -- --auth-local=trust --auth-host=trust --locale=C.UTF-8 --encoding=UTF8 >/dev/null
for _ in $(seq 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
echo "PostgreSQL $version on 127.0.0.1:$port (cluster $name in $dir)"
export DEPOT_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
"$@"
