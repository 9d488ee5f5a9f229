# Two entry points: `make demo` (install, load the example, serve) and `make test` (install, full suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint serve worker clean vendor

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/loopledger demo

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

serve: install
	$(BIN)/loopledger db upgrade
	$(BIN)/loopledger serve

# Re-fetch the dashboard's browser bundles (ECharts, Swagger UI, ReDoc) from the npm registry at
# the versions pinned in the script; they are committed, nothing is fetched at run time.
vendor:
	sh api/dashboard/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache loopledger.db* loopledger-broker.db*
