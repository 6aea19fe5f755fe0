# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
# Test files run on two workers (pytest-xdist): a file's tests stay together, with its fixtures (one local stack each).
PYTEST := $(PY) -m pytest -n $(or $(TEST_WORKERS),2) --dist loadfile
NODE_STAMP := frontend/node_modules/.installed

.PHONY: run test lint unit api e2e infra bench frontend setup clean openapi

run: setup frontend
	$(PY) -m devstack

test: setup frontend lint
	$(PYTEST)

setup: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# --ignore-scripts: @gouvfr/dsfr's preinstall script refuses to run outside the DSFR's own repository.
$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

frontend: $(NODE_STAMP)
	cd frontend && npm run --silent build

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .

unit: $(VENV_STAMP)
	$(PY) -m pytest tests/unit

api: $(VENV_STAMP)
	$(PYTEST) tests/api tests/infra

e2e: setup frontend
	$(PYTEST) tests/e2e

openapi: $(VENV_STAMP)
	$(PY) scripts/openapi.py

bench: $(VENV_STAMP)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_search.py
	$(PY) scripts/page_weight.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .ruff_cache
