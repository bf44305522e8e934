# dondoc — two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint format install lock clean eval prefect mutation

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
# (foreground; Ctrl-C or SIGTERM stops the worker and the server). Prefect's state goes to
# PREFECT_HOME, demo-out/prefect unless set. See README, "For coordinators".
prefect: $(STAMP)
	scripts/prefect-local.sh

# Draft the three gold-labelled seed reports and score them (precision, recall, F1,
# deadline, assignee, recurrence and kind accuracy). The seeds live outside the repository.
EVAL_DIR ?= ../shared/eval/extraction
SEEDS_DIR ?= ../shared/seeds
EVAL_OUT ?= demo-out/eval

eval: $(STAMP)
	@mkdir -p $(EVAL_OUT)
	@for gold in $(EVAL_DIR)/*.json; do \
	  stem=$$(basename $$gold .json); \
	  $(BIN)/dondoc directive draft $(SEEDS_DIR)/$$stem.txt --units examples/units.yaml \
	    --out $(EVAL_OUT)/$$stem.yaml --eval-json $(EVAL_OUT)/$$stem.json > /dev/null || exit 1; \
	done
	python3 $(EVAL_DIR)/score.py --pred $(EVAL_OUT) --src $(SEEDS_DIR)

lint: $(STAMP)
	$(BIN)/ruff check engine workflows tests bench
	$(BIN)/ruff format --check engine workflows tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix engine workflows tests bench
	$(BIN)/ruff format engine workflows tests bench

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache

# Mutation testing of the pure domain with mutmut (config: [tool.mutmut] in pyproject.toml;
# bench/MUTATION.md has the last results and why each surviving mutant is equivalent).
# A fresh mutants/ each time: results cached from other tests would be stale. About 7 minutes.
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[mutation]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
