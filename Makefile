# dondoc — two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo demo-web test lint format install lock clean eval prefect mutation

$(STAMP): pyproject.toml requirements.lock scripts/system-packages.sh
	@scripts/system-packages.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m engine.demo

# The demo's web app (the links its mail carries) on 127.0.0.1:8765 until Ctrl+C.
demo-web: $(STAMP)
	$(BIN)/python -m engine.demo web

test: $(STAMP)
	$(BIN)/python -m pytest

# A local Prefect server, the dondoc work pool, every deployment in prefect.yaml and a worker
# (foreground; Ctrl-C or SIGTERM stops the worker and the server). Prefect's state goes to
# PREFECT_HOME, demo-out/prefect unless set. See README, "For coordinators".
prefect: $(STAMP)
	scripts/prefect-local.sh

# Draft the gold-labelled reports and score them with the shared scorer, in three blocks:
# the seed reports (outside the repository), our own reports used for tuning, and our own
# held-out reports (eval/README.md); each with precision, recall, F1 and, on the tasks
# found, unit, deadline, kind and recurrence accuracy. Per-report detail for the first two.
EVAL_DIR ?= ../shared/eval/extraction
SEEDS_DIR ?= ../shared/seeds
EVAL_OUT ?= demo-out/eval

eval: $(STAMP)
	@mkdir -p $(EVAL_OUT)/seeds $(EVAL_OUT)/tuning $(EVAL_OUT)/heldout
	@for gold in $(EVAL_DIR)/*.json; do \
	  stem=$$(basename $$gold .json); \
	  $(BIN)/dondoc directive draft $(SEEDS_DIR)/$$stem.txt --units examples/units.yaml \
	    --out $(EVAL_OUT)/seeds/$$stem.yaml --eval-json $(EVAL_OUT)/seeds/$$stem.json > /dev/null || exit 1; \
	done
	@for half in tuning heldout; do \
	  for report in eval/reports/$$half/*.txt; do \
	    stem=$$(basename $$report .txt); \
	    $(BIN)/dondoc directive draft $$report --units examples/units.yaml \
	      --out $(EVAL_OUT)/$$half/$$stem.yaml --eval-json $(EVAL_OUT)/$$half/$$stem.json > /dev/null || exit 1; \
	  done; \
	done
	@python3 $(EVAL_DIR)/score.py --pred $(EVAL_OUT)/seeds --src $(SEEDS_DIR) \
	  --json $(EVAL_OUT)/seeds-scores.json > /dev/null
	@for half in tuning heldout; do \
	  python3 $(EVAL_DIR)/score.py --pred $(EVAL_OUT)/$$half --gold eval/labels/$$half \
	    --src eval/reports/$$half --json $(EVAL_OUT)/$$half-scores.json > /dev/null || exit 1; \
	done
	@python3 eval/summary.py seeds=$(EVAL_OUT)/seeds-scores.json \
	  tuning=$(EVAL_OUT)/tuning-scores.json heldout=$(EVAL_OUT)/heldout-scores.json \
	  --detail seeds --detail tuning

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
