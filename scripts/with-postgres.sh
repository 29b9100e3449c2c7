#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL 15 cluster on a free local port; the cluster
# is removed afterwards. Sets KOPRU_DATABASE_URL for the command.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
[ -x "$BIN/pg_ctl" ] || BIN="$(dirname "$(command -v pg_ctl)")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/kopru-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then
  # The server refuses to run as root: run it as the postgres system user.
  chown postgres "$DIR"
  AS=(runuser -u postgres --)
fi
cleanup() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U kopru -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U kopru kopru
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
KOPRU_DATABASE_URL="postgres://kopru@127.0.0.1:$PORT/kopru" "$@"
