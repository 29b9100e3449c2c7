#!/usr/bin/env bash
# make demo: migrate the embedded SQLite database, load the demo, run the task worker and the
# server together, and say where to log in. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"

$PY manage.py migrate --no-input -v0
$PY manage.py load_demo > var/demo-logins.txt

$PY manage.py db_worker --queue-name default >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<BANNER

  Kopru is running at http://127.0.0.1:${PORT}/
  Log in as any demo role, with the password ${KOPRU_DEMO_PASSWORD:+from KOPRU_DEMO_PASSWORD}${KOPRU_DEMO_PASSWORD:-kopru-demo} (no second factor in the demo):
$(tail -n +2 var/demo-logins.txt | tr -s ' ' | sed 's/^/   /' | paste -sd ' ' | fold -s -w 90 | sed 's/^/   /')
  API documentation: http://127.0.0.1:${PORT}/api/v1/docs (after logging in)
  The background task worker runs alongside (log: var/worker.log). Stop with Ctrl-C.

BANNER
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload
