# Kopru: `make demo` runs it, `make test` tests it (README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
export PORT

.PHONY: demo test install test-sqlite test-postgres lint format openapi messages check-deploy bench clean

$(VENV)/bin/uv:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Kopru needs Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

# Installs exactly what uv.lock says, into .venv/ (re-running is a quick no-op).
install: $(VENV)/bin/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet

demo: install
	@scripts/demo.sh

test: install
	@scripts/system-deps.sh
	@scripts/test.sh

test-sqlite: install
	$(PY) -m pytest -n 2

test-postgres: install
	@scripts/with-postgres.sh $(PY) -m pytest -n 2

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

openapi: install
	$(PY) manage.py export_openapi docs/openapi.json

messages: install
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	KOPRU_ENV=production KOPRU_SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	KOPRU_ALLOWED_HOSTS=kopru.example.org KOPRU_VAR_DIR=$$(mktemp -d) \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	@for b in bench/audit_chain.py bench/*/run.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var/static
