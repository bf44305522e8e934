# dondoc — two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint format install lock clean prefect

$(STAMP): pyproject.toml requirements.lock scripts/system-packages.sh
	@scripts/system-packages.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m engine.demo

test: $(STAMP)
	$(BIN)/python -m pytest

# A local Prefect server, the dondoc work pool, every deployment in prefect.yaml and a worker
# (foreground; Ctrl-C stops the worker and the server). See README, "For coordinators".
prefect: $(STAMP)
	scripts/prefect-local.sh

lint: $(STAMP)
	$(BIN)/ruff check engine workflows tests
	$(BIN)/ruff format --check engine workflows tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix engine workflows tests
	$(BIN)/ruff format engine workflows tests

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
