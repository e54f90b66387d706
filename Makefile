# newsdesk: `make demo` runs it on the bundled demo, `make test` runs the test suite.
.PHONY: install bench-install demo test test-sqlite test-postgres lint bench clean

VENV := .venv
STAMP := $(VENV)/.installed
export ORT_DISABLE_TELEMETRY := 1

install: $(STAMP)

# Re-installs only when pyproject.toml changes (or the venv is gone), so re-runs are instant.
$(STAMP): pyproject.toml
	@PY=$$(PYTHON="$(PYTHON)" scripts/find-python) || exit 1; \
	if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "creating $(VENV) with $$PY"; rm -rf $(VENV); "$$PY" -m venv $(VENV) || exit 1; \
	fi
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@
	@echo "installed: $(VENV)/bin/newsdesk"

# PORT=8010 serves the demo on another port; FARM_PORT=8011 moves its outlet farm.
demo: $(STAMP)
	$(VENV)/bin/newsdesk demo $(if $(PORT),--port $(PORT)) $(if $(FARM_PORT),--farm-port $(FARM_PORT))

# The suite on SQLite, then on PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
test: $(STAMP)
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "(PostgreSQL run skipped: set TEST_DATABASE_URL=postgres://... to run it too)"; fi

test-sqlite: $(STAMP)
	NEWSDESK_DATA_DIR=$(CURDIR)/var/test-sqlite $(VENV)/bin/pytest -q

test-postgres: $(STAMP)
	NEWSDESK_DATA_DIR=$(CURDIR)/var/test-postgres DATABASE_URL=$$TEST_DATABASE_URL $(VENV)/bin/pytest -q

# ruff's checks and its formatting; CI runs this before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check newsdesk tests bench
	$(VENV)/bin/ruff format --check newsdesk tests bench

# What bench/ needs beyond the tests (rouge-score, scipy): the bench extra of pyproject.toml.
bench-install: $(VENV)/.bench-installed

$(VENV)/.bench-installed: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

bench: bench-install
	$(VENV)/bin/python bench/ingest.py

clean:
	rm -rf $(VENV) var build *.egg-info
