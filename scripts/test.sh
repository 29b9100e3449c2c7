#!/usr/bin/env bash
# make test: the whole suite on SQLite, then on PostgreSQL 15. Browser tests run once (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export KOPRU_ENV=test
echo "== test suite on SQLite"
$PY -m pytest -n 2 -p no:cacheprovider
echo "== test suite on PostgreSQL"
scripts/with-postgres.sh $PY -m pytest -n 2 -p no:cacheprovider -m "not browser"
