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

if [ -n "${KOPRU_DEMO_PASSWORD:-}" ]; then PASSWORD_NOTE="the one in KOPRU_DEMO_PASSWORD"; else PASSWORD_NOTE="kopru-demo"; fi
USERS=$(tail -n +2 var/demo-logins.txt | awk '{print $1}' | paste -sd, - | sed 's/,/, /g')
cat <<BANNER

  Kopru is running at http://127.0.0.1:${PORT}/

  Log in with one of the demo users (one per role):
    ${USERS}
  Password: ${PASSWORD_NOTE}. No second factor in the demo.

  API documentation: http://127.0.0.1:${PORT}/api/v1/docs (once logged in)
  The background task worker runs alongside (log: var/worker.log). Stop with Ctrl-C.

BANNER
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload
