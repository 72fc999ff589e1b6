# One verb per habit; CI runs the same verbs (.ci/run calls `make test`).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test check lint types bench demo-data migrate staff deploy-test safety-case speech clean

# Where `make run` listens: this machine only, unless told (ADDRESS=0.0.0.0 make run). Tablets
# and staff reach it through HTTPS (deploy/single-server.Caddyfile), not plain HTTP on the network.
ADDRESS ?= 127.0.0.1

run: $(RUN_STAMP)  ## set up and start the app on the SQLite file in data/, on localhost (ADDRESS=0.0.0.0 for every interface)
	$(PY) -m speech prepare
	$(PY) -m streamlit run app.py --server.address=$(ADDRESS)

test: $(DEV_STAMP)  ## set up and run every test (browser tests skip without /usr/bin/chromium)
	$(PY) -m pytest

check: lint types test  ## lint + types + tests

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

types: $(DEV_STAMP)
	$(PY) -m mypy

bench: $(DEV_STAMP)  ## run every benchmark in bench/ and print its figures
	$(PY) -m bench

demo-data: $(RUN_STAMP)  ## fill the database with made-up screenings (N=1000 by default; FORCE=1 beside real ones)
	$(PY) -m storage demo-data --count $${N:-1000} $${FORCE:+--force}

.PHONY: backup
backup: $(RUN_STAMP)  ## a checked copy of the database into BACKUP_DIR, then rotation (README: Backups)
	$(PY) -m storage backup

migrate: $(RUN_STAMP)  ## bring the database schema to the latest revision (run before starting several servers)
	$(PY) -m storage migrate

staff: $(RUN_STAMP)  ## manage staff accounts: make staff ARGS="add alice --role admin" (see python -m access -h)
	$(PY) -m access $(ARGS)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

speech: $(RUN_STAMP)  ## render the read-aloud audio of every question in both languages (espeak-ng)
	$(PY) -m speech prepare

safety-case: $(DEV_STAMP)  ## run the tests the hazard log names; write docs/safety/safety-case.md
	$(PY) docs/safety/safety_case.py

deploy-test: $(DEV_STAMP)  ## PostgreSQL + two app servers + Caddy on loopback, driven in Chromium (needs caddy, postgresql, chromium)
	$(PY) -m pytest tests/deploy -m deploy -v

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
