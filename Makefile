# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
# Test files run on two workers (pytest-xdist): a file's tests stay together, with its fixtures (one local stack each).
PYTEST := $(PY) -m pytest -n $(or $(TEST_WORKERS),2) --dist loadfile
NODE_STAMP := frontend/node_modules/.installed

.PHONY: run test lint unit api e2e infra bench frontend setup clean openapi test-faults

run: setup frontend
	$(PY) -m devstack

test: setup frontend lint
	$(PYTEST)
	FAULTS=0.1 $(PYTEST) $(FAULT_PART)

setup: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	# phonenumberslite replaced phonenumbers, which installs the same `phonenumbers` package: remove both once.
	if $(VENV)/bin/pip show --quiet phonenumbers 2>/dev/null; then \
		$(VENV)/bin/pip uninstall --quiet --yes phonenumbers phonenumberslite; fi
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

# The API suite with AWS failing 10 % of its calls (devstack/faults.py: throttles, cancelled transactions, SES refusals,
# late S3). FAULTS_SEED picks another sequence; each test's faults follow from the seed and its id.
# `make test` runs a chosen part of it again with faults (about 2 minutes on 2 workers; the whole API suite twice would
# take the suite past its 15 minutes): the account form, attachments (S3 late, records under throttling), the mailer.
FAULT_PART := tests/api/test_account.py tests/api/test_attachments.py tests/api/test_mailer.py
FAULTS ?= 0.1
test-faults: $(VENV_STAMP)
	FAULTS=$(FAULTS) FAULTS_SEED=$(or $(FAULTS_SEED),0) $(PYTEST) tests/api

openapi: $(VENV_STAMP)
	$(PY) scripts/openapi.py

# Schemathesis on the local stack as a logged-in user, ≥ 10,000 requests (FUZZ_REQUESTS); `make test` runs a short
# pass of it (tests/e2e/test_fuzz.py). The soak: 16 simulated users for 10 minutes then a consistency check of the
# table; SOAK_ARGS="--minutes 2" for a shorter one (scripts/soak.py --help).
.PHONY: fuzz soak
fuzz: setup frontend
	$(PY) scripts/fuzz.py

soak: setup frontend
	$(PY) scripts/soak.py $(SOAK_ARGS)

bench: $(VENV_STAMP)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_search.py
	$(PY) scripts/bench_spaces.py
	$(PY) scripts/bench_attachments.py
	$(PY) scripts/bench_digests.py --scale $${DIGEST_BENCH_SCALE:-0.01}
	$(PY) scripts/page_weight.py

# Deployment to AWS (real credentials from the usual AWS settings). Route (b): the resources stack from infra/, its
# outputs as the stage's configuration, chalice deploy, the frontend uploaded (scripts/deploy.py; STAGE is required).
# Route (a): make package writes the SAM template, infra/resources.json merged, into out/ for CloudFormation.
.PHONY: deploy package
ifneq ($(filter deploy,$(MAKECMDGOALS)),)
ifndef STAGE
$(error usage: make deploy STAGE=prod)
endif
endif
deploy: setup frontend
	$(PY) scripts/deploy.py --stage $(STAGE)

package: $(VENV_STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(VENV)/bin/chalice package --stage $(or $(STAGE),prod) \
		--merge-template infra/resources.json out/

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .ruff_cache
